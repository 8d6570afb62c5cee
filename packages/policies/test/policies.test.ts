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
import { drCases } from "./cases/dr";
import { secretsCases } from "./cases/secrets";
import { lambdaCases } from "./cases/lambda";
import { logsCases } from "./cases/logs";
import { snsSqsCases } from "./cases/sns-sqs";
import { ec2Cases } from "./cases/ec2";
import { iamCases } from "./cases/iam";
import { cognitoCases } from "./cases/cognito";
import { acmCases } from "./cases/acm";
import { cloudtrailCases } from "./cases/cloudtrail";
import { athenaCases } from "./cases/athena";
import { glueCases } from "./cases/glue";
import { organizationsCases } from "./cases/organizations";
import { PROJECT_RULES } from "../src/project-rules";

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
  ...drCases,
  ...secretsCases,
  ...lambdaCases,
  ...logsCases,
  ...snsSqsCases,
  ...ec2Cases,
  ...iamCases,
  ...cognitoCases,
  ...acmCases,
  ...cloudtrailCases,
  ...athenaCases,
  ...glueCases,
  ...organizationsCases,
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

  it("every policy names a control id (FSBP or checkov) or a documented project rule id", () => {
    const unnamed = allPolicies
      .filter((p) => p.controls.fsbp.length + p.controls.checkov.length + p.controls.project.length === 0)
      .map((p) => p.name);
    assert.deepEqual(unnamed, [], "policies naming no control and no project rule");
    const malformed = allPolicies.flatMap((p) => [
      ...p.controls.fsbp
        .filter((id) => !/^[A-Za-z][A-Za-z0-9]*\.\d+$/.test(id))
        .map((id) => `${p.name}: fsbp ${id}`),
      ...p.controls.checkov
        .filter((id) => !/^CKV2?_AWS_\d+$/.test(id))
        .map((id) => `${p.name}: checkov ${id}`),
      ...p.controls.project.filter((id) => !(id in PROJECT_RULES)).map((id) => `${p.name}: project ${id}`),
    ]);
    assert.deepEqual(malformed, [], "ids that are not FSBP, checkov or documented project rule ids");
  });

  it("has at least 45 policies (issue 3)", () => {
    assert.ok(allPolicies.length >= 45, `only ${allPolicies.length} policies`);
  });

  it("claims no control it does not enforce", () => {
    const claims = (name: string) => {
      const p = allPolicies.find((policy) => policy.name === name);
      assert.ok(p, name);
      return [...p.controls.fsbp, ...p.controls.checkov];
    };
    // CloudWatch.16 and CKV_AWS_338 ask for a year's retention; the seed's default is 90 days.
    for (const id of ["CloudWatch.16", "CKV_AWS_338"])
      assert.ok(!claims("log-group-retention").includes(id), id);
    // CKV_AWS_7 is KMS key rotation (kms-key-rotation), not deletion protection.
    assert.ok(!claims("stateful-resources-protected").includes("CKV_AWS_7"));
  });

  it("data-loss controls are mandatory: Multi-AZ databases, highly available search domains", () => {
    for (const name of ["rds-multi-az", "opensearch-high-availability"])
      assert.equal(allPolicies.find((p) => p.name === name)?.enforcementLevel, "mandatory", name);
  });
});
