import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";
import { allow } from "@tdp/core";
import type { AlarmTarget } from "@tdp/data";
import { createAlarm } from "@tdp/data";

import { DR_METRIC_NAMESPACE, NEWEST_COPY_AGE_METRIC } from "./copy-age";
import { snapshotFunction } from "./dr-function";
import {
  DEFAULT_COPY_RETENTION_DAYS,
  DEFAULT_SNAPSHOT_PATTERN,
  validateAccountPair,
  validateCopyRetentionDays,
  validateRegionPair,
  validateSnapshotPattern,
} from "./validation";

/** How often the functions run besides the AWS Backup events. @default hourly */
export const DEFAULT_SNAPSHOT_SCHEDULE = "rate(1 hour)";

/** Days the primary keeps its shared copies (seed DeleteOldSnapshots: the DR region keeps the history). */
export const DEFAULT_SOURCE_RETENTION_DAYS = 2;

/** The snapshot prefix the share function names its copies with: the seed's SnapshotPattern matches it. */
export const SNAPSHOT_PREFIX = "ts-platform";

export interface SnapshotShareArgs {
  /** Physical names of the primary deployment. */
  naming: Naming;
  iam: IamSettings;
  /** The primary region and account. */
  region: string;
  accountId: string;
  /** The DR account the copies are shared with. */
  drAccountId: string;
  /** The database instance (its identifier and ARN). */
  instanceIdentifier: pulumi.Input<string>;
  instanceArn: pulumi.Input<string>;
  /** The database key (customer-managed, the DR account may use it: `copyAccountIds` of @tdp/data's keys). */
  databaseKmsKeyArn: pulumi.Input<string>;
  /** The logs key of the data layer. */
  logsKmsKeyArn: pulumi.Input<string>;
  /** Seed LogRetentionDays for the function's log group. @default 90 */
  logRetentionDays?: number;
  /** Days the shared copies stay in the primary region. @default 2 */
  retentionDays?: number;
  /** @default "rate(1 hour)" */
  scheduleExpression?: string;
  /** Function errors and dead-lettered events reach the alert topic. @default none */
  alarmTarget?: AlarmTarget;
  /**
   * The key of the function's environment variables: the data layer's secrets key, whose policy
   * admits `lambda.<region>.amazonaws.com`. @default the AWS-managed key
   */
  environmentKmsKeyArn?: pulumi.Input<string>;
  /**
   * The key of the function's dead-letter queue: the data layer's messaging key, whose policy
   * admits `sqs.<region>.amazonaws.com`. @default no dead-letter queue
   */
  deadLetterQueueKmsKeyArn?: pulumi.Input<string>;
  /** The function's code; for tests. @default the bundled handler */
  code?: pulumi.asset.Archive;
}

export function validateSnapshotShareArgs(args: SnapshotShareArgs): void {
  validateAccountPair(args.drAccountId, args.accountId, "drAccountId");
  validateCopyRetentionDays("retentionDays", args.retentionDays ?? DEFAULT_SOURCE_RETENTION_DAYS);
}

/**
 * The primary's half of the snapshot tool (snapshots mode): after each AWS Backup job and every
 * hour, the newest backup of the database is copied to a manual snapshot under the database key
 * and shared with the DR account; shared copies older than the retention are deleted.
 */
export class SnapshotShare extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: SnapshotShareArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSnapshotShareArgs(args);
    super("tdp:dr:SnapshotShare", name, {}, opts);
    const snapshots = `arn:aws:rds:${args.region}:${args.accountId}:snapshot:`;
    const fn = snapshotFunction(this, name, {
      naming: args.naming,
      iam: args.iam,
      accountId: args.accountId,
      fn: "share-snapshots",
      description: `Copies the newest database backup and shares it with the DR account ${args.drAccountId}`,
      statements: [
        allow("rds:DescribeDBSnapshots", [args.instanceArn, `${snapshots}*`], {
          Sid: "ListTheDatabasesSnapshots",
        }),
        // The AWS Backup snapshots (awsbackup:job-…) are the copies' sources.
        allow(["rds:CopyDBSnapshot"], `${snapshots}*`, { Sid: "CopyBackupsToSharableSnapshots" }),
        allow(
          [
            "rds:AddTagsToResource",
            "rds:DescribeDBSnapshotAttributes",
            "rds:ModifyDBSnapshotAttribute",
            "rds:DeleteDBSnapshot",
          ],
          `${snapshots}${SNAPSHOT_PREFIX}-*`,
          { Sid: "ShareAndExpireItsCopies" },
        ),
        allow(
          ["kms:CreateGrant", "kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
          args.databaseKmsKeyArn,
          {
            Sid: "UseTheDatabaseKeyThroughRds",
            Condition: { StringEquals: { "kms:ViaService": `rds.${args.region}.amazonaws.com` } },
          },
        ),
      ],
      environment: {
        DB_INSTANCE_IDENTIFIER: args.instanceIdentifier,
        DR_ACCOUNT_ID: args.drAccountId,
        KMS_KEY_ID: args.databaseKmsKeyArn,
        SNAPSHOT_PREFIX,
        RETENTION_DAYS: String(args.retentionDays ?? DEFAULT_SOURCE_RETENTION_DAYS),
      },
      logsKmsKeyArn: args.logsKmsKeyArn,
      logRetentionDays: args.logRetentionDays,
      scheduleExpression: args.scheduleExpression ?? DEFAULT_SNAPSHOT_SCHEDULE,
      eventPattern: {
        source: ["aws.backup"],
        "detail-type": ["Backup Job State Change"],
        detail: { state: ["COMPLETED"], resourceType: ["RDS"] },
      },
      alarmTarget: args.alarmTarget,
      region: args.region,
      environmentKmsKeyArn: args.environmentKmsKeyArn,
      deadLetterQueueKmsKeyArn: args.deadLetterQueueKmsKeyArn,
      code: args.code,
    });
    this.functionName = fn.name;
    this.registerOutputs({ functionName: this.functionName });
  }
}

