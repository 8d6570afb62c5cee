import type * as pulumi from "@pulumi/pulumi";
import { DatabaseBackup, PostgresDatabase } from "@tdp/data";
import type { Network } from "@tdp/network";

import type { StackContext } from "./context";
import type { DataLayer } from "./data";

/** Backup mode's first hop: the dr stack's staging vault each recovery point is copied into. */
export interface DatabaseCopyTarget {
  vaultArn: string;
  /** Days the staging copy is kept (the relay copies it on within the hour). */
  retentionDays: number;
}

/** The database step's components: the service layer takes the database's outputs. */
export interface DatabaseLayer {
  database: PostgresDatabase;
  backup: DatabaseBackup;
}

/**
 * RDS PostgreSQL in the network's private subnets, encrypted with the data layer's keys, with its
 * alarms and its AWS Backup plan, from `tdp:data.database`.
 */
export function deployDatabase(
  ctx: StackContext,
  network: Network,
  data: DataLayer,
  copy?: DatabaseCopyTarget,
): DatabaseLayer {
  const db = ctx.config.data.database;
  const platform = ctx.config.platform;
  const common = { naming: ctx.naming, iam: ctx.iam, accountId: platform.accountId };

  const database = new PostgresDatabase(
    "database",
    {
      ...common,
      vpcId: network.vpcId,
      subnetIds: network.privateSubnetIds,
      clientSecurityGroupIds: db.clientSecurityGroupIds,
      kmsKeyArn: data.keys.arns.database,
      secretsKmsKeyArn: data.keys.arns.secrets,
      logsKmsKeyArn: data.keys.arns.logs,
      logRetentionDays: platform.logRetentionDays,
      instanceClass: db.instanceClass,
      engineVersion: db.engineVersion,
      allocatedStorage: db.allocatedStorage,
      maxAllocatedStorage: db.maxAllocatedStorage,
      multiAz: db.multiAz,
      port: db.port,
      databaseName: db.databaseName,
      masterUsername: db.masterUsername,
      snapshotIdentifier: db.snapshotIdentifier,
      pointInTimeRecoveryDays: db.pointInTimeRecoveryDays,
      monitoringIntervalSeconds: db.monitoringIntervalSeconds,
      performanceInsightsRetentionDays: db.performanceInsightsRetentionDays,
      logMinDurationStatementMs: db.logMinDurationStatementMs,
      alarms: { target: data.alerts.alarmTarget, ...db.alarms },
    },
    ctx.componentOptions,
  );
  const backup = new DatabaseBackup(
    "database-backup",
    {
      ...common,
      resourceArns: [database.arn],
      // The vault's own key, not the backup bucket's (issue 4: "a vault with its own key").
      kmsKeyArn: data.keys.arns["backup-vault"],
      schedule: db.backupSchedule,
      intervalHours: db.backupIntervalHours,
      retentionDays: db.backupRetentionDays,
      vaultLock: db.vaultLock,
      ...(copy === undefined
        ? {}
        : { copyTargetVaultArn: copy.vaultArn, copyRetentionDays: copy.retentionDays }),
      alarmTarget: data.alerts.alarmTarget,
    },
    ctx.componentOptions,
  );
  return { database, backup };
}

/** The database's stack outputs: what the service layer and operators need. */
export function databaseOutputs(layer: DatabaseLayer): Record<string, pulumi.Input<unknown>> {
  const { database, backup } = layer;
  return {
    identifier: database.identifier,
    arn: database.arn,
    resourceId: database.resourceId,
    address: database.address,
    port: database.port,
    securityGroupId: database.securityGroupId,
    masterUserSecretArn: database.masterUserSecretArn,
    backupVaultName: backup.vaultName,
    backupVaultArn: backup.vaultArn,
    backupPlanId: backup.planId,
    backupSchedule: backup.schedule,
    backupRetentionDays: backup.retentionDays,
  };
}
