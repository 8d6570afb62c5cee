import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import { ServiceRole, allow, lambdaArchive, policyDocument } from "@tdp/core";
import type { AlarmTarget } from "@tdp/data";
import { createAlarm, createLogGroup } from "@tdp/data";

/**
 * The functions of the snapshot tool, each bundled from `src/<function>/handler.ts` (declared in
 * the package's `tdp.lambdas`, prebuilt into `dist/bundles/<function>` when published).
 */
export const SNAPSHOT_FUNCTIONS = ["share-snapshots", "copy-snapshots"] as const;
export type SnapshotFunction = (typeof SNAPSHOT_FUNCTIONS)[number];

/** Every function of the package: the snapshot tool's and backup mode's copy relay. */
export const DR_FUNCTIONS = [...SNAPSHOT_FUNCTIONS, "relay-copies"] as const;
export type DrFunctionName = (typeof DR_FUNCTIONS)[number];

/** A function's deployment package: a file archive of the folder holding its bundled `index.js`. */
export function snapshotFunctionCode(fn: DrFunctionName): pulumi.asset.FileArchive {
  return lambdaArchive("@tdp/dr", __dirname, fn);
}

/** Seconds a failed event stays in a function's dead-letter queue: 14 days, SQS's longest. */
export const DEAD_LETTER_RETENTION_SECONDS = 1209600;

/** What {@link snapshotFunction} builds a DR function from. */
export interface FunctionParts {
  naming: Naming;
  iam: IamSettings;
  accountId: string;
  fn: DrFunctionName;
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
  /**
   * The function's region: the KMS conditions name the region's Lambda and SQS endpoints. Required
   * with `environmentKmsKeyArn` or `deadLetterQueueKmsKeyArn`.
   */
  region?: string;
  /**
   * A customer-managed key for the environment variables; its policy must let the account use it
   * through `lambda.<region>.amazonaws.com`. @default the AWS-managed key
   */
  environmentKmsKeyArn?: pulumi.Input<string>;
  /**
   * A customer-managed key for a dead-letter queue that keeps the asynchronous events (EventBridge
   * schedules and rules) the function failed on after Lambda's retries; its policy must admit
   * `sqs.<region>.amazonaws.com`. With `alarmTarget`, a message in the queue alarms. @default no queue
   */
  deadLetterQueueKmsKeyArn?: pulumi.Input<string>;
}

/** The DR function's resources a component may build on. */
export interface DrFunction {
  fn: aws.lambda.Function;
  role: ServiceRole;
  deadLetterQueue?: aws.sqs.Queue;
}

/** Checks the parts; throws naming the field, the value and the rule. */
export function validateFunctionParts(parts: FunctionParts): void {
  const keyed = parts.environmentKmsKeyArn !== undefined || parts.deadLetterQueueKmsKeyArn !== undefined;
  if (keyed && (parts.region === undefined || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(parts.region))) {
    throw new Error(
      `function ${parts.fn}: region "${parts.region ?? ""}" must be the function's AWS region (such as us-east-1) when environmentKmsKeyArn or deadLetterQueueKmsKeyArn is set: the key statements name its Lambda and SQS endpoints`,
    );
  }
}

/**
 * The function, its role, log group, schedule (and event rule), dead-letter queue and alarms, as
 * children of `parent`. Returns the function; {@link drFunction} returns its parts as well.
 */
export function snapshotFunction(
  parent: pulumi.ComponentResource,
  name: string,
  parts: FunctionParts,
): aws.lambda.Function {
  return drFunction(parent, name, parts).fn;
}

/** {@link snapshotFunction}, returning the function with its role and dead-letter queue. */
export function drFunction(parent: pulumi.ComponentResource, name: string, parts: FunctionParts): DrFunction {
  validateFunctionParts(parts);
  const child = { parent };
  const logGroup = createLogGroup(
    `${name}-logs`,
    `/aws/lambda/${parts.naming.name("lambdaFunction", parts.fn)}`,
    { retentionDays: parts.logRetentionDays, kmsKeyArn: parts.logsKmsKeyArn },
    child,
  );
  const dlqKey = parts.deadLetterQueueKmsKeyArn;
  const dlq =
    dlqKey === undefined
      ? undefined
      : new aws.sqs.Queue(
          `${name}-dlq`,
          {
            name: parts.naming.name("sqsQueue", `${parts.fn}-dlq`),
            kmsMasterKeyId: dlqKey,
            kmsDataKeyReusePeriodSeconds: 300,
            messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
          },
          child,
        );
  const deadLetterStatements: PolicyStatement[] =
    dlq === undefined || dlqKey === undefined
      ? []
      : [
          allow("sqs:SendMessage", dlq.arn, { Sid: "SendFailedEventsToItsQueue" }),
          // The queue is encrypted: sending needs a data key of the queue's key, through SQS only.
          allow(["kms:GenerateDataKey", "kms:Decrypt"], dlqKey, {
            Sid: "EncryptThroughSqs",
            Condition: { StringEquals: { "kms:ViaService": `sqs.${parts.region}.amazonaws.com` } },
          }),
        ];
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
          ...deadLetterStatements,
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
      ...(parts.environmentKmsKeyArn === undefined ? {} : { kmsKeyArn: parts.environmentKmsKeyArn }),
      // EventBridge invokes asynchronously: an event still failing after Lambda's two retries (or
      // throttled past six hours by the concurrency of 1) is kept in the queue, not dropped.
      ...(dlq === undefined ? {} : { deadLetterConfig: { targetArn: dlq.arn } }),
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
    if (dlq !== undefined) {
      createAlarm(
        name,
        parts.alarmTarget,
        {
          purpose: `${parts.fn}-dlq`,
          description: `Events the DR function ${parts.fn} failed on are waiting in its dead-letter queue: look at its log group, then run it again (docs/operations.md)`,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: dlq.name },
          statistic: "Maximum",
          comparison: ">",
          threshold: 0,
          periodSeconds: 300,
          treatMissingData: "notBreaching",
        },
        child,
      );
    }
  }
  return { fn, role, deadLetterQueue: dlq };
}
