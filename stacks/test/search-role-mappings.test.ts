import { strict as assert } from "node:assert";

import { ConfigError, formatProblem } from "@tdp/core";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import { loadStackConfig } from "../src/config/load";

const PARAMETER = "/tetrascience/production/search/role-mappings";

/** `tdp:services.search` problems of a config map with this block (no stack run). */
function schemaProblems(block: unknown): string[] {
  try {
    loadStackConfig({
      "aws:region": "us-east-1",
      "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp" }),
      "tdp:services": JSON.stringify({ search: block }),
    });
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.problems.map(formatProblem).filter((p) => p.startsWith("tdp:services.search"));
  }
  return [];
}

describe("search role mappings in the prod stack", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  it("writes every ECS task role and the data-processing workload role to tdp_platform in a String parameter", () => {
    const parameter = rec.one("aws:ssm/parameter:Parameter", "services-search-role-mappings");
    assert.equal(parameter.inputs["name"], PARAMETER);
    assert.equal(parameter.inputs["type"], "String");
    assert.equal(parameter.inputs["tier"], "Standard");
    const taskRoles = [
      ...new Set(
        rec.ofType("aws:ecs/taskDefinition:TaskDefinition").map((t) => String(t.inputs["taskRoleArn"])),
      ),
    ];
    assert.ok(taskRoles.length > 0);
    const services = rec.outputs["services"] as { eks: { workloadRoleArns: Record<string, string> } };
    const dataProcessing = services.eks.workloadRoleArns["dataProcessing"];
    const expected = [...taskRoles, ...(dataProcessing ? [dataProcessing] : [])].sort();
    assert.deepEqual(JSON.parse(String(parameter.inputs["insecureValue"])), { tdp_platform: expected });
    // The cluster autoscaler has no business in the domain.
    const autoscaler = services.eks.workloadRoleArns["clusterAutoscaler"];
    if (autoscaler) {
      assert.ok(!expected.includes(autoscaler));
    }
  });

  it("gives the snapshot function the parameter's name, the allowed roles and GetParameter on it alone", () => {
    const fn = rec.one("aws:lambda/function:Function", "search-snapshot-function");
    const env = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(env["ROLE_MAPPINGS_PARAMETER"], PARAMETER);
    assert.equal(env["ROLE_MAPPINGS_ALLOWED_ROLES"], "readall,readall_and_monitor,tdp_platform");
    const search = rec.outputs["search"] as { masterRoleArn: string };
    assert.equal(env["MASTER_ROLE_ARN"], search.masterRoleArn);
    const policy = JSON.parse(
      String(
        rec.one("aws:iam/rolePolicy:RolePolicy", "search-master-role-role-mappings-parameter").inputs[
          "policy"
        ],
      ),
    ) as { Statement: { Action: unknown; Resource: unknown }[] };
    assert.deepEqual(
      policy.Statement.map((s) => [s.Action, s.Resource]),
      [["ssm:GetParameter", `arn:aws:ssm:us-east-1:111111111111:parameter${PARAMETER}`]],
    );
    // The function reaches SSM through the VPC's interface endpoints.
    const network = rec.outputs["network"] as { endpointSecurityGroupId: string };
    const egress = rec.one(
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "search-snapshot-to-endpoints",
    );
    assert.equal(egress.inputs["referencedSecurityGroupId"], network.endpointSecurityGroupId);
  });
});

describe("tdp:services.search config", () => {
  it("defaults to tdp_platform and the data-processing workload", () => {
    const config = loadStackConfig({
      "aws:region": "us-east-1",
      "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp" }),
    });
    assert.deepEqual(config.sections.services.search, {
      openSearchRole: "tdp_platform",
      eksWorkloads: ["dataProcessing"],
    });
  });

  it("refuses administrative roles, bad names, unknown workloads and unknown keys", () => {
    assert.deepEqual(schemaProblems({ openSearchRole: "all_access" }), [
      'tdp:services.search.openSearchRole: "all_access" — "all_access" administers the domain and is never mapped automatically (forbidden: all_access, security_manager, manage_snapshots, kibana_server)',
    ]);
    assert.match(schemaProblems({ openSearchRole: "my role" })[0] ?? "", /is not an OpenSearch role name/);
    assert.match(
      schemaProblems({ eksWorkloads: ["clusterAutoscaler"] })[0] ?? "",
      /^tdp:services\.search\.eksWorkloads\[0\]: "clusterAutoscaler"/,
    );
    assert.match(schemaProblems({ roles: [] })[0] ?? "", /roles/);
    assert.deepEqual(schemaProblems({ openSearchRole: "app_search" }), []);
  });
});
