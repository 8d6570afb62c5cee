import { strict as assert } from "node:assert";

import { offline } from "@tdp/offline";

import { SecureBucket, dataKeyPolicy, validateBucketRecovery, validateObjectLock } from "../src";
import { KEY_ARN, byName, policyOf } from "./helpers";

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

  it("lets the copy accounts decrypt and grant for their copies, nothing else", async () => {
    const policy = JSON.parse(
      await new Promise<string>((resolve) =>
        dataKeyPolicy(
          { region: "us-east-1", viaServices: ["rds"], copyAccountIds: ["222222222222"] },
          "111111111111",
          "aws",
        ).apply(resolve),
      ),
    ) as { Statement: { Sid: string; Action: string[]; Principal: unknown; Condition?: unknown }[] };
    const decrypt = policy.Statement.find((s) => s.Sid === "CopyAccountsDecrypt")!;
    assert.deepEqual(decrypt.Principal, { AWS: ["arn:aws:iam::222222222222:root"] });
    assert.deepEqual(decrypt.Action, ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"]);
    const grant = policy.Statement.find((s) => s.Sid === "CopyAccountsGrantToTheirCopies")!;
    assert.deepEqual(grant.Condition, { Bool: { "kms:GrantIsForAWSResource": true } });
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