export interface SnapshotCopyArgs {
  /** Physical names in the DR account. */
  naming: Naming;
  iam: IamSettings;
  /** The DR region and account (where the function runs and the copies are made). */
  region: string;
  accountId: string;
  /** Seed SourceRegion: the primary region. */
  sourceRegion: string;
  /** The primary account: only its shared snapshots are copied. */
  sourceAccountId: string;
  /** Seed KmsKeyDestination: the DR database key. */
  kmsKeyArn: pulumi.Input<string>;
  /** The DR logs key. */
  logsKmsKeyArn: pulumi.Input<string>;
  /** Seed LambdaCWLogRetention. @default 90 */
  logRetentionDays?: number;
  /** Seed RetentionDays. @default 7 */
  retentionDays?: number;
  /** Seed SnapshotPattern. @default "ts-platform.*" */
  snapshotPattern?: string;
  /** @default "rate(1 hour)" */
  scheduleExpression?: string;
  /** Function errors and dead-lettered events reach the alert topic. @default none */
  alarmTarget?: AlarmTarget;
  /**
   * The key of the function's environment variables: a DR key whose policy admits
   * `lambda.<region>.amazonaws.com` (DrTargets' `secrets` key). @default the AWS-managed key
   */
  environmentKmsKeyArn?: pulumi.Input<string>;
  /**
   * The key of the function's dead-letter queue: a DR key whose policy admits
   * `sqs.<region>.amazonaws.com` (DrTargets' `messaging` key). @default no dead-letter queue
   */
  deadLetterQueueKmsKeyArn?: pulumi.Input<string>;
  /**
   * Alarm when the newest available DR copy was made more than this many hours ago (the primary's
   * longest gap between backups + 2 h), or the function stops reporting: each run publishes the
   * age (`TDP/DR` NewestCopyAgeHours) and a missing data point counts as breaching. Needs
   * `alarmTarget`. @default no such alarm
   */
  copyAgeAlarmHours?: number;
  /** The function's code; for tests. @default the bundled handler */
  code?: pulumi.asset.Archive;
}

export function validateSnapshotCopyArgs(args: SnapshotCopyArgs): void {
  validateAccountPair(args.sourceAccountId, args.accountId, "sourceAccountId");
  validateRegionPair(args.sourceRegion, args.region, "sourceRegion");
  validateCopyRetentionDays("retentionDays", args.retentionDays ?? DEFAULT_COPY_RETENTION_DAYS);
  validateSnapshotPattern("snapshotPattern", args.snapshotPattern ?? DEFAULT_SNAPSHOT_PATTERN);
  if (args.copyAgeAlarmHours !== undefined) {
    validateCopyAgeAlarmHours("copyAgeAlarmHours", args.copyAgeAlarmHours);
    if (args.alarmTarget === undefined) {
      throw new Error(
        `copyAgeAlarmHours ${args.copyAgeAlarmHours} needs alarmTarget: the alarm has nowhere to go; give the alert topic or leave copyAgeAlarmHours out`,
      );
    }
  }
}

/** The seed's daily backups (cron 1 AM UTC) are 24 h apart: + 2 h for the share and copy runs. */
export const DEFAULT_COPY_AGE_ALARM_HOURS = 26;

/** A copy-age threshold: whole hours, more than the hourly schedule and at most a year. */
export function validateCopyAgeAlarmHours(field: string, hours: number): void {
  if (!Number.isInteger(hours) || hours < 2 || hours > 8760) {
    throw new Error(
      `${field} ${hours} must be a whole number of hours from 2 to 8760 (the primary's longest gap between backups + 2 h; the copy function runs hourly)`,
    );
  }
}

