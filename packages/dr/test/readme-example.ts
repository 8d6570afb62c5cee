// The README's usage example, kept here so that `tsc -b packages/dr` type-checks it (never run).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "@tdp/core";
import {
  BackupCopyRelay,
  DrTargets,
  REPLICA_PURPOSES,
  Replication,
  SnapshotCopy,
  replicationRoleArn,
} from "../src";

const primaryNaming = new Naming({ infrastructureName: "acme-tdp", environment: "production" });

// In the DR account and region (deployed first):
const targets = new DrTargets("dr-targets", {
  naming: new Naming({ infrastructureName: "acme-tdp", environment: "dr" }),
  region: "us-west-2",
  accountId: "222222222222",
  primaryAccountId: "111111111111",
  primaryRegion: "us-east-1",
  replicationRoleArn: replicationRoleArn(primaryNaming, "111111111111"),
  objectLock: { mode: "GOVERNANCE", days: 7 },
});
export const replicas = targets.buckets;
// The DR account's half of the snapshot tool, its environment and dead-letter queue under DR keys:
new SnapshotCopy("dr-snapshot-copy", {
  naming: new Naming({ infrastructureName: "acme-tdp", environment: "dr" }),
  iam: {},
  region: "us-west-2",
  accountId: "222222222222",
  sourceRegion: "us-east-1",
  sourceAccountId: "111111111111",
  kmsKeyArn: targets.keyArns.database,
  logsKmsKeyArn: targets.keyArns.logs,
  environmentKmsKeyArn: targets.keyArns.secrets,
  deadLetterQueueKmsKeyArn: targets.keyArns.messaging,
});

// In the primary account, with the DR stack's outputs (here as literals) and the data layer's buckets:
const dr = new pulumi.StackReference("organization/tdp/dr");
const buckets = dr
  .getOutput("targets")
  .apply((t) => t as { buckets: Record<string, { name: string; arn: string; kmsKeyArn: string }> });
new Replication("dr-replication", {
  naming: primaryNaming,
  iam: {},
  region: "us-east-1",
  accountId: "111111111111",
  drAccountId: "222222222222",
  drRegion: "us-west-2",
  sources: Object.fromEntries(
    REPLICA_PURPOSES.map((p) => [
      p,
      {
        bucketName: `acme-tdp-production-${p}`,
        arn: `arn:aws:s3:::acme-tdp-production-${p}`,
        kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000001",
      },
    ]),
  ),
  destinations: Object.fromEntries(
    REPLICA_PURPOSES.map((p) => [
      p,
      {
        bucketName: buckets.apply((b) => b.buckets[p]!.name),
        arn: buckets.apply((b) => b.buckets[p]!.arn),
        kmsKeyArn: buckets.apply((b) => b.buckets[p]!.kmsKeyArn),
      },
    ]),
  ),
});

// Backup mode, in the DR account: the relay in the primary region, into the DR vault above.
const primaryRegion = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
const relay = new BackupCopyRelay(
  "dr-backup-relay",
  {
    naming: new Naming({ infrastructureName: "acme-tdp", environment: "dr" }),
    iam: {},
    accountId: "222222222222",
    region: "us-east-1",
    drRegion: "us-west-2",
    primaryAccountId: "111111111111",
    destinationVaultArn: targets.vaultArn,
    destinationKmsKeyArn: targets.keyArns["backup-vault"],
    retentionDays: 7,
    // Its own alert topic in the primary region (alarms notify topics of their region only),
    // and the alarm on the DR vault's newest copy growing older than the backup gap + 2 h.
    notificationEmail: "dr-alerts@acme.example.com",
    copyAgeAlarmHours: 26,
  },
  { providers: [primaryRegion] },
);
// The primary's DatabaseBackup takes it as copyTargetVaultArn (copyRetentionDays: 3).
export const stagingVaultArn = relay.vaultArn;
export const relayAlertTopicArn = relay.alertTopicArn;
