import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@tdp/core";
import type { BucketPurpose, DataBucketsArgs } from "@tdp/data";
import {
  Alerts,
  AuditTrail,
  BUCKET_PURPOSES,
  DataBuckets,
  DataKeys,
  SenderEmail,
  ServiceLinkedRoles,
  trailBucketName,
} from "@tdp/data";
import type { Network } from "@tdp/network";

import type { StackContext } from "./context";

/**
 * Where the service layer's web load balancer writes its access logs in the access-log bucket;
 * the bucket policy admits ELB log delivery there.
 */
export const WEB_ALB_LOG_PREFIX = "alb/web";

/** What the data step built: the service layer takes its outputs. */
export interface DataLayer {
  keys: DataKeys;
  buckets: DataBuckets;
  alerts: Alerts;
  sender: SenderEmail;
  serviceLinkedRoles: ServiceLinkedRoles;
  trail?: AuditTrail;
}

/**
 * The settings a primary stack cannot do without. They are optional in the schema because a dr
 * stack has no data layer of its own; deployPrimary calls this before registering anything.
 */
export function requireDataConfig(ctx: StackContext): void {
  const data = ctx.config.data;
  const problems = [];
  if (data.alerts === undefined) {
    problems.push({
      key: "tdp:data.alerts.notificationEmail",
      value: undefined,
      rule: "required in a primary stack (seed NotificationEmail): the address alerts are sent to",
    });
  }
  if (data.email === undefined) {
    problems.push({
      key: "tdp:data.email.sourceAddress",
      value: undefined,
      rule: 'required in a primary stack (seed SourceNotificationEmail): the "From" address of notification e-mails',
    });
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
}

/**
 * The data layer from `tdp:data`: keys, buckets (or adopted ones in DR recovery), the alert topic,
 * the SES sender, the service-linked roles and the optional CloudTrail trail. With
 * `databaseCopy` (DR on, database copies on) the DR account may copy what the database key
 * encrypts, through RDS only: the shared snapshots (copied from this Region into the DR Region:
 * requested at the DR Region's RDS, read at this one's) or AWS Backup's cross-account copies of
 * the RDS recovery points (RDS copies them in this Region).
 */
export function deployData(
  ctx: StackContext,
  _network: Network,
  bucketPolicies: Pick<DataBucketsArgs, "policyStatements" | "additionalKmsKeyArns"> = {},
  databaseCopy?: { accountId: string; region: string },
): DataLayer {
  requireDataConfig(ctx);
  const data = ctx.config.data;
  const accountId = ctx.config.platform.accountId;
  const opts = ctx.componentOptions;
  const common = { naming: ctx.naming, accountId };

  const serviceLinkedRoles = new ServiceLinkedRoles("service-linked-roles", data.serviceLinkedRoles, opts);
  const keys = new DataKeys(
    "data-keys",
    {
      ...common,
      region: ctx.region,
      rotationPeriodInDays: data.keys.rotationPeriodInDays,
      ...(databaseCopy === undefined
        ? {}
        : {
            replication: {
              database: {
                copyAccountIds: [databaseCopy.accountId],
                copyViaServices: [...new Set([ctx.region, databaseCopy.region])].map(
                  (region) => `rds.${region}.amazonaws.com`,
                ),
              },
            },
          }),
      // DR recovery: the database is restored under the DR copies' key; none of its own is made.
      ...(data.recovery?.databaseKmsKeyArn === undefined
        ? {}
        : { adoptedKeyArns: { database: data.recovery.databaseKmsKeyArn } }),
      // The compute key's policy names the Auto Scaling role: created first when the stack makes it.
      serviceLinkedRoles: serviceLinkedRoles.byService.autoScaling
        ? [serviceLinkedRoles.byService.autoScaling]
        : [],
    },
    opts,
  );
  const trailBucket = data.cloudTrail.enabled
    ? trailBucketName(ctx.naming, data.cloudTrail.bucketName)
    : undefined;
  const buckets = new DataBuckets(
    "data-buckets",
    {
      ...common,
      kmsKeyArns: { datalake: keys.arns.datalake, backup: keys.arns.backup },
      bucketNames: data.buckets.names,
      lifecycle: data.buckets.lifecycle,
      accessLogRetentionDays: data.buckets.accessLogRetentionDays,
      recovery:
        data.recovery === undefined
          ? undefined
          : {
              streamBucketName: data.recovery.streamBucket!,
              datalakeBucketName: data.recovery.datalakeBucket!,
              kmsKeyArn: data.recovery.kmsKeyArn,
              backupBucketName: data.recovery.backupBucket,
              kmsKeyArns: data.recovery.kmsKeyArns,
            },
      additionalLogSourceBucketNames: trailBucket ? [trailBucket] : [],
      region: ctx.region,
      loadBalancerLogPrefixes: [WEB_ALB_LOG_PREFIX],
      // The organizations' prefix rules and keys (tdp:organizations), in the buckets' one policy.
      ...bucketPolicies,
    },
    opts,
  );
  const alerts = new Alerts(
    "alerts",
    { ...common, notificationEmail: data.alerts!.notificationEmail, kmsKeyArn: keys.arns.messaging },
    opts,
  );
  const sender = new SenderEmail("sender-email", { sourceAddress: data.email!.sourceAddress }, opts);
  const trail = data.cloudTrail.enabled
    ? new AuditTrail(
        "cloudtrail",
        {
          ...common,
          region: ctx.region,
          accessLogsBucketName: buckets.accessLogsBucketName,
          bucketName: trailBucket,
          lifecycle: data.cloudTrail.lifecycle,
        },
        opts,
      )
    : undefined;

  return { keys, buckets, alerts, sender, serviceLinkedRoles, trail };
}

/** The data layer's stack outputs: what the service layer and operators need. */
export function dataOutputs(data: DataLayer): Record<string, pulumi.Input<unknown>> {
  const bucket = (p: BucketPurpose) => ({
    name: data.buckets.buckets[p].bucketName,
    arn: data.buckets.buckets[p].arn,
    kmsKeyArn: data.buckets.buckets[p].kmsKeyArn,
    adopted: data.buckets.buckets[p].adopted,
  });
  return {
    keyArns: data.keys.arns,
    // An adopted database key keeps its owner's alias: only a created one has ours.
    ...(data.keys.keys.database === undefined
      ? { adoptedKeys: data.keys.adopted }
      : { databaseKeyAlias: data.keys.keys.database.aliasName }),
    buckets: Object.fromEntries(BUCKET_PURPOSES.map((p) => [p, bucket(p)])),
    accessLogsBucket: { name: data.buckets.accessLogsBucketName, arn: data.buckets.accessLogsBucketArn },
    alertTopicArn: data.alerts.topicArn,
    senderEmailIdentityArn: data.sender.identityArn,
    serviceLinkedRoleArns: data.serviceLinkedRoles.arns,
    ...(data.trail
      ? { cloudTrailArn: data.trail.trailArn, cloudTrailBucket: data.trail.bucket.bucketName }
      : {}),
  };
}
