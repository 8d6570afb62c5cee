import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { parse, stringify } from "yaml";

import { policyConfigFromStack } from "../src/stack-config";

const ROOT = path.join(__dirname, "..", "..", "..");

describe("policy settings from the stack files: DR", () => {
  it("lets the dr stack grant exactly to its primary account, and names its replicas", () => {
    const dr = policyConfigFromStack(ROOT, "dr")!;
    assert.deepEqual([...(dr.allowedAccountIds ?? [])].sort(), ["111111111111", "222222222222"]);
    assert.deepEqual(dr.drReplicaBuckets, [
      "acme-tdp-dr-datalake",
      "acme-tdp-dr-stream",
      "acme-tdp-dr-backup",
      "acme-tdp-dr-artifacts",
    ]);
    assert.equal(dr.drReplicatedBuckets, undefined);
    assert.equal(dr.drStagingVault, undefined, "snapshots mode: no staging vault");
  });

  it("names the staging vault of a dr stack in backup mode", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tdp-policy-backup-"));
    const document = parse(readFileSync(path.join(ROOT, "Pulumi.dr.yaml"), "utf8")) as {
      config: Record<string, { databaseCopy: Record<string, unknown> }>;
    };
    document.config["tdp:dr"]!.databaseCopy["mode"] = "backup";
    writeFileSync(path.join(dir, "Pulumi.dr.yaml"), stringify(document));
    assert.equal(policyConfigFromStack(dir, "dr")!.drStagingVault, "acme-tdp-dr-database-staging");
    assert.equal(policyConfigFromStack(ROOT, "prod")!.drStagingVault, undefined, "a primary holds none");
  });

  it("lets the primary grant to its DR account, and names the buckets that must replicate", () => {
    const prod = policyConfigFromStack(ROOT, "prod")!;
    assert.deepEqual([...(prod.allowedAccountIds ?? [])].sort(), ["111111111111", "222222222222"]);
    assert.deepEqual(prod.drReplicatedBuckets, [
      "acme-tdp-production-datalake",
      "acme-tdp-production-stream",
      "acme-tdp-production-backup",
      "acme-tdp-production-artifacts",
    ]);
  });
});
