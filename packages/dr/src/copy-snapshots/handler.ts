// The DR account's half of the seed's RDS snapshot tool (snapshots_tool_rds_dest): snapshots the
// primary account shared with this account (SnapshotPattern) are copied from the primary region
// into this (the DR) region, encrypted with the DR database key (seed KmsKeyDestination), and
// copies older than RetentionDays are deleted. Each step is idempotent: a copy that exists is
// left alone, a snapshot already deleted counts as deleted. With METRIC_NAMESPACE set, each run
// reports how old the newest DR copy is, so the DR stack can alarm when none is made any more.
import type { DbSnapshot } from "../rds/client";
import { RdsClient, credentialsFromEnvironment } from "../rds/client";
import { NEWEST_COPY_AGE_METRIC } from "../copy-age";
import { MetricsClient } from "../rds/metrics";
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

/** What a run did, and the age of the newest available DR copy after it (none: no copy). */
export interface CopyReport extends RunReport {
  newestCopyAgeHours?: number;
}

/**
 * Hours since the newest available DR copy matching the pattern was made (a copy's
 * SnapshotCreateTime is when it was copied); undefined when there is none.
 */
export function newestCopyAgeHours(copies: DbSnapshot[], pattern: RegExp, now: Date): number | undefined {
  const times = copies
    .filter((s) => s.status === "available" && pattern.test(s.identifier) && s.createTime !== undefined)
    .map((s) => s.createTime!.getTime());
  if (times.length === 0) {
    return undefined;
  }
  return Math.round(((now.getTime() - Math.max(...times)) / 3_600_000) * 100) / 100;
}

/** One run: copy what is shared and not copied yet, then delete the copies past the retention. */
export async function copySnapshots(
  source: RdsClient,
  destination: RdsClient,
  settings: CopySettings,
  now = new Date(),
): Promise<CopyReport> {
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
  const kept = copies.filter((s) => !report.deleted.includes(s.identifier));
  const age = newestCopyAgeHours(kept, settings.pattern, now);
  return age === undefined ? report : { ...report, newestCopyAgeHours: age };
}

/**
 * Publishes the newest copy's age under `namespace`, dimension FunctionName. Nothing when there is
 * no copy: the alarm treats a missing data point as breaching.
 */
export async function publishCopyAge(
  metrics: MetricsClient,
  namespace: string,
  functionName: string,
  report: CopyReport,
): Promise<void> {
  if (report.newestCopyAgeHours !== undefined) {
    await metrics.putMetric(namespace, NEWEST_COPY_AGE_METRIC, report.newestCopyAgeHours, {
      FunctionName: functionName,
    });
  }
}

/** The Lambda entry point (scheduled). */
export async function handler(): Promise<CopyReport> {
  const env = process.env;
  const settings = copySettings(env);
  const credentials = credentialsFromEnvironment(env);
  const endpoint = (name: string) => (env[name] ? { endpoint: new URL(env[name]) } : {});
  const source = new RdsClient(settings.sourceRegion, credentials, endpoint("SOURCE_RDS_ENDPOINT"));
  const destination = new RdsClient(required(env, "AWS_REGION"), credentials, endpoint("RDS_ENDPOINT"));
  const report = await copySnapshots(source, destination, settings);
  const namespace = env["METRIC_NAMESPACE"];
  if (namespace) {
    const region = required(env, "AWS_REGION");
    const metrics = new MetricsClient(region, credentials, endpoint("MONITORING_ENDPOINT"));
    await publishCopyAge(metrics, namespace, required(env, "AWS_LAMBDA_FUNCTION_NAME"), report);
  }
  console.log(JSON.stringify({ message: "shared snapshots copied into the DR region", ...report }));
  return report;
}
