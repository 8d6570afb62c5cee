import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { Naming, createAwsProvider, defaultTags } from "@tdp/core";
import type { PlanFile } from "@tdp/offline";
import { PROJECT, REPO_ROOT, offline, planJson, readStackFile, toPlan } from "@tdp/offline";
import { parse, stringify } from "yaml";
import { qualifiedStackName } from "../src/config/platform";
import { runConfigProblems } from "./fixtures/config-problems";

/** Pulumi.<stack>.yaml with some settings changed, written to a temporary stack file. */
function stackWith(
  change: (config: Record<string, Record<string, unknown> | string>) => void,
  stack = "prod",
): string {
  const document = parse(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, Record<string, unknown> | string>;
  };
  change(document.config);
  const dir = mkdtempSync(path.join(tmpdir(), "tdp-stack-"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  writeFileSync(file, stringify(document));
  return file;
}

describe("the stack's AWS provider", () => {
  afterEach(() => offline.reset());

  it("createAwsProvider sets the default tags, the allowed account and the other aws: settings", async () => {
    const naming = new Naming({ infrastructureName: "acme-tdp", environment: "staging" });
    const rec = await offline.record(() => {
      createAwsProvider("aws", {
        region: "eu-west-1",
        tags: defaultTags(naming, { Stack: "staging", CostCenter: "rd" }),
        allowedAccountIds: ["123456789012"],
        settings: {
          profile: "tdp",
          defaultTags: { tags: { Owner: "ops", Project: "not-this" } },
          region: "us-east-1",
        },
      });
      createAwsProvider("unrestricted", { region: "eu-west-1", tags: { Project: "tdp" } });
    });
    const provider = rec.one("pulumi:providers:aws", "aws");
    assert.equal(provider.inputs["region"], "eu-west-1");
    assert.equal(provider.inputs["profile"], "tdp");
    assert.deepEqual(JSON.parse(String(provider.inputs["allowedAccountIds"])), ["123456789012"]);
    assert.deepEqual(JSON.parse(String(provider.inputs["defaultTags"])), {
      tags: {
        Owner: "ops",
        Project: "tdp",
        InfrastructureName: "acme-tdp",
        Environment: "staging",
        ManagedBy: "pulumi",
        Stack: "staging",
        CostCenter: "rd",
      },
    });
    assert.equal(rec.one("pulumi:providers:aws", "unrestricted").inputs["allowedAccountIds"], undefined);
  });

  it("prod's provider carries the default tags of Pulumi.prod.yaml and its account; every component hands it on", async () => {
    const rec = await offline.runStackShared("prod");
    const provider = rec.one("pulumi:providers:aws");
    const platform = JSON.parse(
      readStackFile(path.join(REPO_ROOT, "Pulumi.prod.yaml")).config["tdp:platform"]!,
    ) as {
      infrastructureName: string;
      environment: string;
      accountId: string;
      tags: Record<string, string>;
    };
    assert.deepEqual(JSON.parse(String(provider.inputs["defaultTags"])), {
      tags: {
        Project: "tdp",
        InfrastructureName: platform.infrastructureName,
        Environment: platform.environment,
        ManagedBy: "pulumi",
        ...platform.tags,
        Stack: "prod",
      },
    });
    assert.deepEqual(JSON.parse(String(provider.inputs["allowedAccountIds"])), [platform.accountId]);
    assert.equal(provider.inputs["region"], "us-east-1");

    // The awsx VPC runs in its own plugin: it uses the tagged provider only if its registration names it.
    const vpc = rec.one("awsx:ec2:Vpc");
    assert.equal(vpc.providers?.["aws"] ?? vpc.provider, provider.urn);
    // So does the eks Cluster.
    const cluster = rec.one("eks:index:Cluster");
    assert.equal(cluster.providers?.["aws"] ?? cluster.provider, provider.urn);
    for (const component of rec.resources.filter(
      (r) => !r.custom && r.type.startsWith("tdp:") && r.parent?.endsWith("::tdp-prod"),
    )) {
      assert.equal(
        component.providers?.["aws"],
        provider.urn,
        `${component.urn} hands the tagged provider to its children`,
      );
    }
  });

  it("the dr stack's provider is restricted to the dr account", async () => {
    const rec = await offline.runStackShared("dr");
    const provider = rec.one("pulumi:providers:aws");
    assert.deepEqual(JSON.parse(String(provider.inputs["allowedAccountIds"])), ["222222222222"]);
    assert.equal(JSON.parse(String(provider.inputs["defaultTags"])).tags.Stack, "dr");
  });
});

describe("IAM roles in the prod plan", () => {
  afterEach(() => offline.reset());

  it("every aws:iam/role:Role carries the boundary, and the eks Cluster is given its roles explicitly", async () => {
    const rec = await offline.runStackShared("prod");
    const boundary = "arn:aws:iam::111111111111:policy/tdp-boundary";
    const roles = rec.ofType("aws:iam/role:Role");
    assert.ok(roles.length > 10);
    for (const role of roles) {
      assert.equal(role.inputs["permissionsBoundary"], boundary, role.urn);
    }
    // The legacy stack transformation does not reach inside multi-language components, so the
    // cluster must create no role of its own: its service role is one of ours, no instance role,
    // no default node group.
    const cluster = rec.one("eks:index:Cluster");
    const serviceRole = roles.find((r) => r.urn === cluster.inputs["serviceRole"]);
    assert.ok(
      serviceRole,
      `the cluster's serviceRole ${String(cluster.inputs["serviceRole"])} is a recorded role`,
    );
    assert.equal(cluster.inputs["createInstanceRole"], false);
    assert.equal(cluster.inputs["skipDefaultNodeGroup"], true);
    // The awsx VPC is given nothing that makes roles (no flow logs of its own: the Network's are ours).
    assert.equal(rec.one("awsx:ec2:Vpc").inputs["flowLogs"] ?? undefined, undefined);
  });
});

describe("availability zones of the region", () => {
  afterEach(() => offline.reset());

  it("uses the 2 zones of a 2-zone region when the count is left unset", async () => {
    const file = stackWith((config) => {
      config["aws:region"] = "us-west-1";
      delete (config["tdp:network"] as Record<string, unknown>)["availabilityZoneCount"];
    }, "dr");
    try {
      const rec = await offline.runStack({ stack: "dr", configFile: file });
      const vpc = rec.one("awsx:ec2:Vpc");
      assert.deepEqual(vpc.inputs["availabilityZoneNames"], ["us-west-1a", "us-west-1c"]);
      const specs = vpc.inputs["subnetSpecs"] as { type: string; cidrBlocks: string[] }[];
      assert.ok(specs.length >= 2);
      assert.deepEqual(
        specs.map((s) => s.cidrBlocks.length),
        specs.map(() => 2),
      );
      const network = rec.outputs["network"] as Record<string, unknown>;
      assert.deepEqual(network["availabilityZoneIds"], ["usw1-az1", "usw1-az3"]);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it("reports a count the region cannot meet as a config error naming the key, the value and the zones", async () => {
    const file = stackWith((config) => {
      config["aws:region"] = "us-west-1";
      // DR off: the dr stack expects the primary in us-east-1 and would say so first.
      delete config["tdp:dr"];
    });
    try {
      assert.deepEqual(await runConfigProblems(offline.runStack({ stack: "prod", configFile: file })), [
        "tdp:network.availabilityZoneCount: 3 — asks for 3 availability zones but the region us-west-1 offers 2 (us-west-1a, us-west-1c); set it to 2 or leave it unset (3 zones where the region has them, else 2)",
      ]);
      offline.setAvailabilityZones({ "us-west-1": ["us-west-1b"] });
      assert.deepEqual(await runConfigProblems(offline.runStack({ stack: "prod", configFile: file })), [
        "tdp:network.availabilityZoneCount: 3 — asks for 3 availability zones but the region us-west-1 offers 1 (us-west-1b); the platform needs at least 2: deploy to another region",
      ]);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});

describe("the search domain in a 2-zone region", () => {
  afterEach(() => offline.reset());

  it("reports a data node count that the zones found cannot divide as config, before anything registers", async () => {
    const file = stackWith((config) => {
      config["aws:region"] = "us-west-1";
      // DR off: the dr stack expects the primary in us-east-1 and would say so first.
      delete config["tdp:dr"];
      delete (config["tdp:network"] as Record<string, unknown>)["availabilityZoneCount"];
      const data = config["tdp:data"] as Record<string, Record<string, unknown>>;
      data["search"] = { ...data["search"], dataInstanceCount: 3 };
    });
    try {
      const problems = await runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
      assert.equal(problems.length, 1, problems.join("\n"));
      assert.match(
        problems[0]!,
        /^tdp:data\.search\.dataInstanceCount: 3 — .*multiple of the 2 availability zones/,
      );
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });
});

describe("prod's reference to the dr stack", () => {
  afterEach(() => offline.reset());

  it("resolves to the outputs of a fresh dr run", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tdp-plans-"));
    try {
      const dr: PlanFile = toPlan(PROJECT, "dr", await offline.runStack({ stack: "dr" }));
      writeFileSync(path.join(dir, "dr.json"), planJson(dr));
      offline.setPlansDir(dir);
      const prod = await offline.runStackShared("prod");
      const reference = prod.one("pulumi:pulumi:StackReference");
      // Pulumi.prod.yaml names the bare stack `dr`: the program qualifies it with the running
      // stack's organization ("organization", as on DIY backends) and project.
      assert.equal(
        readStackFile(path.join(REPO_ROOT, "Pulumi.prod.yaml")).config["tdp:platform"]?.includes(
          '"drStack":"dr"',
        ),
        true,
      );
      assert.equal(reference.inputs["name"], "organization/tdp/dr");
      const targets = dr.outputs["targets"] as { replicationRoleArn: string };
      assert.deepEqual(prod.outputs["dr"], {
        region: dr.outputs["region"],
        accountId: dr.outputs["accountId"],
        replicationRoleArn: targets.replicationRoleArn,
        databaseCopyMode: "snapshots",
        snapshotShareFunction: "acme-tdp-production-share-snapshots",
        recoveryObjectives: (prod.outputs["dr"] as Record<string, unknown>)["recoveryObjectives"],
      });
      assert.equal(dr.outputs["region"], "us-west-2");
      assert.equal(dr.outputs["accountId"], "222222222222");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps a fully qualified <org>/<project>/<stack> as it is", async () => {
    const file = stackWith((config) => {
      (config["tdp:platform"] as Record<string, unknown>)["drStack"] = "organization/tdp/dr";
    });
    const prod = await offline.runStack({ stack: "prod", configFile: file });
    assert.equal(prod.one("pulumi:pulumi:StackReference").inputs["name"], "organization/tdp/dr");
  });

  it("refuses a two-part project/stack name as config, before any resource registers", async () => {
    const file = stackWith((config) => {
      (config["tdp:platform"] as Record<string, unknown>)["drStack"] = "tdp/dr";
    });
    const problems = await runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /^tdp:platform\.drStack: "tdp\/dr" — must be a bare stack name \(dr\)/);
  });
});

describe("qualifiedStackName", () => {
  it("qualifies a bare name with the organization and project, and keeps a qualified one", () => {
    assert.equal(qualifiedStackName("dr", "acme", "tdp"), "acme/tdp/dr");
    assert.equal(qualifiedStackName("other-org/tdp/dr", "acme", "tdp"), "other-org/tdp/dr");
  });
});
