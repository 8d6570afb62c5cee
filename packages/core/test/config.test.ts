import { strict as assert } from "node:assert";

import { z } from "zod";

import {
  ConfigError,
  arn,
  awsAccountId,
  cidrBlock,
  email,
  formatProblem,
  logRetentionDays,
  parseConfigSection,
  shownValue,
} from "../src/config";

describe("config building blocks", () => {
  const schema = z.strictObject({
    accountId: awsAccountId,
    cidr: cidrBlock,
    retention: logRetentionDays.default(90),
    alerts: z.strictObject({ email: email }).optional(),
    boundary: arn("iam").optional(),
  });

  it("returns the typed value with defaults", () => {
    const result = parseConfigSection("tdp:test", schema, { accountId: "111111111111", cidr: "10.0.0.0/16" });
    assert.ok(result.ok);
    assert.equal(result.value.retention, 90);
  });

  it("names the full key, the value and the rule of every problem", () => {
    const result = parseConfigSection("tdp:test", schema, {
      accountId: "1234",
      cidr: "10.0.0.1/16",
      retention: 10,
      alerts: { email: "not-an-email" },
      boundary: "arn:aws:s3:::bucket",
    });
    assert.ok(!result.ok);
    const lines = result.problems.map(formatProblem);
    assert.deepEqual(lines, [
      'tdp:test.accountId: "1234" — must be a 12-digit AWS account id',
      'tdp:test.cidr: "10.0.0.1/16" — must be an IPv4 CIDR block a.b.c.d/n with no host bits set',
      "tdp:test.retention: 10 — must be one of the retention periods CloudWatch Logs accepts: " +
        "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      'tdp:test.alerts.email: "not-an-email" — must be an email address',
      'tdp:test.boundary: "arn:aws:s3:::bucket" — must be an iam ARN (arn:aws:iam:...)',
    ]);
  });

  it("reports a misspelt key as unknown instead of ignoring it", () => {
    const result = parseConfigSection("tdp:test", schema, {
      accountId: "111111111111",
      cidr: "10.0.0.0/16",
      retentoin: 30,
    });
    assert.ok(!result.ok);
    assert.equal(result.problems.length, 1);
    assert.match(
      formatProblem(result.problems[0]!),
      /^tdp:test\.retentoin: 30 — unknown setting \(misspelt\?\)/,
    );
  });

  it("reports a missing required value as missing", () => {
    const result = parseConfigSection("tdp:test", schema, { cidr: "10.0.0.0/16" });
    assert.ok(!result.ok);
    assert.match(formatProblem(result.problems[0]!), /^tdp:test\.accountId: \(missing\) — /);
  });

  it("ConfigError lists one line per problem", () => {
    const error = new ConfigError([
      { key: "tdp:a.b", value: 1, rule: "must be 2" },
      { key: "tdp:c", value: undefined, rule: "required" },
    ]);
    assert.equal(
      error.message,
      "invalid stack config (2 problems):\n  tdp:a.b: 1 — must be 2\n  tdp:c: (missing) — required",
    );
  });
});

describe("config problem lines", () => {
  it("suggest the setting a misspelt key was probably meant to be, at any depth", () => {
    const schema = z
      .object({
        scaling: z.object({ minSize: z.number(), maxSize: z.number().optional() }).strict().optional(),
        name: z.string().default("x"),
      })
      .strict();
    const result = parseConfigSection("tdp:test", schema, { nmae: "a", scaling: { minSize: 1, maxsize: 2 } });
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.problems.map(formatProblem), [
      "tdp:test.scaling.maxsize: 2 — unknown setting (misspelt?) (did you mean tdp:test.scaling.maxSize?); see docs/parameters.md for the settings this section takes",
      'tdp:test.nmae: "a" — unknown setting (misspelt?) (did you mean tdp:test.name?); see docs/parameters.md for the settings this section takes',
    ]);
    const far = parseConfigSection("tdp:test", schema, { colour: "blue" });
    assert.deepEqual(far.ok ? [] : far.problems.map(formatProblem), [
      'tdp:test.colour: "blue" — unknown setting (misspelt?); see docs/parameters.md for the settings this section takes',
    ]);
  });

  it("show a long value as a summary", () => {
    assert.equal(shownValue(undefined), "(missing)");
    assert.equal(shownValue({ a: 1 }), '{"a":1}');
    assert.equal(shownValue(Array.from({ length: 40 }, (_, i) => `item-${i}`)), "[40 items]");
    assert.equal(shownValue("x".repeat(200)), `"${"x".repeat(200)}"`);
    const section = Object.fromEntries(
      Array.from({ length: 9 }, (_, i) => [`setting${i}`, "a long value here"]),
    );
    assert.equal(
      shownValue(section),
      "{ 9 settings: setting0, setting1, setting2, setting3, setting4, setting5, … }",
    );
  });
});