/**
 * The DR account's half of the snapshot tool (seed snapshots_tool_rds_dest): every hour, the
 * snapshots the primary shared are copied into the DR region under the DR database key, and
 * copies older than RetentionDays are deleted.
 */
export class SnapshotCopy extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: SnapshotCopyArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSnapshotCopyArgs(args);
    super("tdp:dr:SnapshotCopy", name, {}, opts);
    const own = `arn:aws:rds:${args.region}:${args.accountId}:snapshot:`;
    const ageAlarm = args.copyAgeAlarmHours !== undefined;
    const fn = snapshotFunction(this, name, {
      naming: args.naming,
      iam: args.iam,
      accountId: args.accountId,
      fn: "copy-snapshots",
      description: `Copies the database snapshots shared by ${args.sourceAccountId} from ${args.sourceRegion} into ${args.region}`,
      statements: [
        // DescribeDBSnapshots of shared snapshots is not scoped to resources by RDS.
        allow("rds:DescribeDBSnapshots", "*", { Sid: "ListSharedAndCopiedSnapshots" }),
        allow(
          "rds:CopyDBSnapshot",
          [`arn:aws:rds:${args.sourceRegion}:${args.sourceAccountId}:snapshot:*`, `${own}*`],
          { Sid: "CopySharedSnapshots" },
        ),
        allow(["rds:AddTagsToResource", "rds:DeleteDBSnapshot"], `${own}*`, { Sid: "TagAndExpireTheCopies" }),
        allow(
          ["kms:CreateGrant", "kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
          args.kmsKeyArn,
          {
            Sid: "UseTheDrDatabaseKeyThroughRds",
            Condition: { StringEquals: { "kms:ViaService": `rds.${args.region}.amazonaws.com` } },
          },
        ),
        // The shared snapshots' key: the primary's database key, whose policy admits this account.
        allow(
          ["kms:CreateGrant", "kms:DescribeKey", "kms:Decrypt", "kms:ReEncryptFrom"],
          `arn:aws:kms:${args.sourceRegion}:${args.sourceAccountId}:key/*`,
          {
            Sid: "DecryptTheSharedSnapshots",
            Condition: {
              StringEquals: {
                "kms:ViaService": [
                  `rds.${args.sourceRegion}.amazonaws.com`,
                  `rds.${args.region}.amazonaws.com`,
                ],
              },
            },
          },
        ),
        ...(ageAlarm
          ? [
              allow("cloudwatch:PutMetricData", "*", {
                Sid: "PublishTheNewestCopysAge",
                // PutMetricData has no resource: the namespace is what keeps it to its own metric.
                Condition: { StringEquals: { "cloudwatch:namespace": DR_METRIC_NAMESPACE } },
              }),
            ]
          : []),
      ],
      environment: {
        ...(ageAlarm ? { METRIC_NAMESPACE: DR_METRIC_NAMESPACE } : {}),
        SOURCE_REGION: args.sourceRegion,
        SOURCE_ACCOUNT_ID: args.sourceAccountId,
        KMS_KEY_ID: args.kmsKeyArn,
        SNAPSHOT_PATTERN: args.snapshotPattern ?? DEFAULT_SNAPSHOT_PATTERN,
        RETENTION_DAYS: String(args.retentionDays ?? DEFAULT_COPY_RETENTION_DAYS),
      },
      logsKmsKeyArn: args.logsKmsKeyArn,
      logRetentionDays: args.logRetentionDays,
      scheduleExpression: args.scheduleExpression ?? DEFAULT_SNAPSHOT_SCHEDULE,
      alarmTarget: args.alarmTarget,
      region: args.region,
      environmentKmsKeyArn: args.environmentKmsKeyArn,
      deadLetterQueueKmsKeyArn: args.deadLetterQueueKmsKeyArn,
      code: args.code,
    });
    if (args.copyAgeAlarmHours !== undefined && args.alarmTarget !== undefined) {
      createAlarm(
        name,
        args.alarmTarget,
        {
          purpose: "database-copy-age",
          description: `No new database copy reached ${args.region} for more than ${args.copyAgeAlarmHours} h (the primary's backup gap + 2 h), or the copy function stopped reporting: look at both accounts' snapshot functions (docs/operations.md)`,
          namespace: DR_METRIC_NAMESPACE,
          metricName: NEWEST_COPY_AGE_METRIC,
          dimensions: { FunctionName: fn.name },
          statistic: "Minimum",
          comparison: ">",
          threshold: args.copyAgeAlarmHours,
          periodSeconds: 3600,
          // Two hours in a row: one hourly run landing in the next period is no alarm.
          evaluationPeriods: 2,
          treatMissingData: "breaching",
        },
        { parent: this },
      );
    }
    this.functionName = fn.name;
    this.registerOutputs({ functionName: this.functionName });
  }
}
