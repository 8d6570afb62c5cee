import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  keyAdministrationStatement,
  cloudWatchLogsKeyStatement,
  keyUseThroughServicesStatements,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

import type { DashboardContext } from "./context";

/** The services that hold the dashboard's data with its key, and AWS Backup (EFS backups). */
export const KEY_VIA_SERVICES = [
  "secretsmanager",
  "rds",
  "elasticfilesystem",
  "s3",
  "sqs",
  "sns",
  "lambda",
  "backup",
];

/** The deployment's key; its policy lets CloudWatch Logs use it for `logGroupArnPatterns` only. */
export function createDataKey(
  ctx: DashboardContext,
  logGroupArnPatterns: pulumi.Input<string>[],
): pulumi.Output<string> {
  const { name, naming, d, region, account, partition, child } = ctx;
  const root = pulumi.interpolate`arn:${partition}:iam::${account}:root`;
  const viaServices = KEY_VIA_SERVICES.map((service) => `${service}.${region}.amazonaws.com`);
  // One customer-managed key for the deployment's data at rest: secrets, database, file system,
  // bucket, queue, topic, function environment and log groups.
  const key = new aws.kms.Key(
    `${name}-key`,
    {
      description: `${naming.base} ${d}: Panintelligence dashboard data`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: policyJson(
        policyDocument(
          keyAdministrationStatement(root),
          // The account's principals use the key only through the services that hold the
          // deployment's data, never directly; those services hold grants for their resources.
          ...keyUseThroughServicesStatements(root, account, viaServices),
          cloudWatchLogsKeyStatement(
            "CloudWatchLogsUsesForThisDeploymentsLogGroupsOnly",
            region,
            logGroupArnPatterns,
            "ArnLike",
          ),
          {
            Sid: "AlarmsAndEventsPublishToTheEncryptedTopic",
            Effect: "Allow",
            Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
            Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ),
      ),
    },
    statefulResourceOptions(child),
  );
  new aws.kms.Alias(
    `${name}-key-alias`,
    { name: `alias/${naming.base}-${d}-dashboard`, targetKeyId: key.keyId },
    child,
  );
  return key.arn;
}
