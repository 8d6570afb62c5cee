import { strict as assert } from "node:assert";

import { allPolicies } from "../src/policies";
import { s3Cases } from "./cases/s3";
import { stackWideCases } from "./cases/stack-wide";
import { findings, type PolicyCase } from "./harness";
import { eksCases } from "./cases/eks";
import { ecsCases } from "./cases/ecs";
import { elbCases } from "./cases/elb";
import { kmsCases } from "./cases/kms";
import { rdsCases } from "./cases/rds";
import { opensearchCases } from "./cases/opensearch";
import { backupCases } from "./cases/backup";
import { secretsCases } from "./cases/secrets";
import { lambdaCases } from "./cases/lambda";
import { logsCases } from "./cases/logs";
import { snsSqsCases } from "./cases/sns-sqs";
import { ec2Cases } from "./cases/ec2";
import { iamCases } from "./cases/iam";
import { cognitoCases } from "./cases/cognito";
import { acmCases } from "./cases/acm";

/** Every module's cases; a module's file in cases/ adds its list here. */
const CASES: PolicyCase[] = [
  ...s3Cases,
  ...stackWideCases,
  ...eksCases,
  ...ecsCases,
  ...elbCases,
  ...kmsCases,
  ...rdsCases,
  ...opensearchCases,
  ...backupCases,
  ...secretsCases,
  ...lambdaCases,
  ...logsCases,
  ...snsSqsCases,
  ...ec2Cases,
  ...iamCases,
  ...cognitoCases,
  ...acmCases,
];

describe("policies: passing and failing fixtures", () => {
  for (const c of CASES) {
    describe(c.policy.name, () => {
      c.passes.forEach((fixture, i) => {
        it(`passes fixture ${i + 1}`, async () => {
          const found = await findings(c.policy, fixture, c.config);
          assert.deepEqual(
            found.map((f) => f.message),
            [],
          );
        });
      });
      c.fails.forEach(({ fixture, message }, i) => {
        it(`fails fixture ${i + 1} with ${message.source}`, async () => {
          const found = await findings(c.policy, fixture, c.config);
          assert.ok(found.length > 0, "expected a violation, found none");
          assert.ok(
            found.some((f) => message.test(f.message)),
            `no message matches ${message.source}: ${found.map((f) => f.message).join(" | ")}`,
          );
          // Every message also says what to change.
          assert.ok(found.every((f) => f.message.includes(". ")));
        });
      });
    });
  }
});

describe("policies: the pack", () => {
  it("every policy has at least one passing and one failing fixture", () => {
    const covered = new Map<string, PolicyCase>(CASES.map((c) => [c.policy.name, c]));
    const missing = allPolicies
      .filter((p) => {
        const c = covered.get(p.name);
        return !c || c.passes.length === 0 || c.fails.length === 0;
      })
      .map((p) => p.name);
    assert.deepEqual(missing, []);
  });

  it("policy names are unique and every policy names a control or is a project rule", () => {
    const names = allPolicies.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of allPolicies) {
      assert.ok(p.description.length > 10, p.name);
      assert.ok(["mandatory", "advisory"].includes(p.enforcementLevel), p.name);
    }
  });
});
