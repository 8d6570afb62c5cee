import type { ConfigProblem } from "@tdp/core";
import { parseBackupSchedule, intervalSchedule } from "@tdp/data";
import { longestBackupGapHours } from "@tdp/dr";

import type { DrConfig } from "./dr";
import type { StackConfig } from "./sections";

/** The database's backup schedule as the plan runs it: the seed's 1 AM UTC daily by default. */
export function backupScheduleOf(db: StackConfig["data"]["database"]): string {
  if (db.backupIntervalHours !== undefined) {
    return intervalSchedule(db.backupIntervalHours);
  }
  return db.backupSchedule ?? "cron(0 1 * * ? *)";
}

/**
 * The longest gap between two database backups, in hours; undefined when the schedule itself is
 * invalid (that problem is reported under tdp:data.database).
 */
export function backupGapHoursOf(db: StackConfig["data"]["database"]): number | undefined {
  try {
    return longestBackupGapHours(parseBackupSchedule(backupScheduleOf(db)));
  } catch {
    return undefined;
  }
}

/**
 * The rules of `tdp:dr` that read other sections: the pair of accounts and regions, the stack
 * reference, what the copy mode needs, and the copies' retention against the backup schedule.
 */
export function drProblems(
  dr: DrConfig,
  platform: StackConfig["platform"],
  region: string | undefined,
  database: StackConfig["data"]["database"] | undefined,
): ConfigProblem[] {
  if (!dr.enabled) {
    return [];
  }
  const problems: ConfigProblem[] = [];
  if (platform.role === "dr") {
    if (platform.accountId === undefined) {
      problems.push({
        key: "tdp:platform.accountId",
        value: undefined,
        rule: "required in a dr stack with DR enabled (seed DRAWSAccountId): the copies' policies and functions name the DR account",
      });
    }
    if (dr.alerts === undefined) {
      problems.push({
        key: "tdp:dr.alerts.notificationEmail",
        value: undefined,
        rule: "required in a dr stack with DR enabled (seed NotificationEmail): the address the DR account's alarms are sent to (the copy function's errors and dead-lettered events); usually the primary's tdp:data.alerts.notificationEmail",
      });
    }
    if (dr.primary === undefined) {
      problems.push({
        key: "tdp:dr.primary",
        value: undefined,
        rule: "required in a dr stack with DR enabled: the primary deployment's accountId (seed ProdAWSAccountId) and region",
      });
    } else {
      if (region !== undefined && dr.primary.region === region) {
        problems.push({
          key: "tdp:dr.primary.region",
          value: dr.primary.region,
          rule: `is this stack's aws:region too; the DR region must differ from the primary region (seed: "should be different than the main region"): deploy the dr stack to another region`,
        });
      }
      if (platform.accountId !== undefined && dr.primary.accountId === platform.accountId) {
        problems.push({
          key: "tdp:dr.primary.accountId",
          value: dr.primary.accountId,
          rule: "is the DR account itself (tdp:platform.accountId); give the account the primary stack deploys into (seed ProdAWSAccountId)",
        });
      }
    }
  } else {
    if (platform.drStack === undefined) {
      problems.push({
        key: "tdp:platform.drStack",
        value: undefined,
        rule: "required with tdp:dr.enabled: the dr stack whose targets this stack replicates into (deploy it first)",
      });
    }
    for (const key of ["primary", "alerts", "objectLock", "vaultLock"] as const) {
      if (dr[key] !== undefined) {
        problems.push({
          key: `tdp:dr.${key}`,
          value: dr[key],
          rule: "belongs in the dr stack's file (Pulumi.dr.yaml), which creates the targets; remove it here",
        });
      }
    }
  }
  const copy = dr.databaseCopy;
  // Backup mode copies in two hops (AWS Backup copies RDS recovery points across accounts or
  // across Regions, not both in one copy): the first crosses the accounts, which AWS Backup allows
  // only inside one AWS Organization with cross-account backup on.
  if (copy.mode === "backup" && !copy.organizationCrossAccountBackup) {
    problems.push({
      key: "tdp:dr.databaseCopy.mode",
      value: copy.mode,
      rule: 'an AWS Backup copy into another account needs both accounts in one AWS Organization with cross-account backup turned on; do that and set tdp:dr.databaseCopy.organizationCrossAccountBackup: true, or use mode "snapshots"',
    });
  }
  if (copy.mode !== "none" && platform.role === "primary" && database !== undefined) {
    const gap = backupGapHoursOf(database);
    if (gap !== undefined && copy.retentionDays * 24 < gap) {
      problems.push({
        key: "tdp:dr.databaseCopy.retentionDays",
        value: copy.retentionDays,
        rule: `copies kept ${copy.retentionDays * 24} hours expire before the next backup (tdp:data.database's schedule leaves up to ${gap} hours between backups): the DR region would hold no copy; keep them at least ${Math.ceil(gap / 24)} days`,
      });
    }
  }
  return problems;
}
