/**
 * Pure checks shared by the DR components and by the stack's `tdp:dr` schema. Each throws an
 * Error naming the field, the value, the rule and what to do.
 */

/** The data classes replicated to the DR account, each with its own replica bucket and key. */
export const REPLICA_PURPOSES = ["datalake", "stream", "backup", "artifacts"] as const;
export type ReplicaPurpose = (typeof REPLICA_PURPOSES)[number];

/** How the database reaches the DR account and region. */
export const DATABASE_COPY_MODES = ["backup", "snapshots", "none"] as const;
export type DatabaseCopyMode = (typeof DATABASE_COPY_MODES)[number];

/** The end of the primary's replication role name; the DR stack pins exactly that role. */
export const REPLICATION_ROLE_PURPOSE = "dr-replication";

/** Seed snapshots_tool_rds_dest RetentionDays: days a copied snapshot is kept. */
export const DEFAULT_COPY_RETENTION_DAYS = 7;

/** Seed snapshots_tool_rds_dest SnapshotPattern: which snapshots are copied. */
export const DEFAULT_SNAPSHOT_PATTERN = "ts-platform.*";

export function validateAccountId(field: string, value: string): void {
  if (!/^\d{12}$/.test(value)) {
    throw new Error(`${field} "${value}" is not an AWS account id: give the 12 digits`);
  }
}

/** The primary and the DR account must differ: DR protects against the loss of one account. */
export function validateAccountPair(
  primaryAccountId: string,
  drAccountId: string | undefined,
  field: string,
): void {
  validateAccountId(field, primaryAccountId);
  if (drAccountId !== undefined && primaryAccountId === drAccountId) {
    throw new Error(
      `${field} "${primaryAccountId}": the primary and the DR account are the same; DR copies the data to another account (seed ProdAWSAccountId and DRAWSAccountId differ)`,
    );
  }
}

/** The DR region must differ from the primary region (seed: "should be different than the main region"). */
export function validateRegionPair(primaryRegion: string, drRegion: string, field: string): void {
  if (primaryRegion === drRegion) {
    throw new Error(
      `${field} "${primaryRegion}": the primary and the DR region are the same; the DR region must differ (seed: "should be different than the main region"), so that losing one region leaves the copies`,
    );
  }
}

/** Days a database copy is kept in the DR region, 1 to 3650. */
export function validateCopyRetentionDays(field: string, days: number): void {
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new Error(`${field} ${days} must be a whole number of days from 1 to 3650`);
  }
}

/** A snapshot pattern is a JavaScript regular expression matched against snapshot identifiers. */
export function validateSnapshotPattern(field: string, pattern: string): void {
  try {
    new RegExp(pattern);
  } catch (error) {
    throw new Error(`${field} "${pattern}" is not a regular expression: ${(error as Error).message}`);
  }
}

/** How often a backup schedule runs, as `parseBackupSchedule` of `@tdp/data` describes it. */
export interface ScheduleShape {
  /** Backups on a day the schedule runs. */
  perDay: number;
  /** Every day, some days of the week, or some days of the month. */
  days: { kind: "every" } | { kind: "week"; count: number } | { kind: "month"; count: number };
}

/**
 * The longest time between two backups the schedule can leave, in hours: what a copy must at
 * least outlive, and the database's recovery point objective. For schedules that skip days the
 * worst case is taken (the chosen days next to each other).
 */
export function longestBackupGapHours(shape: ScheduleShape): number {
  switch (shape.days.kind) {
    case "every":
      return Math.ceil(24 / shape.perDay);
    case "week":
      return 24 * (7 - shape.days.count + 1);
    case "month":
      return 24 * (31 - shape.days.count + 1);
  }
}

/** One row of the recovery objectives table: a data store, its recovery point and time. */
export interface RecoveryObjective {
  store: string;
  /** What can be lost, derived from the configured values. */
  recoveryPoint: string;
  /** What bounds the time to restore it. */
  recoveryTime: string;
}

export interface RecoveryObjectiveSettings {
  /** S3 Replication Time Control on. */
  replicationTimeControl: boolean;
  databaseCopyMode: DatabaseCopyMode;
  /** The longest gap between two database backups, hours. */
  backupGapHours: number;
  /** Hours between the copy functions' runs (snapshots mode's copy, backup mode's relay). @default 1 */
  copyRunHours?: number;
  /** Hours between search snapshots. */
  searchSnapshotIntervalHours: number;
}

/** The recovery point and time per data store, from the configured values. */
export function recoveryObjectives(settings: RecoveryObjectiveSettings): RecoveryObjective[] {
  const copyRun = settings.copyRunHours ?? 1;
  const database: Record<DatabaseCopyMode, RecoveryObjective> = {
    snapshots: {
      store: "Database (snapshots mode)",
      recoveryPoint: `≤ ${settings.backupGapHours} h between backups + ≤ ${copyRun} h to share + ≤ ${copyRun} h to copy, plus the copy's transfer`,
      recoveryTime: "restore of the newest DR copy (size-bound) + pulumi up of the recovery stack",
    },
    backup: {
      store: "Database (backup mode)",
      recoveryPoint: `≤ ${settings.backupGapHours} h between backups + the copy into the staging vault + ≤ ${copyRun} h to relay + the copy into the DR vault`,
      recoveryTime:
        "restore of the newest recovery point of the DR vault (size-bound) + pulumi up of the recovery stack",
    },
    none: {
      store: "Database (no copies)",
      recoveryPoint: "not recoverable in the DR region",
      recoveryTime: "—",
    },
  };
  return [
    {
      store: "Buckets (data lake, stream, backup, artifacts)",
      recoveryPoint: settings.replicationTimeControl
        ? "≤ 15 min for 99.99 % of objects (S3 Replication Time Control)"
        : "minutes, without a bound (no Replication Time Control)",
      recoveryTime: "none to copy: the recovery stack adopts the replicas",
    },
    database[settings.databaseCopyMode],
    {
      store: "Search",
      recoveryPoint: `≤ ${settings.searchSnapshotIntervalHours} h between snapshots + the backup bucket's replication`,
      recoveryTime: "a new domain + restore of the indices from the replicated repository",
    },
  ];
}
