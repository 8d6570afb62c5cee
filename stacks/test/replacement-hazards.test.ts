import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import type { PlanFile, PlanResource } from "@tdp/offline";
import { REPO_ROOT, allStacks } from "@tdp/offline";

import { fixedNameEntries } from "./name-registry";

const plans = allStacks().map(
  (stack) => JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", `${stack}.json`), "utf8")) as PlanFile,
);

describe("fixed physical names against replacements (committed plans)", () => {
  for (const plan of plans) {
    it(`${plan.stack}: every fixed name with replace-on-change properties has a reason it cannot collide`, () => {
      const hazards = fixedNameEntries(plan).filter((entry) => entry.reason === undefined);
      assert.deepEqual(
        hazards.map((h) => `${h.urn} (${h.physicalName}; replaced on ${h.replaceOn.join(", ")})`),
        [],
        "use a name prefix, or deleteBeforeReplace with a comment why, or add the type to ALLOWED with the reason",
      );
    });
  }

  it("lists the justified ones of prod: ECS services and load balancers delete first, stateful resources are protected", () => {
    const prod = plans.find((p) => p.stack === "prod")!;
    const byType = new Map<string, Set<string>>();
    for (const entry of fixedNameEntries(prod)) {
      byType.set(entry.type, (byType.get(entry.type) ?? new Set()).add(entry.reason!));
    }
    const deleteFirst = "deleteBeforeReplace: the old one is deleted before the new one is created";
    assert.deepEqual([...byType.get("aws:ecs/service:Service")!], [deleteFirst]);
    assert.deepEqual([...byType.get("aws:lb/loadBalancer:LoadBalancer")!], [deleteFirst]);
    assert.deepEqual([...byType.get("aws:backup/selection:Selection")!], [deleteFirst]);
    assert.match([...byType.get("aws:rds/instance:Instance")!][0]!, /^protected/);
    // Single sign-on: a pool has one domain and a provider name is unique in it.
    assert.deepEqual([...byType.get("aws:cognito/userPoolDomain:UserPoolDomain")!], [deleteFirst]);
    assert.deepEqual([...byType.get("aws:cognito/identityProvider:IdentityProvider")!], [deleteFirst]);
    // Prefixes, not names: none of these is listed.
    for (const type of [
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:lb/targetGroup:TargetGroup",
      "aws:eks/nodeGroup:NodeGroup",
    ]) {
      assert.equal(byType.has(type), false, `${type} has a fixed name`);
    }
  });

  it("fails on a new hazard, and on a type with a name-like property that is not registered", () => {
    const resource = (type: string, inputs: Record<string, unknown>): PlanResource =>
      ({
        urn: `urn:pulumi:prod::tdp::${type}::x`,
        type,
        name: "x",
        parent: null,
        custom: true,
        protect: false,
        retainOnDelete: false,
        provider: null,
        dependencies: [],
        inputs,
      }) as PlanResource;
    const [entry] = fixedNameEntries({
      resources: [resource("aws:ec2/securityGroup:SecurityGroup", { name: "fixed", vpcId: "vpc-1" })],
    });
    assert.equal(entry?.reason, undefined);
    assert.deepEqual(entry?.replaceOn, ["vpcId"]);
    assert.throws(
      () => fixedNameEntries({ resources: [resource("aws:new/thing:Thing", { name: "fixed" })] }),
      /aws:new\/thing:Thing sets name but the type is not in NAME_RULES/,
    );
  });
});

describe("providers in the committed plans", () => {
  for (const plan of plans) {
    it(`${plan.stack}: every AWS resource names an explicit provider (pulumi:disable-default-providers)`, () => {
      const defaults = plan.resources.filter(
        (r) => r.custom && r.type.startsWith("aws:") && r.provider === null,
      );
      assert.deepEqual(
        defaults.map((r) => r.urn),
        [],
      );
      // The multi-language components get the stack's provider on their own registration.
      for (const component of plan.resources.filter((r) => /^(awsx|eks):/.test(r.type))) {
        assert.ok(component.providers?.["aws"], `${component.urn} has no aws provider`);
      }
    });
  }
});
