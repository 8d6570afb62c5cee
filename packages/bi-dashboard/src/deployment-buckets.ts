import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { ELB_ACCOUNT_BY_REGION } from "@tdp/core";

import { SecureBucket } from "./buckets";
import type { KeyedContext } from "./context";

export interface DashboardBuckets {
  log: SecureBucket;
  /** The bucket the sync function copies to EFS. */
  resources: SecureBucket;
}

/**
 * The access-log bucket (SSE-S3: the only encryption ALB and S3 log delivery accept), and the
 * resources bucket the sync function reads.
 */
export function createBuckets(ctx: KeyedContext): DashboardBuckets {
  const { name, region, account, partition, child, physical, keyArn } = ctx;
  const logBucketName = physical("s3Bucket", "logs");
  const resourcesBucketName = physical("s3Bucket", "resources");
  const elbAccount = ELB_ACCOUNT_BY_REGION[region];
  const elbPrincipal: Record<string, pulumi.Input<string>> = elbAccount
    ? { AWS: pulumi.interpolate`arn:${partition}:iam::${elbAccount}:root` }
    : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
  const logBucket = new SecureBucket(
    `${name}-log-bucket`,
    {
      bucketName: logBucketName,
      expireDays: 365,
      noncurrentDays: 30,
      extraStatements: (bucketArn): PolicyStatement[] => [
        {
          Sid: "LoadBalancerAccessLogs",
          Effect: "Allow",
          Principal: elbPrincipal,
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${bucketArn}/alb/AWSLogs/${account}/*`,
        },
        {
          Sid: "S3ServerAccessLogs",
          Effect: "Allow",
          Principal: { Service: "logging.s3.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: pulumi.interpolate`${bucketArn}/s3/*`,
          Condition: {
            StringEquals: { "aws:SourceAccount": account },
            ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:s3:::${resourcesBucketName}` },
          },
        },
      ],
    },
    child,
  );
  const resourcesBucket = new SecureBucket(
    `${name}-resources`,
    {
      bucketName: resourcesBucketName,
      kmsKeyArn: keyArn,
      logBucket: logBucket.bucketName,
      logPrefix: `s3/${resourcesBucketName}/`,
    },
    child,
  );
  return { log: logBucket, resources: resourcesBucket };
}
