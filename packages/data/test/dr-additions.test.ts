import { strict as assert } from "node:assert";

import { offline } from "@tdp/offline";

import {
  SecureBucket,
  dataKeyPolicy,
  validateBucketRecovery,
  validateDataKeyArgs,
  validateObjectLock,
} from "../src";
import { KEY_ARN, byName, naming as primaryNaming, policyOf } from "./helpers";

const RECOVERY = { streamBucketName: "acme-tdp-dr-stream", datalakeBucketName: "acme-tdp-dr-datalake" };

describe("data layer additions for DR", () => {
  it("recovery may adopt the backup bucket too, a third bucket, with per-bucket keys", () => {
    validateBucketRecovery({
      ...RECOVERY,
      backupBucketName: "acme-tdp-dr-backup",
      kmsKeyArns: { backup: KEY_ARN },
    });
    assert.throws(
      () => validateBucketRecovery({ ...RECOVERY, backupBucketName: "acme-tdp-dr-stream" }),
      /recovery.backupBucketName "acme-tdp-dr-stream" is also the stream or data lake bucket/,
    );
    assert.throws(
      () => validateBucketRecovery({ ...RECOVERY, backupBucketName: "Bad_Name" }),
      /recovery.backupBucketName "Bad_Name"/,
    );
    assert.throws(
      () => validateBucketRecovery({ ...RECOVERY, kmsKeyArns: { artifacts: KEY_ARN } as never }),
      /recovery.kmsKeyArns.artifacts: not an adoptable bucket/,
    );
    assert.throws(
      () => validateBucketRecovery({ ...RECOVERY, kmsKeyArns: { stream: "alias/x" } }),
      /recovery.kmsKeyArns.stream/,
    );
  });

  it("checks Object Lock settings", () => {
    validateObjectLock({ mode: "GOVERNANCE", days: 1 });
    assert.throws(
      () => validateObjectLock({ mode: "LEGAL" as never, days: 1 }),
      /objectLock.mode "LEGAL" must be COMPLIANCE or GOVERNANCE/,
    );
    assert.throws(() => validateObjectLock({ mode: "COMPLIANCE", days: 0 }), /objectLock.days/);
  });

  const policyOfArgs = async (args: Parameters<typeof dataKeyPolicy>[0]) =>
    JSON.parse(
      await new Promise<string>((resolve) => dataKeyPolicy(args, "111111111111", "aws").apply(resolve)),
    ) as { Statement: { Sid: string; Action: string[]; Principal: unknown; Condition?: unknown }[] };

  it("lets the copy accounts decrypt and grant for their copies only through RDS of the key's region", async () => {
    const policy = await policyOfArgs({
      region: "us-east-1",
      viaServices: ["rds"],
      copyAccountIds: ["222222222222"],
    });
    const decrypt = policy.Statement.find((s) => s.Sid === "CopyAccountsDecrypt")!;
    assert.deepEqual(decrypt.Principal, { AWS: ["arn:aws:iam::222222222222:root"] });
    assert.deepEqual(decrypt.Action, ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"]);
    assert.deepEqual(decrypt.Condition, {
      StringEquals: { "kms:ViaService": ["rds.us-east-1.amazonaws.com"] },
    });
    const grant = policy.Statement.find((s) => s.Sid === "CopyAccountsGrantToTheirCopies")!;
    assert.deepEqual(grant.Action, ["kms:CreateGrant"]);
    assert.deepEqual(grant.Condition, {
      StringEquals: { "kms:ViaService": ["rds.us-east-1.amazonaws.com"] },
      Bool: { "kms:GrantIsForAWSResource": true },
    });
  });

  it("takes the copy accounts' endpoints from copyViaServices and checks them", async () => {
    const policy = await policyOfArgs({
      region: "us-east-1",
      viaServices: ["rds"],
      copyAccountIds: ["222222222222"],
      copyViaServices: ["rds.us-east-1.amazonaws.com", "rds.us-west-2.amazonaws.com"],
    });
    for (const sid of ["CopyAccountsDecrypt", "CopyAccountsGrantToTheirCopies"]) {
      assert.deepEqual(
        (policy.Statement.find((s) => s.Sid === sid)!.Condition as Record<string, unknown>)["StringEquals"],
        { "kms:ViaService": ["rds.us-east-1.amazonaws.com", "rds.us-west-2.amazonaws.com"] },
      );
    }
    const base = { naming: primaryNaming, purpose: "database", description: "d", region: "us-east-1" };
    assert.throws(
      () => validateDataKeyArgs({ ...base, viaServices: ["rds"], copyViaServices: [] }),
      /copyViaServices is empty/,
    );
    assert.throws(
      () => validateDataKeyArgs({ ...base, viaServices: ["rds"], copyViaServices: ["rds"] }),
      /copyViaServices entry "rds" must be a regional service endpoint/,
    );
  });

  it("appends additional statements and refuses a Sid of its own or a repeated one", async () => {
    const extra = {
      Sid: "PrimaryRoleEncrypts",
      Effect: "Allow" as const,
      Principal: { AWS: "arn:aws:iam::111111111111:root" },
      Action: ["kms:Encrypt"],
      Resource: "*",
    };
    const policy = await policyOfArgs({
      region: "us-east-1",
      viaServices: ["s3"],
      additionalStatements: [extra],
    });
    assert.equal(policy.Statement.at(-1)!.Sid, "PrimaryRoleEncrypts");
    const base = { naming: primaryNaming, purpose: "datalake", description: "d", region: "us-east-1" };
    assert.throws(
      () =>
        validateDataKeyArgs({
          ...base,
          viaServices: ["s3"],
          additionalStatements: [{ ...extra, Sid: "CopyAccountsDecrypt" }],
        }),
      /additionalStatements Sid "CopyAccountsDecrypt"/,
    );
    assert.throws(
      () => validateDataKeyArgs({ ...base, viaServices: ["s3"], additionalStatements: [extra, extra] }),
      /additionalStatements Sid "PrimaryRoleEncrypts"/,
    );
    assert.throws(
      () =>
        validateDataKeyArgs({
          ...base,
          viaServices: ["s3"],
          additionalStatements: [{ ...extra, Sid: undefined }],
        }),
      /additionalStatements Sid ""/,
    );
  });

  it("creates an Object Lock bucket with its default retention", async () => {
    const rec = await offline.record(() => {
      new SecureBucket("locked", {
        bucketName: "acme-tdp-dr-locked",
        kmsKeyArn: KEY_ARN,
        accessLogs: { bucketName: "acme-tdp-dr-access-logs" },
        objectLock: { mode: "GOVERNANCE", days: 7 },
      });
    });
    assert.equal(byName(rec, "locked-bucket").inputs["objectLockEnabled"], true);
    assert.deepEqual(byName(rec, "locked-object-lock").inputs["rule"], {
      defaultRetention: { mode: "GOVERNANCE", days: 7 },
    });
    assert.ok(policyOf(byName(rec, "locked-policy")).Statement.length > 0);
  });
});
