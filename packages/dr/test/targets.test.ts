import { strict as assert } from "node:assert";

import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { DrTargetsArgs } from "../src";
import {
  DR_KEY_PURPOSES,
  DrTargets,
  REPLICA_PURPOSES,
  REPLICA_WRITE_ACTIONS,
  validateDrTargetsArgs,
} from "../src";
import { DR, PRIMARY, ROLE_ARN, drNaming, sids, statement } from "./helpers";

const ARGS: DrTargetsArgs = {
  naming: drNaming,
  region: "us-west-2",
  accountId: DR,
  primaryAccountId: PRIMARY,
  primaryRegion: "us-east-1",
  replicationRoleArn: ROLE_ARN,
  objectLock: { mode: "COMPLIANCE", days: 30 },
  databaseCopyMode: "backup",
  copyRetentionDays: 14,
  vaultLock: { minRetentionDays: 7 },
};

describe("DrTargets", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => new DrTargets("dr-targets", ARGS));
  });

  it("keeps one protected, yearly-rotated key per data class, the snapshots' and the vault's", () => {
    const keys = rec.ofType("aws:kms/key:Key");
    assert.deepEqual(
      keys.map((k) => k.name).sort(),
      DR_KEY_PURPOSES.map((p) => `dr-targets-${p}-key`).sort(),
    );
    for (const key of keys) {
      assert.equal(key.inputs["enableKeyRotation"], true);
      assert.equal(key.inputs["rotationPeriodInDays"], 365);
      assert.equal(key.protect, true);
      assert.equal(key.retainOnDelete, true);
    }
    assert.equal(
      rec.one("aws:kms/alias:Alias", "dr-targets-database-alias").inputs["name"],
      "alias/acme-tdp-dr-database",
    );
  });

  it("builds every key with @tdp/data's DataKey: administration without use, use only through its services", () => {
    for (const purpose of DR_KEY_PURPOSES) {
      const key = rec.one("aws:kms/key:Key", `dr-targets-${purpose}-key`);
      assert.match(String(key.parent), new RegExp(`\\$tdp:data:DataKey::dr-targets-${purpose}$`));
      const admin = statement(rec, key.name, "AccountAdministersTheKey");
      assert.ok(
        !(admin.Action as string[]).some((a) => /Decrypt|Encrypt|GenerateDataKey|CreateGrant/.test(a)),
      );
    }
    const via = (purpose: string) =>
      statement(rec, `dr-targets-${purpose}-key`, "AccountPrincipalsUseTheKeyThroughServices").Condition![
        "StringEquals"
      ]!["kms:ViaService"];
    assert.deepEqual(via("datalake"), ["s3.us-west-2.amazonaws.com"]);
    assert.deepEqual(via("database"), ["rds.us-west-2.amazonaws.com", "backup.us-west-2.amazonaws.com"]);
    assert.deepEqual(via("messaging"), ["sns.us-west-2.amazonaws.com", "sqs.us-west-2.amazonaws.com"]);
    assert.deepEqual(via("secrets"), ["lambda.us-west-2.amazonaws.com"]);
  });

  it("lets CloudWatch Logs use the logs key for this account's groups and CloudWatch alarms the messaging key", () => {
    const logs = statement(rec, "dr-targets-logs-key", "ServicePrincipal0");
    assert.deepEqual(logs.Principal, { Service: "logs.us-west-2.amazonaws.com" });
    assert.deepEqual(logs.Condition, {
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-west-2:${DR}:log-group:*` },
    });
    const alarms = statement(rec, "dr-targets-messaging-key", "ServicePrincipal0");
    assert.deepEqual(alarms.Principal, { Service: "cloudwatch.amazonaws.com" });
    assert.deepEqual(alarms.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
    assert.deepEqual(alarms.Condition, { StringEquals: { "aws:SourceAccount": DR } });
    assert.equal(
      rec.one("aws:kms/alias:Alias", "dr-targets-secrets-alias").inputs["name"],
      "alias/acme-tdp-dr-secrets",
    );
  });

  it("lets exactly the primary's replication role encrypt with a bucket key, through S3 in the DR region", () => {
    const grant = statement(rec, "dr-targets-datalake-key", "PrimaryReplicationRoleEncryptsReplicas");
    assert.deepEqual(grant.Principal, { AWS: `arn:aws:iam::${PRIMARY}:root` });
    assert.deepEqual(grant.Condition, {
      StringEquals: { "aws:PrincipalArn": ROLE_ARN, "kms:ViaService": "s3.us-west-2.amazonaws.com" },
    });
    assert.deepEqual(grant.Action, ["kms:Encrypt", "kms:GenerateDataKey"]);
    assert.ok(!sids(rec, "dr-targets-database-key").includes("PrimaryReplicationRoleEncryptsReplicas"));
    assert.ok(!sids(rec, "dr-targets-backup-vault-key").includes("PrimaryReplicationRoleEncryptsReplicas"));
  });

  it("lets an RDS instance of the DR account run under the database key (a failover restores a DR copy in place)", () => {
    // The recovery stack adopts this key (tdp:data.recovery.databaseKmsKeyArn): RDS encrypts the
    // restored instance's storage and Performance Insights with it, and AWS Backup backs it up.
    const use = statement(rec, "dr-targets-database-key", "AccountPrincipalsUseTheKeyThroughServices");
    assert.deepEqual(use.Principal, { AWS: `arn:aws:iam::${DR}:root` });
    assert.deepEqual(use.Condition, {
      StringEquals: {
        "kms:CallerAccount": DR,
        "kms:ViaService": ["rds.us-west-2.amazonaws.com", "backup.us-west-2.amazonaws.com"],
      },
    });
    for (const action of [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]) {
      assert.ok((use.Action as string[]).includes(action), action);
    }
    // RDS holds grants on the key for the instance (and its replicas and snapshots) it manages.
    const grants = statement(rec, "dr-targets-database-key", "ServicesHoldGrantsForTheirResources");
    assert.deepEqual(grants.Action, ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]);
    assert.deepEqual(grants.Condition, {
      StringEquals: {
        "kms:CallerAccount": DR,
        "kms:ViaService": ["rds.us-west-2.amazonaws.com", "backup.us-west-2.amazonaws.com"],
      },
      Bool: { "kms:GrantIsForAWSResource": true },
    });
  });

  it("creates the four replica buckets, versioned, SSE-KMS with their own DR key, logged, under Object Lock", () => {
    for (const purpose of REPLICA_PURPOSES) {
      const bucket = rec.one("aws:s3/bucket:Bucket", `dr-targets-${purpose}-bucket`);
      assert.equal(bucket.inputs["bucket"], `acme-tdp-dr-${purpose}`);
      assert.equal(bucket.inputs["objectLockEnabled"], true);
      assert.equal(bucket.protect, true);
      const lock = rec.one(
        "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
        `dr-targets-${purpose}-object-lock`,
      );
      assert.deepEqual(lock.inputs["rule"], { defaultRetention: { mode: "COMPLIANCE", days: 30 } });
      rec.one("aws:s3/bucketVersioning:BucketVersioning", `dr-targets-${purpose}-versioning`);
      rec.one("aws:s3/bucketLogging:BucketLogging", `dr-targets-${purpose}-access-logs`);
      const sse = rec.one(
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        `dr-targets-${purpose}-encryption`,
      );
      const rule = (
        sse.inputs["rules"] as { applyServerSideEncryptionByDefault: { kmsMasterKeyId: string } }[]
      )[0]!;
      const key = rec.one("aws:kms/key:Key", `dr-targets-${purpose}-key`);
      assert.match(String(rule.applyServerSideEncryptionByDefault.kmsMasterKeyId), /^arn:aws:kms:.*:key\//);
      assert.ok(sse.dependencies.includes(key.urn), `${purpose}: encrypted with another key`);
    }
  });

  it("admits only the pinned replication role to write replicas, and keeps TLS-only", () => {
    const write = statement(rec, "dr-targets-stream-policy", "PrimaryReplicationRoleWritesReplicas");
    assert.deepEqual(write.Principal, { AWS: `arn:aws:iam::${PRIMARY}:root` });
    assert.deepEqual(write.Action, REPLICA_WRITE_ACTIONS);
    assert.deepEqual(write.Condition, { StringEquals: { "aws:PrincipalArn": ROLE_ARN } });
    assert.equal(write.Resource, "arn:aws:s3:::acme-tdp-dr-stream/*");
    assert.ok(sids(rec, "dr-targets-stream-policy").includes("DenyInsecureTransport"));
  });

  it("keeps the access logs in an SSE-S3 bucket without Object Lock (S3 cannot log into one)", () => {
    const logs = rec.one("aws:s3/bucket:Bucket", "dr-targets-access-logs-bucket");
    assert.equal(logs.inputs["bucket"], "acme-tdp-dr-access-logs");
    assert.equal(logs.inputs["objectLockEnabled"], undefined);
  });

  it("creates a protected vault with its own key that no other account may write (backup mode relays in from this account)", () => {
    const vault = rec.one("aws:backup/vault:Vault");
    assert.equal(vault.inputs["name"], "acme-tdp-dr-database");
    assert.equal(vault.protect, true);
    assert.deepEqual(sids(rec, "dr-targets-vault-policy"), ["RecoveryPointsAreNotDeletedOrShortened"]);
    assert.equal(
      rec.one("aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs["minRetentionDays"],
      7,
    );
  });

  it("lets RDS use the vault's key in backup mode only (the copies are RDS snapshots under it)", async () => {
    const via = (r: Recording, name: string) =>
      statement(r, name, "AccountPrincipalsUseTheKeyThroughServices").Condition?.["StringEquals"]?.[
        "kms:ViaService"
      ];
    assert.deepEqual(via(rec, "dr-targets-backup-vault-key"), [
      "backup.us-west-2.amazonaws.com",
      "rds.us-west-2.amazonaws.com",
    ]);
    const other = await offline.record(
      () => new DrTargets("t", { ...ARGS, databaseCopyMode: "snapshots", objectLock: undefined }),
    );
    assert.deepEqual(sids(other, "t-vault-policy"), ["RecoveryPointsAreNotDeletedOrShortened"]);
    assert.deepEqual(via(other, "t-backup-vault-key"), ["backup.us-west-2.amazonaws.com"]);
    assert.equal(
      other.ofType("aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration").length,
      0,
    );
  });
});

describe("validateDrTargetsArgs", () => {
  it("accepts the example", () => validateDrTargetsArgs(ARGS));
  it("refuses the DR account as the primary", () =>
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, primaryAccountId: DR }),
      /primaryAccountId "222222222222": the primary and the DR account are the same/,
    ));
  it("refuses a primary account id that is not 12 digits", () =>
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, primaryAccountId: "1234" }),
      /primaryAccountId "1234" is not an AWS account id/,
    ));
  it("refuses the DR region as the primary region", () =>
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, primaryRegion: "us-west-2" }),
      /primaryRegion "us-west-2": the primary and the DR region are the same/,
    ));
  it("refuses Object Lock days out of range", () => {
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, objectLock: { mode: "GOVERNANCE", days: 0 } }),
      /objectLock.days/,
    );
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, objectLock: { mode: "GOVERNANCE", days: 36501 } }),
      /objectLock.days/,
    );
  });
  it("refuses an unknown replica bucket's lifecycle", () =>
    assert.throws(
      () =>
        validateDrTargetsArgs({ ...ARGS, lifecycle: { "athena-results": {} } as DrTargetsArgs["lifecycle"] }),
      /lifecycle.athena-results: unknown replica bucket/,
    ));
  it("refuses a bad lifecycle value", () =>
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, lifecycle: { stream: { noncurrentVersionExpirationDays: 0 } } }),
      /lifecycle.stream.noncurrentVersionExpirationDays/,
    ));
  it("refuses an unknown copy mode", () =>
    assert.throws(
      () =>
        validateDrTargetsArgs({ ...ARGS, databaseCopyMode: "rsync" as DrTargetsArgs["databaseCopyMode"] }),
      /databaseCopyMode "rsync"/,
    ));
  it("refuses a rotation period KMS does not offer", () =>
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, rotationPeriodInDays: 30 }),
      /rotationPeriodInDays 30 must be a whole number from 90 to 2560/,
    ));
  it("refuses copies kept 0 days", () =>
    assert.throws(() => validateDrTargetsArgs({ ...ARGS, copyRetentionDays: 0 }), /copyRetentionDays 0/));
  it("refuses a vault lock above the copies' retention", () =>
    assert.throws(
      () => validateDrTargetsArgs({ ...ARGS, vaultLock: { minRetentionDays: 30 } }),
      /vaultLock.minRetentionDays 30/,
    ));
});
