// The DR account's second hop of backup mode: AWS Backup copies each database recovery point
// from the primary account into the staging vault (same region, another account); this function
// copies every completed recovery point of the staging vault on into the DR vault (same account,
// the DR region), kept RETENTION_DAYS there. AWS Backup cannot do both in one copy for RDS.
// Idempotent: a recovery point with a copy job into the DR vault that is created, running or
// completed is left alone, so a repeated event or an overlapping run starts nothing twice. With
// METRIC_NAMESPACE set, each run also reports how old the newest recovery point of the DR vault
// is (in this region, where its alarm is), so the dr stack alarms when no copy arrives any more.
import { createHash } from "node:crypto";

import { credentialsFromEnvironment } from "@tdp/core/lambda-runtime";

import type { CopyJob, RecoveryPoint } from "../backup-api/client";
import { BackupClient } from "../backup-api/client";
import { NEWEST_COPY_AGE_METRIC } from "../copy-age";
import { MetricsClient } from "../rds/metrics";
import { days, required } from "../rds/snapshots";

export interface RelaySettings {
  /** The staging vault in this account and the primary region (the first hop's destination). */
  stagingVaultName: string;
  /** The DR vault, in this account and the DR region. */
  destinationVaultArn: string;
  /** The role AWS Backup copies with. */
  copyRoleArn: string;
  /** Seed RetentionDays: days the copies are kept in the DR vault. */
  retentionDays: number;
}

/** Copy attempts per recovery point before the function fails (so its alarm fires) instead of trying again. */
export const MAX_COPY_ATTEMPTS = 3;

/** Copy job states that mean a copy exists or is on its way. */
const LIVE_STATES = new Set(["CREATED", "RUNNING", "COMPLETED"]);

/** What one run did, for the function's log and its tests. */
export interface RelayReport {
  /** Recovery points a copy job was started for. */
  started: string[];
  /** Recovery points already copied or being copied. */
  skipped: string[];
  /** Recovery points whose copies failed MAX_COPY_ATTEMPTS times: left for a person. */
  gaveUp: string[];
  /** With METRIC_NAMESPACE: hours since the DR vault's newest completed recovery point (none: no copy). */
  newestCopyAgeHours?: number;
}

/** A backup vault's ARN taken apart: the region its API is called in and the name it is called by. */
export interface VaultLocation {
  region: string;
  name: string;
}

/** `arn:<partition>:backup:<region>:<account>:backup-vault:<name>` → its region and name. */
export function vaultLocation(arn: string): VaultLocation {
  const match =
    /^arn:[a-z-]+:backup:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:backup-vault:([A-Za-z0-9_.-]{2,50})$/.exec(arn);
  if (match === null) {
    throw new Error(
      `DESTINATION_VAULT_ARN "${arn}" must be a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)`,
    );
  }
  return { region: match[1]!, name: match[2]! };
}

/**
 * Hours since the newest completed recovery point was made (its CreationDate, epoch seconds as the
 * REST-JSON API returns it), to two decimals; undefined when there is none.
 */
export function newestRecoveryPointAgeHours(points: RecoveryPoint[], now: Date): number | undefined {
  const times = points
    .filter((p) => p.Status === "COMPLETED" && typeof p.CreationDate === "number")
    .map((p) => p.CreationDate! * 1000);
  if (times.length === 0) {
    return undefined;
  }
  return Math.round(((now.getTime() - Math.max(...times)) / 3_600_000) * 100) / 100;
}

/** The DR vault's newest copy age, read through a client of the DR region. */
export async function drVaultCopyAgeHours(
  drClient: BackupClient,
  destinationVaultArn: string,
  now = new Date(),
): Promise<number | undefined> {
  const points = await drClient.listRecoveryPoints(vaultLocation(destinationVaultArn).name);
  return newestRecoveryPointAgeHours(points, now);
}

/**
 * Publishes the age under `namespace`, dimension FunctionName. Nothing when the DR vault holds no
 * completed copy: the alarm treats a missing data point as breaching.
 */
export async function publishRelayCopyAge(
  metrics: MetricsClient,
  namespace: string,
  functionName: string,
  hours: number | undefined,
): Promise<void> {
  if (hours !== undefined) {
    await metrics.putMetric(namespace, NEWEST_COPY_AGE_METRIC, hours, { FunctionName: functionName });
  }
}

