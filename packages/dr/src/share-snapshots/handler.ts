// The primary account's half of the seed's RDS snapshot tool (snapshots mode): after each AWS
// Backup snapshot of the database, a manual copy encrypted with the database key (a customer-
// managed key the DR account may use; AWS Backup's own snapshots cannot be shared) is made and
// shared with the DR account. Copies older than the retention are deleted here (seed
// DeleteOldSnapshots: the DR region keeps the history). Every step is idempotent: the function
// runs after each backup and on a schedule, and a repeated event changes nothing.
import type { DbSnapshot } from "../rds/client";
import { RdsClient, credentialsFromEnvironment, xmlBlocks, xmlText } from "../rds/client";
import type { RunReport } from "../rds/snapshots";
import { days, deleteSnapshots, emptyReport, idempotent, olderThan, required, stamp } from "../rds/snapshots";

export interface ShareSettings {
  /** The database instance whose backups are shared. */
  instanceIdentifier: string;
  /** The DR account the copies are shared with. */
  drAccountId: string;
  /** The database key (customer-managed: the DR account may use it). */
  kmsKeyId: string;
  /** Prefix of the manual copies; the DR side copies what matches its SnapshotPattern. */
  prefix: string;
  /** Days the shared copies stay in this region. */
  retentionDays: number;
}

export function shareSettings(env: NodeJS.ProcessEnv): ShareSettings {
  return {
    instanceIdentifier: required(env, "DB_INSTANCE_IDENTIFIER"),
    drAccountId: required(env, "DR_ACCOUNT_ID"),
    kmsKeyId: required(env, "KMS_KEY_ID"),
    prefix: required(env, "SNAPSHOT_PREFIX"),
    retentionDays: days(env, "RETENTION_DAYS"),
  };
}

async function sharedWith(client: RdsClient, snapshot: DbSnapshot): Promise<string[]> {
  const xml = await client.call("DescribeDBSnapshotAttributes", {
    DBSnapshotIdentifier: snapshot.identifier,
  });
  const restore = xmlBlocks(xml, "DBSnapshotAttribute").find(
    (a) => xmlText(a, "AttributeName") === "restore",
  );
  return restore === undefined ? [] : xmlBlocks(restore, "AttributeValue");
}

/** One run: copy the newest backup, share the available copies, delete the old ones. */
export async function shareSnapshots(
  client: RdsClient,
  settings: ShareSettings,
  now = new Date(),
): Promise<RunReport> {
  const report = emptyReport();
  const snapshots = await client.describeSnapshots({ DBInstanceIdentifier: settings.instanceIdentifier });
  const ownPrefix = `${settings.prefix}-${settings.instanceIdentifier}-`;
  const own = snapshots.filter((s) => s.snapshotType === "manual" && s.identifier.startsWith(ownPrefix));

  const backups = snapshots
    .filter((s) => s.snapshotType === "awsbackup" && s.status === "available" && s.createTime !== undefined)
    .sort((a, b) => b.createTime!.getTime() - a.createTime!.getTime());
  const newest = backups[0];
  if (newest !== undefined) {
    const target = `${ownPrefix}${stamp(newest.createTime!)}`;
    if (own.some((s) => s.identifier === target)) {
      report.skipped.push(target);
    } else if (
      await idempotent(
        () =>
          client.call("CopyDBSnapshot", {
            SourceDBSnapshotIdentifier: newest.identifier,
            TargetDBSnapshotIdentifier: target,
            KmsKeyId: settings.kmsKeyId,
            CopyTags: "true",
          }),
        ["DBSnapshotAlreadyExists"],
      )
    ) {
      report.copied.push(target);
    } else {
      report.skipped.push(target);
    }
  }

  for (const snapshot of own.filter(
    (s) => s.status === "available" && !olderThan(s, settings.retentionDays, now),
  )) {
    if ((await sharedWith(client, snapshot)).includes(settings.drAccountId)) {
      continue;
    }
    await client.call("ModifyDBSnapshotAttribute", {
      DBSnapshotIdentifier: snapshot.identifier,
      AttributeName: "restore",
      "ValuesToAdd.AttributeValue.1": settings.drAccountId,
    });
    report.shared.push(snapshot.identifier);
  }
  await deleteSnapshots(
    client,
    own.filter((s) => s.status === "available" && olderThan(s, settings.retentionDays, now)),
    report,
  );
  return report;
}

/** The Lambda entry point (scheduled, and on each completed AWS Backup job). */
export async function handler(): Promise<RunReport> {
  const env = process.env;
  const settings = shareSettings(env);
  const client = new RdsClient(required(env, "AWS_REGION"), credentialsFromEnvironment(env), {
    endpoint: env["RDS_ENDPOINT"] ? new URL(env["RDS_ENDPOINT"]) : undefined,
  });
  const report = await shareSnapshots(client, settings);
  console.log(JSON.stringify({ message: "snapshots shared with the DR account", ...report }));
  return report;
}
