import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

import { readStackFile } from "@tdp/offline";

import { dataSchema } from "../src/config/data";
import { loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

const platform = JSON.stringify({ infrastructureName: "acme-tdp" });

/** The stack file's config as `pulumi.runtime.allConfig()` hands it to the program. */
function stackFileConfig(stack: string): Record<string, string> {
  return readStackFile(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`)).config;
}

function load(data: unknown) {
  return loadStackConfig({
    "aws:region": "us-east-1",
    "tdp:platform": platform,
    "tdp:data": JSON.stringify(data),
  });
}

function problemsOf(data: unknown): string[] {
  return configProblems(() => load(data));
}

const minimal = {
  alerts: { notificationEmail: "alerts@acme.example.com" },
  email: { sourceAddress: "noreply@acme.example.com" },
};

describe("tdp:data config", () => {
  it("reads the prod stack file's data block", () => {
    const { sections } = loadStackConfig(stackFileConfig("prod"));
    const data = sections.data;
    assert.equal(data.alerts?.notificationEmail, "platform-alerts@acme.example.com");
    assert.equal(data.email?.sourceAddress, "tdp-notifications@acme.example.com");
    assert.equal(data.keys.rotationPeriodInDays, 365);
    assert.equal(data.buckets.lifecycle.datalake?.noncurrentVersionExpirationDays, 365);
    assert.equal(data.recovery, undefined);
    assert.deepEqual(data.serviceLinkedRoles, { ecs: true, openSearch: true, autoScaling: true });
    assert.equal(data.cloudTrail.enabled, true);
  });

  it("applies the defaults to a minimal block", () => {
    const { sections } = load(minimal);
    assert.equal(sections.data.keys.rotationPeriodInDays, 365);
    assert.equal(sections.data.buckets.accessLogRetentionDays, 365);
    assert.deepEqual(sections.data.buckets.names, {});
    assert.deepEqual(sections.data.serviceLinkedRoles, { ecs: true, openSearch: true, autoScaling: true });
    assert.equal(sections.data.cloudTrail.enabled, false);
  });

  it("leaves the section optional for a dr stack", () => {
    const { sections } = loadStackConfig({
      "aws:region": "us-west-2",
      "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp", role: "dr", environment: "dr" }),
    });
    assert.equal(sections.data.alerts, undefined);
  });

  it("rejects a bad notification address (seed NotificationEmail)", () => {
    assert.deepEqual(problemsOf({ ...minimal, alerts: { notificationEmail: "platform-alerts" } }), [
      'tdp:data.alerts.notificationEmail: "platform-alerts" — notificationEmail "platform-alerts" is not an e-mail address (local@domain.tld, at most 254 characters)',
    ]);
  });

  it("rejects a bad sender address (seed SourceNotificationEmail)", () => {
    assert.deepEqual(problemsOf({ ...minimal, email: { sourceAddress: "noreply@localhost" } }), [
      'tdp:data.email.sourceAddress: "noreply@localhost" — sourceAddress "noreply@localhost" is not an e-mail address (local@domain.tld, at most 254 characters)',
    ]);
  });

  it("rejects recovery with only the stream bucket (seed STBucket without DLBucket)", () => {
    assert.deepEqual(problemsOf({ ...minimal, recovery: { streamBucket: "acme-dr-stream" } }), [
      'tdp:data.recovery.datalakeBucket: (missing) — recovery: only the stream bucket (seed STBucket) "acme-dr-stream" is given; tdp:data.recovery.datalakeBucket (seed DLBucket) is missing. A DR recovery adopts both buckets or neither',
    ]);
  });

  it("names the config keys, not the package's arguments, in every recovery message", () => {
    for (const recovery of [
      { streamBucket: "acme-dr-stream" },
      { datalakeBucket: "acme-dr-datalake" },
      {},
      { streamBucket: "acme-dr", datalakeBucket: "acme-dr" },
    ]) {
      const problems = problemsOf({ ...minimal, recovery });
      assert.equal(problems.length, 1, JSON.stringify(recovery));
      assert.doesNotMatch(problems[0]!, /BucketName/, problems[0]);
      assert.match(problems[0]!, / — .*tdp:data\.recovery\.(streamBucket|datalakeBucket)\b/, problems[0]);
    }
    assert.match(
      problemsOf({ ...minimal, recovery: { streamBucket: "acme-dr", datalakeBucket: "acme-dr" } })[0]!,
      /tdp:data.recovery.streamBucket and tdp:data.recovery.datalakeBucket are both "acme-dr"; they are two buckets/,
    );
  });

  it("rejects recovery with only the data lake bucket", () => {
    const problems = problemsOf({ ...minimal, recovery: { datalakeBucket: "acme-dr-datalake" } });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^tdp:data.recovery.streamBucket: \(missing\) — recovery: only the data lake bucket/,
    );
  });

  it("rejects an empty recovery block", () => {
    const problems = problemsOf({ ...minimal, recovery: {} });
    assert.match(
      problems[0]!,
      /neither the stream bucket \(seed STBucket, tdp:data.recovery.streamBucket\) nor the data lake bucket \(seed DLBucket, tdp:data.recovery.datalakeBucket\)/,
    );
  });

  it("rejects an invalid adopted bucket name at its key", () => {
    assert.deepEqual(
      problemsOf({
        ...minimal,
        recovery: { streamBucket: "Acme_Stream", datalakeBucket: "acme-dr-datalake" },
      }),
      [
        'tdp:data.recovery.streamBucket: "Acme_Stream" — recovery.streamBucket "Acme_Stream" is not a valid S3 bucket name: use only lowercase letters, digits, dots and hyphens',
      ],
    );
  });

  it("rejects an invalid bucket name override", () => {
    assert.deepEqual(problemsOf({ ...minimal, buckets: { names: { datalake: "192.168.1.1" } } }), [
      'tdp:data.buckets.names.datalake: "192.168.1.1" — buckets.names.datalake "192.168.1.1" is not a valid S3 bucket name: it must not be formatted as an IP address',
    ]);
  });

  it("rejects one name for two buckets", () => {
    const problems = problemsOf({
      ...minimal,
      buckets: { names: { datalake: "acme-one", artifacts: "acme-one" } },
    });
    assert.match(problems[0]!, /^tdp:data.buckets.names: .* — "acme-one" is given to two buckets/);
  });

  it("rejects bad noncurrent-version days", () => {
    assert.deepEqual(
      problemsOf({ ...minimal, buckets: { lifecycle: { stream: { noncurrentVersionExpirationDays: 0 } } } }),
      [
        "tdp:data.buckets.lifecycle.stream.noncurrentVersionExpirationDays: 0 — buckets.lifecycle.stream.noncurrentVersionExpirationDays 0 must be a whole number from 1 to 3650 (days an old object version is kept; at most ten years)",
      ],
    );
  });

  it("takes noncurrent-version expiry for the access-log and CloudTrail buckets too", () => {
    const { sections } = load({
      ...minimal,
      buckets: { lifecycle: { "access-logs": { noncurrentVersionExpirationDays: 60 } } },
      cloudTrail: { enabled: true, lifecycle: { noncurrentVersionExpirationDays: 180 } },
    });
    assert.equal(sections.data.buckets.lifecycle["access-logs"]?.noncurrentVersionExpirationDays, 60);
    assert.equal(sections.data.cloudTrail.lifecycle?.noncurrentVersionExpirationDays, 180);
    // Defaults unchanged: nothing set means the package's defaults (30 and 90 days).
    assert.equal(load(minimal).sections.data.cloudTrail.lifecycle, undefined);
  });

  it("rejects bad lifecycle days for the access-log and CloudTrail buckets at their keys", () => {
    assert.deepEqual(
      problemsOf({
        ...minimal,
        buckets: { lifecycle: { "access-logs": { noncurrentVersionExpirationDays: 0 } } },
        cloudTrail: { enabled: true, lifecycle: { noncurrentVersionExpirationDays: 4000 } },
      }),
      [
        "tdp:data.buckets.lifecycle.access-logs.noncurrentVersionExpirationDays: 0 — buckets.lifecycle.access-logs.noncurrentVersionExpirationDays 0 must be a whole number from 1 to 3650 (days an old object version is kept; at most ten years)",
        "tdp:data.cloudTrail.lifecycle.noncurrentVersionExpirationDays: 4000 — cloudTrail.lifecycle.noncurrentVersionExpirationDays 4000 must be a whole number from 1 to 3650 (days an old object version is kept; at most ten years)",
      ],
    );
  });

  it("sends the access logs' expiry to accessLogRetentionDays", () => {
    assert.deepEqual(
      problemsOf({ ...minimal, buckets: { lifecycle: { "access-logs": { expirationDays: 30 } } } }),
      [
        "tdp:data.buckets.lifecycle.access-logs.expirationDays: 30 — the access logs' expiry is buckets.accessLogRetentionDays (default 365); set that instead of buckets.lifecycle.access-logs.expirationDays",
      ],
    );
  });

  it("rejects an unknown key in the trail bucket's lifecycle", () => {
    const problems = problemsOf({ ...minimal, cloudTrail: { lifecycle: { noncurrentDays: 30 } } });
    assert.match(problems[0]!, /^tdp:data.cloudTrail.lifecycle.noncurrentDays: .* — unknown setting/);
  });

  it("rejects a lifecycle for a bucket that does not exist", () => {
    const problems = problemsOf({ ...minimal, buckets: { lifecycle: { logs: { expirationDays: 3 } } } });
    assert.match(problems[0]!, /^tdp:data.buckets.lifecycle.logs: .* — unknown setting/);
  });

  it("rejects a rotation period KMS does not allow", () => {
    assert.deepEqual(problemsOf({ ...minimal, keys: { rotationPeriodInDays: 30 } }), [
      "tdp:data.keys.rotationPeriodInDays: 30 — rotationPeriodInDays 30 must be a whole number from 90 to 2560 (KMS's automatic rotation range)",
    ]);
  });

  it("rejects a bad access-log retention", () => {
    const problems = problemsOf({ ...minimal, buckets: { accessLogRetentionDays: 0 } });
    assert.match(
      problems[0]!,
      /^tdp:data.buckets.accessLogRetentionDays: 0 — accessLogRetentionDays 0 must be a whole number from 1 to 3650/,
    );
  });

  it("rejects a misspelt key", () => {
    const problems = problemsOf({ ...minimal, cloudtrail: { enabled: true } });
    assert.match(problems[0]!, /^tdp:data.cloudtrail: .* — unknown setting/);
  });

  it("rejects a KMS alias as the recovery key", () => {
    const problems = problemsOf({
      ...minimal,
      recovery: { streamBucket: "acme-dr-stream", datalakeBucket: "acme-dr-datalake", kmsKeyArn: "alias/x" },
    });
    assert.match(problems[0]!, /^tdp:data.recovery.kmsKeyArn: "alias\/x" — must be an kms ARN/);
  });

  it("reports every bad value at once", () => {
    const problems = problemsOf({
      alerts: { notificationEmail: "a" },
      email: { sourceAddress: "b" },
      keys: { rotationPeriodInDays: 10 },
      cloudTrail: { enabled: true, bucketName: "X" },
    });
    assert.equal(problems.length, 4);
  });
});

/** The zod internals the walk below reads (zod 4: every schema carries `_zod.def`). */
interface SchemaDef {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
  in?: { _zod: { def: SchemaDef } };
}

/** Every settable key under a schema, as dotted paths; a record of buckets counts as one key. */
function configKeys(def: SchemaDef, prefix: string): string[] {
  while (def.innerType !== undefined || def.type === "pipe") {
    def = def.type === "pipe" ? def.in!._zod.def : def.innerType!._zod.def;
  }
  if (def.type !== "object" || def.shape === undefined) return [prefix];
  return Object.entries(def.shape).flatMap(([key, child]) => configKeys(child._zod.def, `${prefix}.${key}`));
}

describe("docs/parameters.md and tdp:data", () => {
  it("documents every tdp:data key", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "parameters.md"), "utf8");
    const lines = doc.split("\n");
    const keys = configKeys((dataSchema as unknown as { _zod: { def: SchemaDef } })._zod.def, "data")
      // The search section's keys are documented by its own owner, with its seed rows.
      .filter((key) => !key.startsWith("data.search."))
      // Per-bucket maps are documented once, as `data.buckets.<map>.<bucket>`.
      .map((key) => key.replace(/^(data\.buckets\.(names|lifecycle))\.[a-z-]+(\..*)?$/, "$1.<bucket>"))
      // A lifecycle's fields are documented with the lifecycle.
      .map((key) => key.replace(/^(data\.cloudTrail\.lifecycle)\..*$/, "$1"));
    const documented = (key: string) => {
      if (doc.includes(`\`${key}\``)) return true;
      // A row naming siblings together: `data.database.allocatedStorage` / `.maxAllocatedStorage`.
      const parent = key.slice(0, key.lastIndexOf("."));
      const last = key.slice(key.lastIndexOf("."));
      return lines.some((line) => line.includes(`\`${parent}.`) && line.includes(`\`${last}\``));
    };
    const missing = [...new Set(keys)].filter((key) => !documented(key));
    assert.deepEqual(missing, [], `tdp:data keys without a row in docs/parameters.md: ${missing.join(", ")}`);
  });
});
