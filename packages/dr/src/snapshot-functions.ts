import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import { ServiceRole, allow, lambdaArchive, policyDocument } from "@tdp/core";
import type { AlarmTarget } from "@tdp/data";
import { createAlarm, createLogGroup } from "@tdp/data";

import {
  DEFAULT_COPY_RETENTION_DAYS,
  DEFAULT_SNAPSHOT_PATTERN,
  validateAccountPair,
  validateCopyRetentionDays,
  validateRegionPair,
  validateSnapshotPattern,
} from "./validation";

/**
 * The functions of the snapshot tool, each bundled from `src/<function>/handler.ts` (declared in
 * the package's `tdp.lambdas`, prebuilt into `dist/bundles/<function>` when published).
 */
export const SNAPSHOT_FUNCTIONS = ["share-snapshots", "copy-snapshots"] as const;
export type SnapshotFunction = (typeof SNAPSHOT_FUNCTIONS)[number];

/** Every function of the package: the snapshot tool's and backup mode's copy relay. */
export const DR_FUNCTIONS = [...SNAPSHOT_FUNCTIONS, "relay-copies"] as const;
export type DrFunction = (typeof DR_FUNCTIONS)[number];

/** A function's deployment package: a file archive of the folder holding its bundled `index.js`. */
export function snapshotFunctionCode(fn: DrFunction): pulumi.asset.FileArchive {
  return lambdaArchive("@tdp/dr", __dirname, fn);
}

/** How often the functions run besides the AWS Backup events. @default hourly */
export const DEFAULT_SNAPSHOT_SCHEDULE = "rate(1 hour)";

/** Days the primary keeps its shared copies (seed DeleteOldSnapshots: the DR region keeps the history). */
export const DEFAULT_SOURCE_RETENTION_DAYS = 2;

/** The snapshot prefix the share function names its copies with: the seed's SnapshotPattern matches it. */
export const SNAPSHOT_PREFIX = "ts-platform";

/** What `snapshotFunction` builds a DR function from. */
export interface FunctionParts {
  naming: Naming;
  iam: IamSettings;
  accountId: string;
  fn: DrFunction;
  description: string;
  statements: PolicyStatement[];
  environment: Record<string, pulumi.Input<string>>;
  logsKmsKeyArn: pulumi.Input<string>;
  logRetentionDays?: number;
  scheduleExpression: string;
  /** An EventBridge pattern that also runs the function (AWS Backup job events). */
  eventPattern?: Record<string, unknown>;
  alarmTarget?: AlarmTarget;
  code?: pulumi.asset.Archive;
}

/**
 * The function, its role, log group, schedule (and event rule) and error alarm, as children of
 * `parent` (the region is the parent's provider's: the copy relay runs in the primary region).
 */
export function snapshotFunction(
  parent: pulumi.ComponentResource,
  name: string,
  parts: FunctionParts,
): aws.lambda.Function {
  const child = { parent };
  const logGroup = createLogGroup(
    `${name}-logs`,
    `/aws/lambda/${parts.naming.name("lambdaFunction", parts.fn)}`,
    { retentionDays: parts.logRetentionDays, kmsKeyArn: parts.logsKmsKeyArn },
    child,
  );
  const role = new ServiceRole(
    `${name}-role`,
    {
      naming: parts.naming,
      purpose: parts.fn,
      iam: parts.iam,
      services: ["lambda.amazonaws.com"],
      sourceAccount: parts.accountId,
      description: `${parts.naming.base}: ${parts.description}`,
      inlinePolicies: {
        snapshots: policyDocument(
          ...parts.statements,
          allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${logGroup.arn}:*`, {
            Sid: "WriteItsLogGroup",
          }),
        ),
      },
    },
    child,
  );
  const fn = new aws.lambda.Function(
    `${name}-function`,
    {
      name: parts.naming.name("lambdaFunction", parts.fn),
      description: parts.description,
      role: role.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      code: parts.code ?? snapshotFunctionCode(parts.fn),
      memorySize: 256,
      timeout: 300,
      // One run at a time: two would race to copy the same snapshot (both would still end well).
      reservedConcurrentExecutions: 1,
      loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
      environment: { variables: parts.environment },
    },
    { parent, dependsOn: [role, logGroup] },
  );
  const rules: [string, aws.cloudwatch.EventRuleArgs][] = [
    [
      "schedule",
      {
        name: parts.naming.name("eventRule", parts.fn),
        description: `Runs ${parts.fn} ${parts.scheduleExpression}`,
        scheduleExpression: parts.scheduleExpression,
      },
    ],
  ];
  if (parts.eventPattern !== undefined) {
    rules.push([
      "event",
      {
        name: parts.naming.name("eventRule", `${parts.fn}-backup-done`),
        description: `Runs ${parts.fn} after each completed AWS Backup job`,
        eventPattern: JSON.stringify(parts.eventPattern),
      },
    ]);
  }
  for (const [role, args] of rules) {
    const rule = new aws.cloudwatch.EventRule(`${name}-${role}`, args, child);
    const permission = new aws.lambda.Permission(
      `${name}-from-${role}`,
      {
        function: fn.name,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-${role}-target`,
      { rule: rule.name, arn: fn.arn },
      { parent, dependsOn: [permission] },
    );
  }
  if (parts.alarmTarget !== undefined) {
    createAlarm(
      name,
      parts.alarmTarget,
      {
        purpose: `${parts.fn}-errors`,
        description: `The DR snapshot function ${parts.fn} failed: database copies stop reaching the DR region; see its log group`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: fn.name },
        statistic: "Sum",
        comparison: ">",
        threshold: 0,
        periodSeconds: 3600,
        treatMissingData: "notBreaching",
      },
      child,
    );
  }
  return fn;
}

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
  /** Function errors reach the alert topic. @default none */
  alarmTarget?: AlarmTarget;
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
  /** The function's code; for tests. @default the bundled handler */
  code?: pulumi.asset.Archive;
}

export function validateSnapshotCopyArgs(args: SnapshotCopyArgs): void {
  validateAccountPair(args.sourceAccountId, args.accountId, "sourceAccountId");
  validateRegionPair(args.sourceRegion, args.region, "sourceRegion");
  validateCopyRetentionDays("retentionDays", args.retentionDays ?? DEFAULT_COPY_RETENTION_DAYS);
  validateSnapshotPattern("snapshotPattern", args.snapshotPattern ?? DEFAULT_SNAPSHOT_PATTERN);
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
      ],
      environment: {
        SOURCE_REGION: args.sourceRegion,
        SOURCE_ACCOUNT_ID: args.sourceAccountId,
        KMS_KEY_ID: args.kmsKeyArn,
        SNAPSHOT_PATTERN: args.snapshotPattern ?? DEFAULT_SNAPSHOT_PATTERN,
        RETENTION_DAYS: String(args.retentionDays ?? DEFAULT_COPY_RETENTION_DAYS),
      },
      logsKmsKeyArn: args.logsKmsKeyArn,
      logRetentionDays: args.logRetentionDays,
      scheduleExpression: args.scheduleExpression ?? DEFAULT_SNAPSHOT_SCHEDULE,
      code: args.code,
    });
    this.functionName = fn.name;
    this.registerOutputs({ functionName: this.functionName });
  }
}
