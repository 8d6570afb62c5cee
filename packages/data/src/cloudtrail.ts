import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming, PolicyStatement } from "@tdp/core";

import { DataKey } from "./keys";
import type { BucketLifecycleArgs } from "./secure-bucket";
import { SecureBucket, validateBucketLifecycle } from "./secure-bucket";
import { validateBucketName } from "./validation";

export interface AuditTrailArgs {
  /** Physical names of the deployment. */
  naming: Naming;
  /** The region the trail's home is in. */
  region: string;
  /** The account id; looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /** The access-log bucket the trail bucket logs to (`DataBuckets.accessLogsBucketName`). */
  accessLogsBucketName: pulumi.Input<string>;
  /** The trail bucket's name. @default `<infrastructureName>-<environment>-cloudtrail` */
  bucketName?: string;
  /**
   * Lifecycle of the trail bucket, merged over {@link DEFAULT_TRAIL_LIFECYCLE}.
   * @default keep logs, old versions 90 days, abort uploads after 7
   */
  lifecycle?: BucketLifecycleArgs;
}

/** The trail bucket's lifecycle: log files are kept; a replaced or deleted one for 90 days. */
export const DEFAULT_TRAIL_LIFECYCLE: BucketLifecycleArgs = {
  abortIncompleteMultipartUploadDays: 7,
  noncurrentVersionExpirationDays: 90,
};

export function validateAuditTrailArgs(args: AuditTrailArgs): void {
  if (args.bucketName !== undefined) {
    validateBucketName("bucketName", args.bucketName);
  }
  validateBucketLifecycle(args.lifecycle ?? {});
}

/** The trail bucket's physical name, known before the component exists (the access-log bucket admits it). */
export function trailBucketName(naming: Naming, override?: string): string {
  return override ?? naming.name("s3Bucket", "cloudtrail");
}

/**
 * A multi-region CloudTrail trail with log file validation, encrypted with a key of its own,
 * writing to a {@link SecureBucket} whose policy admits only this trail (seed 001 pre-deployment
 * task 2, for accounts that lack a trail).
 */
export class AuditTrail extends pulumi.ComponentResource {
  readonly trail: aws.cloudtrail.Trail;
  readonly trailArn: pulumi.Output<string>;
  readonly bucket: SecureBucket;
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: AuditTrailArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAuditTrailArgs(args);
    super("tdp:data:AuditTrail", name, {}, opts);
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const trailName = args.naming.name("cloudTrail", "trail");
    // The ARN is known before the trail exists, so the key and bucket policies can name it.
    const trailArn = pulumi.interpolate`arn:${partition}:cloudtrail:${args.region}:${accountId}:trail/${trailName}`;

    const key = new DataKey(
      `${name}-key`,
      {
        naming: args.naming,
        purpose: "cloudtrail",
        description: "encrypts the CloudTrail log files",
        region: args.region,
        accountId,
        // Reading the log files: S3 decrypts for principals of the account.
        viaServices: ["s3", "cloudtrail"],
        servicePrincipals: [
          {
            service: "cloudtrail.amazonaws.com",
            actions: ["kms:GenerateDataKey*"],
            conditions: {
              StringLike: {
                "kms:EncryptionContext:aws:cloudtrail:arn": pulumi.interpolate`arn:${partition}:cloudtrail:*:${accountId}:trail/*`,
              },
              StringEquals: { "aws:SourceArn": trailArn },
            },
          },
          {
            service: "cloudtrail.amazonaws.com",
            actions: ["kms:DescribeKey"],
            conditions: { StringEquals: { "aws:SourceArn": trailArn } },
          },
        ],
      },
      { parent: this },
    );
    this.kmsKeyArn = key.arn;

    const bucketName = trailBucketName(args.naming, args.bucketName);
    this.bucket = new SecureBucket(
      `${name}-bucket`,
      {
        bucketName,
        kmsKeyArn: key.arn,
        accessLogs: { bucketName: args.accessLogsBucketName, prefix: `${bucketName}/` },
        lifecycle: { ...DEFAULT_TRAIL_LIFECYCLE, ...(args.lifecycle ?? {}) },
        policyStatements: (bucketArn): PolicyStatement[] => [
          {
            Sid: "CloudTrailChecksTheBucketAcl",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn,
            Condition: { StringEquals: { "aws:SourceArn": trailArn } },
          },
          {
            Sid: "CloudTrailWritesThisAccountsLogs",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/AWSLogs/${accountId}/*`,
            Condition: {
              StringEquals: { "aws:SourceArn": trailArn, "s3:x-amz-acl": "bucket-owner-full-control" },
            },
          },
        ],
      },
      { parent: this },
    );

    this.trail = new aws.cloudtrail.Trail(
      `${name}-trail`,
      {
        name: trailName,
        s3BucketName: this.bucket.bucketName,
        kmsKeyId: key.arn,
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        enableLogging: true,
      },
      { parent: this, dependsOn: [this.bucket.policy] },
    );
    this.trailArn = this.trail.arn;
    this.registerOutputs({
      trailArn: this.trailArn,
      bucketName: this.bucket.bucketName,
      kmsKeyArn: this.kmsKeyArn,
    });
  }
}
