import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_VPC_NETWORK_INTERFACES, allow, policyDocument } from "@tdp/core";

import type { SecureBucket } from "./buckets";
import type { KeyedContext } from "./context";
import { createDeadLetterQueue, deadLetterQueuePolicy } from "./dead-letter-queue";
import { SYNC_EFS_MOUNT, SYNC_FOLDER_MAP } from "./defaults";
import type { DashboardFileSystem } from "./file-system";
import { createFileSystemPolicy } from "./file-system";
import { accountServiceRole } from "./roles";

export interface SyncFunctionInputs {
  alarmTopicArn: pulumi.Input<string>;
  logGroup: aws.cloudwatch.LogGroup;
  resourcesBucket: SecureBucket;
  fileSystem: DashboardFileSystem;
  /** The instances' role: the other client the file system's policy names. */
  instanceRoleArn: pulumi.Input<string>;
  /** The bundled sync handler. */
  code: pulumi.asset.Archive;
}

/** The S3 → EFS sync function (handler: src/sync/handler.ts; contract in the README). */
export function createSyncFunction(
  ctx: KeyedContext,
  securityGroupId: pulumi.Input<string>,
  { alarmTopicArn, logGroup, resourcesBucket, fileSystem, instanceRoleArn, code }: SyncFunctionInputs,
): aws.lambda.Function {
  const { parent, name, args, s, region, account, child, physical, names, keyArn } = ctx;
  const dlq = createDeadLetterQueue(ctx, "sync-dlq", "efs-sync-dlq");
  new aws.cloudwatch.MetricAlarm(
    `${name}-sync-dlq-alarm`,
    {
      name: physical("generic", "efs-sync-dlq"),
      alarmDescription:
        "S3 objects the sync function could not copy to EFS are waiting in its dead-letter queue",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: dlq.name },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [alarmTopicArn],
      okActions: [alarmTopicArn],
    },
    child,
  );
  const syncRole = accountServiceRole(ctx, "sync-role", {
    purpose: "efs-sync",
    service: "lambda.amazonaws.com",
    description: "S3 to EFS sync: read the resources bucket, write EFS through the access point",
    inlinePolicies: {
      "read-resources": policyDocument(
        // Every event is reconciled with the key's latest object (never a version by id), and
        // only keys under the synced prefixes are read.
        allow(
          "s3:GetObject",
          Object.keys(SYNC_FOLDER_MAP).map(
            (prefix) => pulumi.interpolate`${resourcesBucket.arn}/${prefix}/*`,
          ),
        ),
        // Without it S3 answers 403, not 404, for a key that no longer exists, and the function
        // could not tell a deleted object (remove its file) from a refusal (retry). Key names
        // only, of this bucket; not narrowed by s3:prefix, which a GetObject request does not carry.
        allow("s3:ListBucket", resourcesBucket.arn),
        allow("kms:Decrypt", keyArn, {
          Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
        }),
      ),
      "efs-through-access-point": policyDocument(fileSystem.clientPolicy),
      "vpc-network-interfaces": policyDocument(LAMBDA_VPC_NETWORK_INTERFACES),
      "own-logs": policyDocument(
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${logGroup.arn}:*`),
      ),
      "dead-letter-queue": deadLetterQueuePolicy(ctx, dlq),
    },
  });
  createFileSystemPolicy(ctx, fileSystem, [instanceRoleArn, syncRole.arn]);
  const syncFunction = new aws.lambda.Function(
    `${name}-sync`,
    {
      name: names.syncFunction,
      description: "Copies objects of the resources bucket to the dashboard's EFS folders",
      role: syncRole.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      code,
      memorySize: s.sync.memorySizeMb,
      timeout: s.sync.timeoutSeconds,
      reservedConcurrentExecutions: s.sync.reservedConcurrency,
      kmsKeyArn: keyArn,
      deadLetterConfig: { targetArn: dlq.arn },
      vpcConfig: { subnetIds: args.privateSubnetIds, securityGroupIds: [securityGroupId] },
      fileSystemConfig: { arn: fileSystem.accessPoint.arn, localMountPath: SYNC_EFS_MOUNT },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      environment: {
        variables: {
          EFS_MOUNT_PATH: SYNC_EFS_MOUNT,
          ALLOWED_FOLDERS: Object.entries(SYNC_FOLDER_MAP)
            .map(([prefix, folder]) => `${prefix}=${folder}`)
            .join(","),
          OWNER_UID: String(s.efs.ownerUid),
          OWNER_GID: String(s.efs.ownerGid),
          FILE_MODE: "0640",
          DIR_MODE: "0750",
          BUCKET_NAME: resourcesBucket.bucketName,
          NODE_OPTIONS: "--enable-source-maps",
        },
      },
    },
    // Lambda mounts EFS at creation: the mount targets must exist.
    { parent, dependsOn: [...fileSystem.mountTargets, syncRole, logGroup] },
  );
  new aws.lambda.FunctionEventInvokeConfig(
    `${name}-sync-retries`,
    { functionName: syncFunction.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 },
    child,
  );
  const permission = new aws.lambda.Permission(
    `${name}-sync-from-s3`,
    {
      function: syncFunction.name,
      action: "lambda:InvokeFunction",
      principal: "s3.amazonaws.com",
      sourceArn: resourcesBucket.arn,
      sourceAccount: account,
    },
    child,
  );
  new aws.s3.BucketNotification(
    `${name}-resources-notification`,
    {
      bucket: resourcesBucket.bucket.id,
      lambdaFunctions: [
        { lambdaFunctionArn: syncFunction.arn, events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"] },
      ],
    },
    { parent, dependsOn: [permission] },
  );
  return syncFunction;
}
