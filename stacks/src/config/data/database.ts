import { securityGroupId, vaultLock } from "@tdp/core";
import {
  DEFAULT_ALLOCATED_STORAGE_GIB,
  DEFAULT_BACKUP_RETENTION_DAYS,
  DEFAULT_DB_INSTANCE_CLASS,
  DEFAULT_MAX_ALLOCATED_STORAGE_GIB,
  DEFAULT_POSTGRES_VERSION,
  resolveBackupSchedule,
  validateDatabaseAlarms,
  validateDatabaseName,
  validateDbInstanceClass,
  validateDbStorage,
  validateIntBetween,
  validateMasterUsername,
  validateMonitoringInterval,
  validatePerformanceInsightsRetention,
  validatePostgresVersion,
  validateSnapshotIdentifier,
  validateVaultLock,
} from "@tdp/data";
import { z } from "zod";

/**
 * Runs a package validator; its message becomes an issue at the key the message starts with
 * (validators name their field first), or at `fallback`.
 */
function check(ctx: z.RefinementCtx, keys: readonly string[], fallback: string, validate: () => void): void {
  try {
    validate();
  } catch (err) {
    const message = (err as Error).message;
    const first = /^([A-Za-z.]+)/.exec(message)?.[1] ?? "";
    const path = keys.includes(first) ? first.split(".") : fallback.split(".");
    ctx.addIssue({ code: "custom", path, message });
  }
}

const fields = {
  /** Seed InstanceTypeRDS. The seed's db.t2.medium is retired; retired classes are rejected. */
  instanceClass: z.string().default(DEFAULT_DB_INSTANCE_CLASS),
  /** PostgreSQL major (RDS picks the current minor, minor upgrades are automatic) or major.minor. */
  engineVersion: z.string().default(DEFAULT_POSTGRES_VERSION),
  /** Initial gp3 storage in GiB. */
  allocatedStorage: z.number().default(DEFAULT_ALLOCATED_STORAGE_GIB),
  /** Storage-autoscaling ceiling in GiB. */
  maxAllocatedStorage: z.number().default(DEFAULT_MAX_ALLOCATED_STORAGE_GIB),
  /** A standby in a second zone (FSBP RDS.5); only a test stack turns it off. */
  multiAz: z.boolean().default(true),
  /** The database port. */
  port: z.number().default(5432),
  /** The initial database. */
  databaseName: z.string().default("tdp"),
  /** The master user (its password lives in Secrets Manager, managed by RDS). */
  masterUsername: z.string().default("tdpadmin"),
  /** Seed RDSBackupSchedule as AWS cron, `cron(0 1 * * ? *)`; or give backupIntervalHours. */
  backupSchedule: z.string().optional(),
  /** Seed RDSBackupInterval: hours between backups from 1 AM UTC (divides 24). */
  backupIntervalHours: z.number().optional(),
  /** Seed RDSBackupRetentionDays. */
  backupRetentionDays: z.number().default(DEFAULT_BACKUP_RETENTION_DAYS),
  /** Seed RDSSnapShot: restore from this snapshot (disaster recovery only); empty = a new database. */
  snapshotIdentifier: z
    .string()
    .optional()
    .transform((v) => (v === "" ? undefined : v)),
  /** Days of RDS automated backups (point-in-time recovery). */
  pointInTimeRecoveryDays: z.number().default(7),
  /** Enhanced monitoring granularity in seconds. */
  monitoringIntervalSeconds: z.number().default(60),
  /** Performance Insights retention in days. */
  performanceInsightsRetentionDays: z.number().default(7),
  /** Statements slower than this are logged (ms). */
  logMinDurationStatementMs: z.number().default(1000),
  /** Security groups admitted on the port, besides the rules the service layer adds. */
  clientSecurityGroupIds: z.array(securityGroupId).default([]),
  /** AWS Backup Vault Lock; absent = no lock. */
  vaultLock: vaultLock.optional(),
  /** Alarm thresholds. */
  alarms: z
    .strictObject({
      cpuPercent: z.number().default(80),
      freeStorageGiB: z.number().optional(),
      connections: z.number().optional(),
    })
    .prefault({}),
};

const KEYS = Object.keys(fields);

/**
 * `tdp:data.database`: RDS PostgreSQL and its AWS Backup plan (seed 001 InstanceTypeRDS,
 * RDSBackupInterval, RDSBackupSchedule, RDSBackupRetentionDays, RDSSnapShot). The package's
 * validators run here, so `pnpm plan` reports `tdp:data.database.<key>: <value> — <rule>`.
 */
export const databaseSchema = z.strictObject(fields).superRefine((db, ctx) => {
  const at = (key: string, validate: () => void) => check(ctx, KEYS, key, validate);
  at("instanceClass", () => validateDbInstanceClass(db.instanceClass));
  at("engineVersion", () => validatePostgresVersion(db.engineVersion));
  at("maxAllocatedStorage", () => validateDbStorage(db.allocatedStorage, db.maxAllocatedStorage));
  at("port", () => validateIntBetween("port", db.port, 1150, 65535, "the ports RDS PostgreSQL accepts"));
  at("databaseName", () => validateDatabaseName(db.databaseName));
  at("masterUsername", () => validateMasterUsername(db.masterUsername));
  at("backupSchedule", () =>
    resolveBackupSchedule({
      schedule: db.backupSchedule,
      intervalHours: db.backupIntervalHours,
      retentionDays: db.backupRetentionDays,
    }),
  );
  if (db.snapshotIdentifier !== undefined) {
    at("snapshotIdentifier", () => validateSnapshotIdentifier(db.snapshotIdentifier!));
  }
  at("pointInTimeRecoveryDays", () =>
    validateIntBetween(
      "pointInTimeRecoveryDays",
      db.pointInTimeRecoveryDays,
      7,
      35,
      "days of RDS automated backups; FSBP RDS.11 asks for at least 7, RDS keeps at most 35",
    ),
  );
  at("monitoringIntervalSeconds", () => validateMonitoringInterval(db.monitoringIntervalSeconds));
  at("performanceInsightsRetentionDays", () =>
    validatePerformanceInsightsRetention(db.performanceInsightsRetentionDays),
  );
  at("logMinDurationStatementMs", () =>
    validateIntBetween(
      "logMinDurationStatementMs",
      db.logMinDurationStatementMs,
      0,
      3600000,
      "milliseconds; statements slower than this are logged",
    ),
  );
  if (db.vaultLock !== undefined) {
    check(
      ctx,
      ["vaultLock.minRetentionDays", "vaultLock.maxRetentionDays", "vaultLock.changeableForDays"],
      "vaultLock",
      () => validateVaultLock(db.vaultLock!, db.backupRetentionDays),
    );
  }
  check(ctx, ["alarms.cpuPercent", "alarms.freeStorageGiB", "alarms.connections"], "alarms", () =>
    validateDatabaseAlarms(db.alarms, db.maxAllocatedStorage),
  );
});

export type DatabaseConfig = z.output<typeof databaseSchema>;
