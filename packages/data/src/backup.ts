import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";
import { ServiceRole } from "@tdp/core";

import type { AlarmTarget } from "./alarms";
import { createAlarm } from "./alarms";
import type { BackupScheduleSettings } from "./database-validation";
import {
  DEFAULT_BACKUP_RETENTION_DAYS,
  resolveBackupSchedule,
  validateBackupRetentionDays,
  validateBackupWindows,
} from "./database-validation";
import { validateIntBetween } from "./validation";
import { createProtectedVault } from "./backup-vault";

/** The AWS-managed policies of the backup role: take and restore backups of the selected resources. */
export const BACKUP_ROLE_POLICY_ARNS = [
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
  "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
];

/**
 * Vault events sent to the alert topic. AWS Backup no longer sends BACKUP_JOB_FAILED (deprecated
 * with the other *_FAILED/_SUCCESSFUL backup and restore events); failed backup jobs reach the
 * topic through the EventBridge rule and the CloudWatch alarm instead.
 */
export const BACKUP_VAULT_EVENTS = ["COPY_JOB_FAILED", "RESTORE_JOB_COMPLETED", "RECOVERY_POINT_MODIFIED"];

/** Backup job states that mean no recovery point was made. */
export const FAILED_BACKUP_STATES = ["FAILED", "ABORTED", "EXPIRED"];

/** AWS Backup Vault Lock (WORM) settings. */
export interface VaultLockArgs {
  /** Recovery points must be kept at least this many days. */
  minRetentionDays: number;
  /** …and at most this many. @default none */
  maxRetentionDays?: number;
  /**
   * Days after which the lock can no longer be changed or removed (compliance mode). Leave
   * unset for governance mode (privileged users may still remove it). @default governance mode
   */
  changeableForDays?: number;
}

export interface DatabaseBackupArgs extends BackupScheduleSettings {
  /** Physical names: vault `<base>-database`, plan `<base>-database`. */
  naming: Naming;
  /** IAMRolePrefix and IAMBoundaryPolicy for the backup role. */
  iam: IamSettings;
  /** The account; limits the backup role's trust to it. @default no source-account condition */
  accountId?: pulumi.Input<string>;
  /** The resources backed up (the database instance's ARN). */
  resourceArns: pulumi.Input<string>[];
  /** The vault's own key (`DataKeys.arns["backup-vault"]`, used by nothing else). */
  kmsKeyArn: pulumi.Input<string>;
  /** AWS Backup's start window, minutes (60-720). @default 60 */
  startWindowMinutes?: number;
  /** AWS Backup's completion window, minutes (start + 60 to 10080). @default 480 */
  completionWindowMinutes?: number;
  /**
   * A vault in another account or region each recovery point is copied to (the DR issue).
   * AWS Backup copies across accounts or regions in one step, not both. @default none
   */
  copyTargetVaultArn?: pulumi.Input<string>;
  /** Days the copies are kept. @default retentionDays */
  copyRetentionDays?: number;
  /** Vault Lock. @default none */
  vaultLock?: VaultLockArgs;
  /** Alert topic for vault events, failed jobs and the failed-jobs alarm. @default none */
  alarmTarget?: AlarmTarget;
}

/** Checks the backup's arguments; returns the schedule expression the plan uses. */
export function validateDatabaseBackupArgs(args: DatabaseBackupArgs): string {
  const schedule = resolveBackupSchedule(args);
  validateBackupWindows(args.startWindowMinutes ?? 60, args.completionWindowMinutes ?? 480);
  if (args.copyRetentionDays !== undefined) {
    validateBackupRetentionDays(args.copyRetentionDays, "copyRetentionDays");
  }
  if (args.resourceArns.length === 0) {
    throw new Error("resourceArns is empty: give the ARN of the database instance to back up");
  }
  if (args.vaultLock !== undefined) {
    validateVaultLock(args.vaultLock, args.retentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS);
  }
  return schedule;
}

/** Vault Lock settings against the plan's retention (days). */
export function validateVaultLock(lock: VaultLockArgs, retention: number): void {
  validateIntBetween("vaultLock.minRetentionDays", lock.minRetentionDays, 1, 36500, "days");
  if (lock.minRetentionDays > retention) {
    throw new Error(
      `vaultLock.minRetentionDays ${lock.minRetentionDays} is above backupRetentionDays ${retention}: the vault would refuse the plan's recovery points`,
    );
  }
  if (
    lock.maxRetentionDays !== undefined &&
    (lock.maxRetentionDays < retention || lock.maxRetentionDays < lock.minRetentionDays)
  ) {
    throw new Error(
      `vaultLock.maxRetentionDays ${lock.maxRetentionDays} must be at least backupRetentionDays ${retention} and minRetentionDays ${lock.minRetentionDays}`,
    );
  }
  if (lock.changeableForDays !== undefined) {
    validateIntBetween(
      "vaultLock.changeableForDays",
      lock.changeableForDays,
      3,
      36500,
      "days before a compliance-mode lock becomes permanent; AWS's minimum is 3",
    );
  }
}

