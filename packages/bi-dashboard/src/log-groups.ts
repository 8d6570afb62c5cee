import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { DashboardContext, KeyedContext } from "./context";

/** The log types RDS for MariaDB exports to CloudWatch Logs (RDS.9). */
export const DB_LOG_EXPORTS = ["audit", "error", "general", "slowquery"];

export interface DashboardLogGroups {
  sync: aws.cloudwatch.LogGroup;
  rotation: aws.cloudwatch.LogGroup;
  /** The instances' system and container logs (CloudWatch agent). */
  instances: aws.cloudwatch.LogGroup;
  /** One per DB_LOG_EXPORTS type: the database depends on them. */
  db: aws.cloudwatch.LogGroup[];
}

/** The ARNs of the log groups of this deployment, for the key policy (made before the groups). */
export function logGroupArnPatterns(ctx: DashboardContext): pulumi.Output<string>[] {
  const { region, account, partition, names } = ctx;
  return [
    pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${names.syncLogGroup}`,
    pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${names.rotationLogGroup}`,
    pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${names.instanceLogGroup}`,
    pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:/aws/rds/instance/${names.dbIdentifier}/*`,
  ];
}

export function createLogGroups(ctx: KeyedContext): DashboardLogGroups {
  const { name, s, child, names, keyArn } = ctx;
  // Log groups made before their writers, so none is created by a service without retention or KMS.
  const logGroup = (role: string, logGroupName: pulumi.Input<string>) =>
    new aws.cloudwatch.LogGroup(
      `${name}-${role}-logs`,
      { name: logGroupName, retentionInDays: s.logRetentionDays, kmsKeyId: keyArn },
      child,
    );
  return {
    sync: logGroup("sync", names.syncLogGroup),
    rotation: logGroup("rotation", names.rotationLogGroup),
    instances: logGroup("instance", names.instanceLogGroup),
    db: DB_LOG_EXPORTS.map((type) =>
      logGroup(`db-${type}`, `/aws/rds/instance/${names.dbIdentifier}/${type}`),
    ),
  };
}
