// The DR account's half of the seed's RDS snapshot tool (snapshots_tool_rds_dest): snapshots the
// primary account shared with this account (SnapshotPattern) are copied from the primary region
// into this (the DR) region, encrypted with the DR database key (seed KmsKeyDestination), and
// copies older than RetentionDays are deleted. Each step is idempotent: a copy that exists is
// left alone, a snapshot already deleted counts as deleted.
import { RdsClient, credentialsFromEnvironment } from "../rds/client";
import type { RunReport } from "../rds/snapshots";
import {
  days,
  deleteSnapshots,
  emptyReport,
  idempotent,
  olderThan,
  required,
  snapshotName,
} from "../rds/snapshots";

export interface CopySettings {
  /** Seed SourceRegion: the primary region, where the shared snapshots are. */
  sourceRegion: string;
  /** The primary account: only its shared snapshots are copied. */
  sourceAccountId: string;
  /** Seed KmsKeyDestination: the DR database key. */
  kmsKeyId: string;
  /** Seed SnapshotPattern. */
  pattern: RegExp;
  /** Seed RetentionDays. */
  retentionDays: number;
}

export function copySettings(env: NodeJS.ProcessEnv): CopySettings {
  return {
    sourceRegion: required(env, "SOURCE_REGION"),
    sourceAccountId: required(env, "SOURCE_ACCOUNT_ID"),
    kmsKeyId: required(env, "KMS_KEY_ID"),
    pattern: new RegExp(`^(?:${required(env, "SNAPSHOT_PATTERN")})$`),
    retentionDays: days(env, "RETENTION_DAYS"),
  };
}

/** One run: copy what is shared and not copied yet, then delete the copies past the retention. */
export async function copySnapshots(
  source: RdsClient,
  destination: RdsClient,
  settings: CopySettings,
  now = new Date(),
): Promise<RunReport> {
  const report = emptyReport();
  const shared = await source.describeSnapshots({ SnapshotType: "shared", IncludeShared: "true" });
  const candidates = shared.filter(
    (s) =>
      s.status === "available" &&
      s.arn.split(":")[4] === settings.sourceAccountId &&
      settings.pattern.test(snapshotName(s)) &&
      !olderThan(s, settings.retentionDays, now),
  );
  for (const snapshot of candidates) {
    const target = snapshotName(snapshot);
    if ((await destination.findSnapshot(target)) !== undefined) {
      report.skipped.push(target);
      continue;
    }
    const params = {
      SourceDBSnapshotIdentifier: snapshot.arn,
      TargetDBSnapshotIdentifier: target,
      KmsKeyId: settings.kmsKeyId,
      CopyTags: "true",
    };
    const preSignedUrl = await source.presignedCopyUrl(params, destination.region);
    const copied = await idempotent(
      () =>
        destination.call("CopyDBSnapshot", {
          ...params,
          SourceRegion: settings.sourceRegion,
          PreSignedUrl: preSignedUrl,
        }),
      ["DBSnapshotAlreadyExists"],
    );
    (copied ? report.copied : report.skipped).push(target);
  }
  const copies = await destination.describeSnapshots({ SnapshotType: "manual" });
  await deleteSnapshots(
    destination,
    copies.filter(
      (s) =>
        s.status === "available" &&
        settings.pattern.test(s.identifier) &&
        olderThan(s, settings.retentionDays, now),
    ),
    report,
  );
  return report;
}

/** The Lambda entry point (scheduled). */
export async function handler(): Promise<RunReport> {
  const env = process.env;
  const settings = copySettings(env);
  const credentials = credentialsFromEnvironment(env);
  const endpoint = (name: string) => (env[name] ? { endpoint: new URL(env[name]) } : {});
  const source = new RdsClient(settings.sourceRegion, credentials, endpoint("SOURCE_RDS_ENDPOINT"));
  const destination = new RdsClient(required(env, "AWS_REGION"), credentials, endpoint("RDS_ENDPOINT"));
  const report = await copySnapshots(source, destination, settings);
  console.log(JSON.stringify({ message: "shared snapshots copied into the DR region", ...report }));
  return report;
}
