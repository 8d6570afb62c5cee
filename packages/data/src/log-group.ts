import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { LOG_RETENTION_DAYS } from "@tdp/core";

/** The project's rule for every log group: seed LogRetentionDays and the logs key. */
export interface LogGroupSettings {
  /** Seed LogRetentionDays: one of the periods CloudWatch Logs accepts. @default 90 */
  retentionDays?: number;
  /** The logs key (`DataKeys.arns.logs`); its policy admits CloudWatch Logs for this account's groups. */
  kmsKeyArn: pulumi.Input<string>;
}

export const DEFAULT_LOG_RETENTION_DAYS = 90;

export function validateLogRetentionDays(days: number, field = "logRetentionDays"): void {
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(days)) {
    throw new Error(
      `${field} ${days} is invalid: CloudWatch Logs accepts only ${LOG_RETENTION_DAYS.join(", ")} days`,
    );
  }
}

/**
 * A CloudWatch log group with retention and KMS encryption (CKV_AWS_158, FSBP retention). Every
 * log group of the data layer goes through it; call it with `{ parent: this }`.
 */
export function createLogGroup(
  resourceName: string,
  logGroupName: pulumi.Input<string>,
  settings: LogGroupSettings,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.LogGroup {
  const retention = settings.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  validateLogRetentionDays(retention);
  return new aws.cloudwatch.LogGroup(
    resourceName,
    { name: logGroupName, retentionInDays: retention, kmsKeyId: settings.kmsKeyArn },
    opts,
  );
}
