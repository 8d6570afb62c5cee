import { awsAccountId, awsRegion, environmentName, iamRolePrefix, vaultLock } from "@tdp/core";
import { validateEmail, validateObjectLock, validateVaultLock } from "@tdp/data";
import {
  DATABASE_COPY_MODES,
  DEFAULT_COPY_RETENTION_DAYS,
  DEFAULT_SNAPSHOT_PATTERN,
  DEFAULT_COPY_AGE_ALARM_HOURS,
  REPLICA_STORAGE_CLASSES,
  validateCopyAgeAlarmHours,
  validateCopyRetentionDays,
  validateSnapshotPattern,
} from "@tdp/dr";
import { z } from "zod";

/** Runs one of the package's pure validators; its message becomes the issue at `path`. */
function check(ctx: z.RefinementCtx, path: (string | number)[], validate: () => void): void {
  try {
    validate();
  } catch (err) {
    ctx.addIssue({ code: "custom", path, message: (err as Error).message });
  }
}

/**
 * `tdp:dr`: disaster recovery (seed 001 EnableDR, the dr.yml stack and snapshots_tool_rds_dest).
 * The dr stack reads `primary`, `alerts`, `objectLock`, `vaultLock` and `databaseCopy`; the primary stack
 * reads `databaseCopy` and `replication`, and the dr stack's outputs through tdp:platform.drStack.
 */
export const drSchema = z
  .strictObject({
    /** Seed EnableDR. */
    enabled: z.boolean().default(false),
    /** The dr stack: the primary deployment whose data it receives (seed dr.yml parameters). */
    primary: z
      .strictObject({
        /** Seed ProdAWSAccountId. */
        accountId: awsAccountId,
        /** The primary stack's aws:region; the DR region must differ. */
        region: awsRegion,
        /** The primary stack's tdp:platform.environment (its replication role's name has it). */
        environment: environmentName.default("production"),
        /** The primary stack's tdp:platform.iamRolePrefix. */
        iamRolePrefix: iamRolePrefix.default(""),
      })
      .optional(),
    /**
     * The dr stack: its own alert topic (the primary's is in another account and Region), which
     * the DR functions' alarms notify. Seed NotificationEmail, as tdp:data.alerts in the primary.
     */
    alerts: z
      .strictObject({
        notificationEmail: z.string(),
        /**
         * Alarm when the newest DR copy is older than this (the primary's longest gap between
         * backups + 2 h; the primary stack checks it against its schedule): the copy function's
         * alarm in snapshots mode, the relay's (in the primary region) in backup mode.
         */
        copyAgeAlarmHours: z.number().default(DEFAULT_COPY_AGE_ALARM_HOURS),
      })
      .optional(),
    /** The dr stack: S3 Object Lock on the replica buckets. */
    objectLock: z.strictObject({ mode: z.enum(["COMPLIANCE", "GOVERNANCE"]), days: z.number() }).optional(),
    /** The dr stack: AWS Backup Vault Lock on the DR vault. */
    vaultLock: vaultLock.optional(),
    /** Both stacks, the same values: how the database reaches the DR account and region. */
    databaseCopy: z
      .strictObject({
        /** backup: AWS Backup copy action; snapshots: the seed's snapshot tool; none. */
        mode: z.enum(DATABASE_COPY_MODES).default("snapshots"),
        /** Seed RetentionDays: days a copy is kept in the DR region. */
        retentionDays: z.number().default(DEFAULT_COPY_RETENTION_DAYS),
        /** Seed SnapshotPattern: the snapshots the snapshot tool copies. */
        snapshotPattern: z.string().default(DEFAULT_SNAPSHOT_PATTERN),
        /**
         * backup mode: both accounts are in one AWS Organization with cross-account backup
         * turned on (AWS Backup > Settings in the management account). Not checkable from a
         * member account, so it is stated here.
         */
        organizationCrossAccountBackup: z.boolean().default(false),
      })
      .prefault({}),
    /** The primary stack: S3 replication of the data layer's buckets. */
    replication: z
      .strictObject({
        /** S3 Replication Time Control (15-minute objective, metrics). */
        replicationTimeControl: z.boolean().default(true),
        storageClass: z.enum(REPLICA_STORAGE_CLASSES).default("STANDARD"),
        /** Replication latency alarm threshold, seconds. */
        latencyAlarmSeconds: z.number().default(900),
      })
      .prefault({}),
  })
  .superRefine((dr, ctx) => {
    if (dr.alerts !== undefined) {
      const email = dr.alerts.notificationEmail;
      check(ctx, ["alerts", "notificationEmail"], () => validateEmail("notificationEmail", email));
      const hours = dr.alerts.copyAgeAlarmHours;
      check(ctx, ["alerts", "copyAgeAlarmHours"], () =>
        validateCopyAgeAlarmHours("copyAgeAlarmHours", hours),
      );
    }
    if (dr.objectLock !== undefined) {
      const lock = dr.objectLock;
      check(ctx, ["objectLock", "days"], () => validateObjectLock(lock));
    }
    check(ctx, ["databaseCopy", "retentionDays"], () =>
      validateCopyRetentionDays("retentionDays", dr.databaseCopy.retentionDays),
    );
    check(ctx, ["databaseCopy", "snapshotPattern"], () =>
      validateSnapshotPattern("snapshotPattern", dr.databaseCopy.snapshotPattern),
    );
    if (dr.vaultLock !== undefined) {
      const lock = dr.vaultLock;
      check(ctx, ["vaultLock"], () => validateVaultLock(lock, dr.databaseCopy.retentionDays));
    }
  });

export type DrConfig = z.output<typeof drSchema>;
