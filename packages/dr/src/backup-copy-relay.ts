import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import {
  ServiceRole,
  allow,
  cloudWatchLogsKeyStatement,
  keyAdministrationStatement,
  keyUseThroughServicesStatements,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";
import type { AlarmTarget } from "@tdp/data";
import { Alerts, DataKey, createAlarm, createProtectedVault, validateEmail } from "@tdp/data";

import { DR_METRIC_NAMESPACE, NEWEST_COPY_AGE_METRIC } from "./copy-age";
import { drFunction } from "./dr-function";
import { DEFAULT_SNAPSHOT_SCHEDULE, validateCopyAgeAlarmHours } from "./snapshot-functions";
import {
  DEFAULT_COPY_RETENTION_DAYS,
  validateAccountPair,
  validateCopyRetentionDays,
  validateRegionPair,
} from "./validation";

/**
 * Days the primary's copy action keeps a recovery point in the staging vault: the relay runs
 * hourly, so a day would do; three leave a weekend's failed relay runs (the function's alarm) time
 * to be fixed before the staging copy expires. The DR copy has its own lifecycle.
 */
export const DEFAULT_STAGING_RETENTION_DAYS = 3;

/** The staging vault's name purpose: `<base>-database-staging`. */
export const STAGING_VAULT_PURPOSE = "database-staging";

/** What the copy role may do with RDS snapshots (the RDS part of AWS Backup's copy of a recovery point). */
export const RELAY_RDS_ACTIONS = [
  "rds:CopyDBSnapshot",
  "rds:DescribeDBSnapshots",
  "rds:AddTagsToResource",
  "rds:ListTagsForResource",
];

export interface BackupCopyRelayArgs {
  /** Physical names in the DR account. */
  naming: Naming;
  iam: IamSettings;
  /** The DR account (the relay's own). */
  accountId: string;
  /**
   * The primary region: where the staging vault, its key and the function are (the component's
   * provider must be for this region; the stacks pass a second explicit provider).
   */
  region: string;
  /** The DR region, where `destinationVaultArn` is. */
  drRegion: string;
  /** The primary account: the only one admitted to copy into the staging vault. */
  primaryAccountId: string;
  /** The DR vault (`DrTargets.vaultArn`), in this account and the DR region. */
  destinationVaultArn: pulumi.Input<string>;
  /** The DR vault's key (`DrTargets.keyArns["backup-vault"]`): RDS re-encrypts the copies with it. */
  destinationKmsKeyArn: pulumi.Input<string>;
  /** Seed RetentionDays: days copies are kept in the DR vault. @default 7 */
  retentionDays?: number;
  /** Days between automatic rotations of the relay's keys. @default 365 */
  rotationPeriodInDays?: number;
  /** Seed LambdaCWLogRetention for the function's log group. @default 90 */
  logRetentionDays?: number;
  /** @default "rate(1 hour)" */
  scheduleExpression?: string;
  /**
   * An alert topic of this account in the primary region (a CloudWatch alarm notifies topics of
   * its own region only) for the function's errors, its dead-lettered events and the copy-age
   * alarm. Give this or `notificationEmail`, not both. @default none
   */
  alarmTarget?: AlarmTarget;
  /**
   * Seed NotificationEmail: the relay builds its own alert topic in the primary region
   * (`<base>-alerts-<region>`, under its messaging key) subscribed by this address, and alarms
   * there. Give this or `alarmTarget`, not both. @default none
   */
  notificationEmail?: string;
  /**
   * Alarm when the DR vault's newest completed recovery point was made more than this many hours
   * ago (the primary's longest gap between backups + 2 h), or the relay stops reporting: each run
   * publishes the age (`TDP/DR` NewestCopyAgeHours, in the primary region) and a missing data point
   * counts as breaching. Needs `alarmTarget` or `notificationEmail`. @default no such alarm
   */
  copyAgeAlarmHours?: number;
  /** The function's code; for tests. @default the bundled handler */
  code?: pulumi.asset.Archive;
}

/** Checks the arguments before any resource; throws naming the field, the value and the rule. */
export function validateBackupCopyRelayArgs(args: BackupCopyRelayArgs): void {
  validateAccountPair(args.primaryAccountId, args.accountId, "primaryAccountId");
  validateRegionPair(args.region, args.drRegion, "region");
  validateCopyRetentionDays("retentionDays", args.retentionDays ?? DEFAULT_COPY_RETENTION_DAYS);
  if (args.alarmTarget !== undefined && args.notificationEmail !== undefined) {
    throw new Error(
      `notificationEmail "${args.notificationEmail}" and alarmTarget are both set: the relay's alarms go to one topic; give alarmTarget (a topic of the primary region) or notificationEmail (the relay builds one), not both`,
    );
  }
  if (args.notificationEmail !== undefined) {
    validateEmail("notificationEmail", args.notificationEmail);
  }
  if (args.copyAgeAlarmHours !== undefined) {
    validateCopyAgeAlarmHours("copyAgeAlarmHours", args.copyAgeAlarmHours);
    if (args.alarmTarget === undefined && args.notificationEmail === undefined) {
      throw new Error(
        `copyAgeAlarmHours ${args.copyAgeAlarmHours} needs alarmTarget or notificationEmail: the alarm has nowhere to go; give one or leave copyAgeAlarmHours out`,
      );
    }
  }
}

/** The relay's alert topic's name purpose: `<base>-alerts-<region>`, apart from the DR region's `<base>-alerts`. */
export function relayAlertsPurpose(region: string): string {
  return `alerts-${region}`;
}

/**
 * Backup mode's second hop, in the DR account and the primary region. AWS Backup copies an RDS
 * recovery point across accounts or across Regions, not both in one copy; so the primary's plan
 * copies each recovery point into this staging vault (another account, same Region), and this
 * relay copies it on into the DR vault (same account, the DR Region): a staging vault with its
 * own key admitting copies from the primary account only, the role AWS Backup copies with, and a
 * function that starts the copy jobs hourly and on AWS Backup's recovery point events. The
 * function is hardened like the DR functions: its environment under a key of its own, an encrypted
 * dead-letter queue, and (with an alert topic of the primary region, given or built from
 * `notificationEmail`) alarms on its errors, its dead-lettered events and, with
 * `copyAgeAlarmHours`, the DR vault's newest copy growing old. The vault and the keys are protected.
 */
export class BackupCopyRelay extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  readonly keyArn: pulumi.Output<string>;
  readonly logsKeyArn: pulumi.Output<string>;
  readonly copyRoleArn: pulumi.Output<string>;
  readonly functionName: pulumi.Output<string>;
  /** The key of the function's environment variables (primary region, through Lambda only). */
  readonly secretsKeyArn: pulumi.Output<string>;
  /** The key of the dead-letter queue and the relay's alert topic (through SQS and SNS only). */
  readonly messagingKeyArn: pulumi.Output<string>;
  readonly deadLetterQueueArn: pulumi.Output<string>;
  /** With `notificationEmail`: the relay's alert topic in the primary region. */
  readonly alerts?: Alerts;
  /** The topic the relay's alarms notify (`alarmTarget`'s or the relay's own); none without either. */
  readonly alertTopicArn?: pulumi.Output<string>;

  constructor(name: string, args: BackupCopyRelayArgs, opts?: pulumi.ComponentResourceOptions) {
    validateBackupCopyRelayArgs(args);
    super("tdp:dr:BackupCopyRelay", name, {}, opts);
    const child = { parent: this };
    const partition = aws.getPartitionOutput({}, child).partition;
    const root = pulumi.interpolate`arn:${partition}:iam::${args.accountId}:root`;
    const primaryRoot = pulumi.interpolate`arn:${partition}:iam::${args.primaryAccountId}:root`;
    const retention = args.retentionDays ?? DEFAULT_COPY_RETENTION_DAYS;
    const via = (service: string, region: string) => `${service}.${region}.amazonaws.com`;

    // The keys, in the primary region: the staging copies' (AWS Backup re-encrypts a copy with
    // the destination vault's key, and RDS holds the snapshot under it) and the log group's
    // (a log group's key must be in its region, so the DR logs key cannot serve).
    const key = (purpose: string, description: string, statements: PolicyStatement[]) => {
      const created = new aws.kms.Key(
        `${name}-${purpose}-key`,
        {
          description: `${args.naming.base}: ${description}`,
          keyUsage: "ENCRYPT_DECRYPT",
          customerMasterKeySpec: "SYMMETRIC_DEFAULT",
          enableKeyRotation: true,
          rotationPeriodInDays: args.rotationPeriodInDays ?? 365,
          deletionWindowInDays: 30,
          policy: policyJson(policyDocument(keyAdministrationStatement(root), ...statements)),
        },
        statefulResourceOptions(child),
      );
      new aws.kms.Alias(
        `${name}-${purpose}-alias`,
        { name: `alias/${args.naming.base}-${purpose}`, targetKeyId: created.keyId },
        child,
      );
      return created;
    };
    const vaultKey = key(
      "staging-vault",
      `encrypts the staging copies of the primary account ${args.primaryAccountId}'s database recovery points`,
      keyUseThroughServicesStatements(root, args.accountId, [
        via("backup", args.region),
        via("rds", args.region),
      ]),
    );
    const logsKey = key("relay-logs", "encrypts the copy relay's log group", [
      ...keyUseThroughServicesStatements(root, args.accountId, [via("logs", args.region)]),
      cloudWatchLogsKeyStatement(
        "CloudWatchLogsEncryptsTheAccountsGroups",
        args.region,
        pulumi.interpolate`arn:${partition}:logs:${args.region}:${args.accountId}:log-group:*`,
        "ArnLike",
      ),
    ]);
    this.keyArn = vaultKey.arn;
    this.logsKeyArn = logsKey.arn;

    // The function's environment and dead-letter queue keys, @tdp/data's DataKey as the DR
    // targets' secrets and messaging keys (those are in the DR region; a function's and a
    // queue's key must be in their region). The messaging key also encrypts the relay's alert
    // topic, whose publishers include CloudWatch alarms of this account.
    const dataKey = (purpose: string, description: string, via: string[], principals = false) =>
      new DataKey(
        `${name}-${purpose}`,
        {
          naming: args.naming,
          purpose,
          description,
          region: args.region,
          accountId: args.accountId,
          viaServices: via,
          servicePrincipals: principals
            ? [{ service: "cloudwatch.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey*"] }]
            : [],
          rotationPeriodInDays: args.rotationPeriodInDays,
        },
        child,
      );
    const secretsKey = dataKey("relay-secrets", "encrypts the copy relay's environment variables", [
      "lambda",
    ]);
    const messagingKey = dataKey(
      "relay-messaging",
      "encrypts the copy relay's dead-letter queue and alert topic",
      ["sns", "sqs"],
      true,
    );
    this.secretsKeyArn = secretsKey.arn;
    this.messagingKeyArn = messagingKey.arn;

    // Where the alarms go: a CloudWatch alarm notifies topics of its own region only, and the dr
    // stack's topic is in the DR region.
    if (args.notificationEmail !== undefined) {
      this.alerts = new Alerts(
        `${name}-alerts`,
        {
          naming: args.naming,
          notificationEmail: args.notificationEmail,
          kmsKeyArn: messagingKey.arn,
          accountId: args.accountId,
          purpose: relayAlertsPurpose(args.region),
        },
        child,
      );
    }
    const alarmTarget = args.alarmTarget ?? this.alerts?.alarmTarget;
    this.alertTopicArn = alarmTarget === undefined ? undefined : pulumi.output(alarmTarget.topicArn);

    // The staging vault: the primary account copies in (its plan's copy action); nobody deletes
    // or shortens a recovery point (the copy action's lifecycle still expires them).
    this.vault = createProtectedVault(
      name,
      {
        vaultName: args.naming.name("backupVault", STAGING_VAULT_PURPOSE),
        kmsKeyArn: vaultKey.arn,
        additionalStatements: [
          {
            Sid: "PrimaryAccountCopiesIn",
            Effect: "Allow",
            Principal: { AWS: primaryRoot },
            Action: "backup:CopyIntoBackupVault",
            Resource: "*",
          },
        ],
      },
      this,
    );
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;

    // The role AWS Backup copies with: read the staging snapshots under the staging key here,
    // write the copies under the DR vault's key there, through RDS in each region only.
    const snapshots = (region: string) =>
      pulumi.interpolate`arn:${partition}:rds:${region}:${args.accountId}:snapshot:*`;
    const grantForAws = { Bool: { "kms:GrantIsForAWSResource": true } };
    const copyRole = new ServiceRole(
      `${name}-copy-role`,
      {
        naming: args.naming,
        purpose: "dr-relay-copy",
        iam: args.iam,
        services: ["backup.amazonaws.com"],
        sourceAccount: args.accountId,
        description: `${args.naming.base}: AWS Backup copies the staging recovery points into the DR vault`,
        inlinePolicies: {
          copy: policyDocument(
            allow(["backup:DescribeBackupVault", "backup:CopyIntoBackupVault"], args.destinationVaultArn, {
              Sid: "CopyIntoTheDrVault",
            }),
            allow(RELAY_RDS_ACTIONS, [snapshots(args.region), snapshots(args.drRegion)], {
              Sid: "CopyTheStagingSnapshots",
            }),
            allow(["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"], vaultKey.arn, {
              Sid: "ReadUnderTheStagingKey",
              Condition: { StringEquals: { "kms:ViaService": via("rds", args.region) } },
            }),
            allow("kms:CreateGrant", vaultKey.arn, {
              Sid: "GrantRdsTheStagingKey",
              Condition: { StringEquals: { "kms:ViaService": via("rds", args.region) }, ...grantForAws },
            }),
            allow(
              ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*", "kms:ReEncryptTo"],
              args.destinationKmsKeyArn,
              {
                Sid: "WriteUnderTheDrVaultKey",
                Condition: { StringEquals: { "kms:ViaService": via("rds", args.drRegion) } },
              },
            ),
            allow("kms:CreateGrant", args.destinationKmsKeyArn, {
              Sid: "GrantRdsTheDrVaultKey",
              Condition: { StringEquals: { "kms:ViaService": via("rds", args.drRegion) }, ...grantForAws },
            }),
          ),
        },
      },
      child,
    );
    this.copyRoleArn = copyRole.arn;

    const recoveryPoints = pulumi.interpolate`arn:${partition}:backup:${args.region}:${args.accountId}:recovery-point:*`;
    const ageAlarm = args.copyAgeAlarmHours !== undefined && alarmTarget !== undefined;
    const { fn, deadLetterQueue } = drFunction(this, name, {
      naming: args.naming,
      iam: args.iam,
      accountId: args.accountId,
      fn: "relay-copies",
      description: `Copies the staging recovery points of ${args.primaryAccountId}'s database from ${args.region} into the DR vault in ${args.drRegion}`,
      statements: [
        allow("backup:ListRecoveryPointsByBackupVault", this.vault.arn, { Sid: "ListTheStagingVault" }),
        // ListCopyJobs names no resource (Service Authorization Reference): "*" is its only scope.
        allow("backup:ListCopyJobs", "*", { Sid: "ListCopyJobs" }),
        allow(["backup:StartCopyJob", "backup:CopyFromBackupVault"], recoveryPoints, {
          Sid: "CopyTheStagingRecoveryPoints",
        }),
        allow("iam:PassRole", copyRole.arn, {
          Sid: "PassTheCopyRoleToBackup",
          Condition: { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } },
        }),
        ...(ageAlarm
          ? [
              // The copy age: the DR vault's recovery points, listed in the DR region.
              allow("backup:ListRecoveryPointsByBackupVault", args.destinationVaultArn, {
                Sid: "ListTheDrVault",
              }),
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
        STAGING_VAULT_NAME: this.vault.name,
        DESTINATION_VAULT_ARN: args.destinationVaultArn,
        COPY_ROLE_ARN: copyRole.arn,
        RETENTION_DAYS: String(retention),
      },
      logsKmsKeyArn: logsKey.arn,
      logRetentionDays: args.logRetentionDays,
      scheduleExpression: args.scheduleExpression ?? DEFAULT_SNAPSHOT_SCHEDULE,
      // A recovery point that completes in this region (the staging copies among them) runs the
      // relay at once; the hourly schedule is what guarantees it (events are best effort).
      eventPattern: {
        source: ["aws.backup"],
        "detail-type": ["Recovery Point State Change"],
        detail: { status: ["COMPLETED"] },
      },
      alarmTarget,
      region: args.region,
      environmentKmsKeyArn: secretsKey.arn,
      deadLetterQueueKmsKeyArn: messagingKey.arn,
      code: args.code,
    });
    this.functionName = fn.name;
    this.deadLetterQueueArn = deadLetterQueue!.arn;
    if (ageAlarm) {
      createAlarm(
        name,
        alarmTarget,
        {
          purpose: "database-copy-age",
          description: `No new database copy reached the DR vault in ${args.drRegion} for more than ${args.copyAgeAlarmHours} h (the primary's backup gap + 2 h), or the relay stopped reporting: look at the primary's copy jobs into the staging vault and the relay's log group (docs/operations.md)`,
          namespace: DR_METRIC_NAMESPACE,
          metricName: NEWEST_COPY_AGE_METRIC,
          dimensions: { FunctionName: fn.name },
          statistic: "Minimum",
          comparison: ">",
          threshold: args.copyAgeAlarmHours!,
          periodSeconds: 3600,
          // Two hours in a row: one hourly run landing in the next period is no alarm.
          evaluationPeriods: 2,
          treatMissingData: "breaching",
        },
        child,
      );
    }

    this.registerOutputs({
      vaultName: this.vaultName,
      vaultArn: this.vaultArn,
      keyArn: this.keyArn,
      logsKeyArn: this.logsKeyArn,
      copyRoleArn: this.copyRoleArn,
      functionName: this.functionName,
      secretsKeyArn: this.secretsKeyArn,
      messagingKeyArn: this.messagingKeyArn,
      deadLetterQueueArn: this.deadLetterQueueArn,
      alertTopicArn: this.alertTopicArn,
    });
  }
}