export function relaySettings(env: NodeJS.ProcessEnv): RelaySettings {
  return {
    stagingVaultName: required(env, "STAGING_VAULT_NAME"),
    destinationVaultArn: required(env, "DESTINATION_VAULT_ARN"),
    copyRoleArn: required(env, "COPY_ROLE_ARN"),
    retentionDays: days(env, "RETENTION_DAYS"),
  };
}

/**
 * The idempotency token of a copy: the same recovery point, destination and number of failed
 * attempts give the same token, so AWS Backup takes a repeated StartCopyJob as done; after a
 * failed copy the token changes and the copy is tried again.
 */
export function copyToken(recoveryPointArn: string, destinationVaultArn: string, failed: number): string {
  return createHash("sha256")
    .update(`${recoveryPointArn}|${destinationVaultArn}|${failed}`)
    .digest("hex")
    .slice(0, 36);
}

/** One run: a copy job into the DR vault for each completed staging recovery point that has none. */
export async function relayCopies(client: BackupClient, settings: RelaySettings): Promise<RelayReport> {
  const report: RelayReport = { started: [], skipped: [], gaveUp: [] };
  const points = await client.listRecoveryPoints(settings.stagingVaultName);
  for (const point of points.filter((p) => p.Status === "COMPLETED")) {
    const arn = point.RecoveryPointArn;
    const jobs: CopyJob[] = await client.listCopyJobs({
      sourceRecoveryPointArn: arn,
      destinationVaultArn: settings.destinationVaultArn,
    });
    if (jobs.some((j) => LIVE_STATES.has(j.State ?? ""))) {
      report.skipped.push(arn);
      continue;
    }
    const failed = jobs.length;
    if (failed >= MAX_COPY_ATTEMPTS) {
      report.gaveUp.push(arn);
      continue;
    }
    await client.startCopyJob({
      RecoveryPointArn: arn,
      SourceBackupVaultName: settings.stagingVaultName,
      DestinationBackupVaultArn: settings.destinationVaultArn,
      IamRoleArn: settings.copyRoleArn,
      IdempotencyToken: copyToken(arn, settings.destinationVaultArn, failed),
      Lifecycle: { DeleteAfterDays: settings.retentionDays },
    });
    report.started.push(arn);
  }
  return report;
}

/** The Lambda entry point (hourly, and on AWS Backup recovery point events of this region). */
export async function handler(): Promise<RelayReport> {
  const env = process.env;
  const settings = relaySettings(env);
  const credentials = credentialsFromEnvironment(env);
  const region = required(env, "AWS_REGION");
  const endpoint = (name: string) => (env[name] ? { endpoint: new URL(env[name]) } : {});
  const client = new BackupClient(region, credentials, endpoint("BACKUP_ENDPOINT"));
  let report = await relayCopies(client, settings);
  const namespace = env["METRIC_NAMESPACE"];
  if (namespace) {
    // The DR vault is listed in its own region; the metric goes to this one, where its alarm and
    // the alert topic are.
    const drRegion = vaultLocation(settings.destinationVaultArn).region;
    const drClient = new BackupClient(drRegion, credentials, endpoint("DR_BACKUP_ENDPOINT"));
    const age = await drVaultCopyAgeHours(drClient, settings.destinationVaultArn);
    const metrics = new MetricsClient(region, credentials, endpoint("MONITORING_ENDPOINT"));
    await publishRelayCopyAge(metrics, namespace, required(env, "AWS_LAMBDA_FUNCTION_NAME"), age);
    report = age === undefined ? report : { ...report, newestCopyAgeHours: age };
  }
  console.log(JSON.stringify({ message: "staging recovery points relayed to the DR vault", ...report }));
  if (report.gaveUp.length > 0) {
    // Fail, so the function's error alarm fires: these copies need a person (see AWS Backup > Jobs).
    throw new Error(
      `copies into ${settings.destinationVaultArn} failed ${MAX_COPY_ATTEMPTS} times for ${report.gaveUp.join(", ")}: see AWS Backup > Jobs > Copy jobs for the reason`,
    );
  }
  return report;
}
