import { strict as assert } from "node:assert";

import { loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

function problemsOf(raw: Record<string, string>): string[] {
  return configProblems(() => loadStackConfig(raw));
}

const platform = JSON.stringify({ infrastructureName: "acme-tdp" });

describe("stack config loading", () => {
  it("applies the seed defaults to a minimal config", () => {
    const { region, sections } = loadStackConfig({ "aws:region": "eu-west-1", "tdp:platform": platform });
    assert.equal(region, "eu-west-1");
    assert.equal(sections.platform.environment, "production");
    assert.equal(sections.platform.logRetentionDays, 90);
    assert.equal(sections.platform.role, "primary");
    assert.equal(sections.platform.iamRolePrefix, "");
    assert.equal(sections.platform.exposedOnInternet, false);
  });

  it("rejects a misspelt tdp: key instead of ignoring it", () => {
    const problems = problemsOf({ "aws:region": "eu-west-1", "tdp:platform": platform, "tdp:netwrok": "{}" });
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^tdp:netwrok: \{\} — unknown config key \(did you mean tdp:network\?\); the tdp: keys are tdp:platform/,
    );
  });

  it("requires the platform section and a region", () => {
    assert.deepEqual(problemsOf({}), [
      "aws:region: (missing) — required: the region this stack deploys into",
      "tdp:platform: (missing) — required section is missing from the stack config",
    ]);
  });

  it("reports every bad platform value at once, each with its key, value and rule", () => {
    const problems = problemsOf({
      "aws:region": "Frankfurt",
      "tdp:platform": JSON.stringify({
        infrastructureName: "Acme",
        role: "secondary",
        accountId: "12",
        logRetentionDays: 45,
        iamBoundaryPolicyArn: "boundary",
        extra: true,
      }),
    });
    assert.deepEqual(problems, [
      'aws:region: "Frankfurt" — must be an AWS region code such as us-east-1',
      'tdp:platform.infrastructureName: "Acme" — must be 3 to 24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen',
      'tdp:platform.role: "secondary" — must be "primary" or "dr"',
      'tdp:platform.accountId: "12" — must be a 12-digit AWS account id',
      'tdp:platform.iamBoundaryPolicyArn: "boundary" — must be an iam ARN (arn:aws:iam:...)',
      "tdp:platform.logRetentionDays: 45 — must be one of the retention periods CloudWatch Logs accepts: " +
        "1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653",
      "tdp:platform.extra: true — unknown setting (misspelt?); see docs/parameters.md for the settings this section takes",
    ]);
  });
});
