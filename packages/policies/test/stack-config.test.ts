import { strict as assert } from "node:assert";
import * as path from "node:path";

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