/**
 * AWS Backup for the database (seed RDSBackupSchedule/RDSBackupInterval, RDSBackupRetentionDays):
 * a vault encrypted with its own key whose policy stops recovery points being deleted or their
 * retention shortened, a plan (at most 100 snapshots kept), a selection of the instance with a
 * backup role, and alerts for failed jobs. An optional copy action feeds a DR vault.
 */
export class DatabaseBackup extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  readonly plan: aws.backup.Plan;
  readonly planId: pulumi.Output<string>;
  readonly planArn: pulumi.Output<string>;
  /** The schedule expression the plan runs on. */
  readonly schedule: string;
  readonly retentionDays: number;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseBackupArgs, opts?: pulumi.ComponentResourceOptions) {
    const schedule = validateDatabaseBackupArgs(args);
    super("tdp:data:DatabaseBackup", name, {}, opts);
    const parent = { parent: this };
    const naming = args.naming;
    const retention = args.retentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
    this.schedule = schedule;
    this.retentionDays = retention;

    this.vault = createProtectedVault(
      name,
      {
        vaultName: naming.name("backupVault", "database"),
        kmsKeyArn: args.kmsKeyArn,
        vaultLock: args.vaultLock,
      },
      this,
    );
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;

    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        name: naming.name("backupPlan", "database"),
        rules: [
          {
            ruleName: "database",
            targetVaultName: this.vault.name,
            schedule,
            scheduleExpressionTimezone: "Etc/UTC",
            startWindow: args.startWindowMinutes ?? 60,
            completionWindow: args.completionWindowMinutes ?? 480,
            lifecycle: { deleteAfter: retention },
            recoveryPointTags: { Backup: naming.name("backupPlan", "database") },
            copyActions:
              args.copyTargetVaultArn === undefined
                ? []
                : [
                    {
                      destinationVaultArn: args.copyTargetVaultArn,
                      lifecycle: { deleteAfter: args.copyRetentionDays ?? retention },
                    },
                  ],
          },
        ],
      },
      parent,
    );
    this.planId = this.plan.id;
    this.planArn = this.plan.arn;

    const role = new ServiceRole(
      `${name}-role`,
      {
        naming,
        purpose: "backup",
        iam: args.iam,
        services: ["backup.amazonaws.com"],
        sourceAccount: args.accountId,
        description: `${naming.base}: AWS Backup takes and restores the database's snapshots`,
        managedPolicyArns: BACKUP_ROLE_POLICY_ARNS,
      },
      parent,
    );
    this.roleArn = role.arn;
    new aws.backup.Selection(
      `${name}-selection`,
      {
        name: naming.name("backupPlan", "database"),
        planId: this.plan.id,
        iamRoleArn: role.arn,
        resources: args.resourceArns,
      },
      // Every property of a selection forces its replacement, and Backup has no name prefix: the
      // old selection is deleted before the new one of the same name is created.
      { ...parent, deleteBeforeReplace: true },
    );

    if (args.alarmTarget !== undefined) {
      const target = args.alarmTarget;
      new aws.backup.VaultNotifications(
        `${name}-notifications`,
        {
          backupVaultName: this.vault.name,
          snsTopicArn: target.topicArn,
          backupVaultEvents: BACKUP_VAULT_EVENTS,
        },
        parent,
      );
      const rule = new aws.cloudwatch.EventRule(
        `${name}-job-failed`,
        {
          name: naming.name("eventRule", "backup-job-failed"),
          description: "An AWS Backup backup or copy job of this account failed, was aborted or expired",
          eventPattern: JSON.stringify({
            source: ["aws.backup"],
            "detail-type": ["Backup Job State Change", "Copy Job State Change"],
            detail: { state: FAILED_BACKUP_STATES },
          }),
        },
        parent,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-job-failed-alert`,
        { rule: rule.name, arn: target.topicArn },
        parent,
      );
      createAlarm(
        name,
        target,
        {
          purpose: "backup-jobs-failed",
          description: "An AWS Backup job of the database vault failed: see AWS Backup > Jobs for the reason",
          namespace: "AWS/Backup",
          metricName: "NumberOfBackupJobsFailed",
          dimensions: { BackupVaultName: this.vault.name },
          statistic: "Sum",
          comparison: ">",
          threshold: 0,
          periodSeconds: 3600,
          treatMissingData: "notBreaching",
          notifyOnRecovery: false,
        },
        parent,
      );
    }

    this.registerOutputs({
      vaultName: this.vaultName,
      vaultArn: this.vaultArn,
      planId: this.planId,
      schedule,
      roleArn: this.roleArn,
    });
  }
}
