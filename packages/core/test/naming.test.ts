import { strict as assert } from "node:assert";

import { GENERATED_SUFFIX_LENGTH, NAME_RULES, Naming, shorten } from "../src/naming";

describe("Naming", () => {
  const naming = new Naming({ infrastructureName: "acme-tdp", environment: "production" });

  it("roots every name in infrastructureName and environment", () => {
    assert.equal(naming.base, "acme-tdp-production");
    assert.equal(naming.name("s3Bucket", "datalake"), "acme-tdp-production-datalake");
  });

  it("keeps every kind within its AWS length limit, deterministically", () => {
    const long = new Naming({ infrastructureName: "a-very-long-customer-nam", environment: "production" });
    for (const kind of Object.keys(NAME_RULES) as (keyof typeof NAME_RULES)[]) {
      const first = long.name(kind, "service-with-a-rather-long-purpose-name-that-goes-on");
      assert.ok(first.length <= NAME_RULES[kind].maxLength, `${kind}: ${first} is ${first.length} long`);
      assert.equal(long.name(kind, "service-with-a-rather-long-purpose-name-that-goes-on"), first);
    }
  });

  it("makes name prefixes that leave room for the provider's unique suffix", () => {
    const naming = new Naming({
      infrastructureName: "a-very-long-infra-name-x",
      environment: "productionenvir",
    });
    const prefix = naming.namePrefix("eksNodeGroup", "eks-general-purpose-nodes");
    assert.ok(prefix.endsWith("-"));
    assert.equal(prefix.length + GENERATED_SUFFIX_LENGTH <= NAME_RULES.eksNodeGroup.maxLength, true);
    assert.equal(
      new Naming({ infrastructureName: "acme-tdp" }).namePrefix("securityGroup", "bi-db"),
      "acme-tdp-production-bi-db-",
    );
    assert.throws(
      () => naming.namePrefix("targetGroup", "tg"),
      /targetGroup names allow no prefix of .*: their limit of 32 leaves 5 characters before the provider's 26-character suffix/,
    );
  });

  it("gives different long names different short names", () => {
    const a = naming.name("loadBalancer", "dashboard-public-entry-point-a");
    const b = naming.name("loadBalancer", "dashboard-public-entry-point-b");
    assert.ok(a.length <= 32 && b.length <= 32);
    assert.notEqual(a, b);
  });

  it("fits OpenSearch domains in 28 lowercase characters", () => {
    const name = naming.name("openSearchDomain", "search");
    assert.ok(name.length <= 28, name);
    assert.match(name, /^[a-z][a-z0-9-]*$/);
  });

  it("counts IAMRolePrefix within the 64-character role limit", () => {
    const prefixed = new Naming({
      infrastructureName: "acme-tdp",
      environment: "production",
      iamRolePrefix: "CustomerPrefix-",
    });
    const role = prefixed.roleName("opensearch-snapshot-repository-registration-function");
    assert.ok(role.startsWith("CustomerPrefix-"), role);
    assert.ok(role.length <= 64, `${role} is ${role.length} long`);
  });

  it("builds SSM paths in the seed's layout with the stack's environment", () => {
    assert.equal(
      naming.ssmPath("ECS", "ts-service-web", "INT_BOX_CLIENT_ID"),
      "/tetrascience/production/ECS/ts-service-web/INT_BOX_CLIENT_ID",
    );
  });

  it("rejects an infrastructureName that cannot be part of a bucket name", () => {
    assert.throws(
      () => new Naming({ infrastructureName: "Acme_TDP" }),
      /infrastructureName "Acme_TDP" is invalid: use 3 to 24 lowercase letters/,
    );
    assert.throws(() => new Naming({ infrastructureName: "acme-" }), /not ending with a hyphen/);
  });

  it("rejects a bad environment and a bad role prefix", () => {
    assert.throws(
      () => new Naming({ infrastructureName: "acme", environment: "Prod!" }),
      /environment "Prod!" is invalid/,
    );
    assert.throws(
      () => new Naming({ infrastructureName: "acme", iamRolePrefix: "bad prefix" }),
      /iamRolePrefix "bad prefix" is invalid/,
    );
  });
});

describe("shorten", () => {
  it("returns names that fit unchanged", () => {
    assert.equal(shorten("short", 10), "short");
  });

  it("cuts long names to the limit and ends them in a hash of the whole name", () => {
    const result = shorten("x".repeat(80), 32);
    assert.equal(result.length, 32);
    assert.match(result, /^x+-[0-9a-f]{6}$/);
  });

  it("refuses limits too small to hold the hash", () => {
    assert.throws(() => shorten("abcdefghij", 5), /cannot shorten "abcdefghij" to 5 characters/);
  });
});
