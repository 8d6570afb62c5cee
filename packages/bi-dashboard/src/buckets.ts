import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { denyInsecureTransport, policyDocument, policyJson, statefulResourceOptions } from "@tdp/core";

export interface SecureBucketArgs {
  /** Physical bucket name. */
  bucketName: string;
  /** SSE-KMS with this key; absent means SSE-S3, which ALB and S3 access-log delivery require. */
  kmsKeyArn?: pulumi.Input<string>;
  /** Server access logs go to this bucket under `logPrefix`. @default none (the bucket is a log target itself) */
  logBucket?: pulumi.Input<string>;
  logPrefix?: string;
  /** Days after which current objects expire (log buckets). @default never */
  expireDays?: number;
  /** Days noncurrent versions are kept. @default 90 */
  noncurrentDays?: number;
  /** Statements added to the bucket policy after the TLS-only deny. */
  extraStatements?: (bucketArn: pulumi.Output<string>) => PolicyStatement[];
}

/**
 * A bucket to the project's baseline (S3.1/.5/.8/.9/.12/.13/.14, CKV_AWS_145/300): owner-enforced,
 * public access blocked, default encryption, versioning, TLS-only policy, lifecycle, access logs.
 * Its children are created with `parent`; the bucket itself is protected and retained on delete.
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** The bucket policy; writers that need it (ALB logs) depend on it. */
  readonly policy: aws.s3.BucketPolicy;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:bi-dashboard:SecureBucket", name, {}, opts);
    const child = { parent: this };
    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { bucket: args.bucketName, forceDestroy: false },
      statefulResourceOptions(child),
    );
    const bucketId = this.bucket.id;
    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
      child,
    );
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-public-access`,
      {
        bucket: bucketId,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      child,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [
          args.kmsKeyArn !== undefined
            ? {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              }
            : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
        ],
      },
      child,
    );
    new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucketId, versioningConfiguration: { status: "Enabled" } },
      child,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketId,
        rules: [
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentDays ?? 90 },
          },
          ...(args.expireDays !== undefined
            ? [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: args.expireDays } }]
            : []),
        ],
      },
      child,
    );
    if (args.logBucket !== undefined) {
      new aws.s3.BucketLogging(
        `${name}-logging`,
        {
          bucket: bucketId,
          targetBucket: args.logBucket,
          targetPrefix: args.logPrefix ?? `${args.bucketName}/`,
        },
        child,
      );
    }
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      {
        bucket: bucketId,
        policy: policyJson(
          policyDocument(
            denyInsecureTransport(this.bucket.arn),
            ...(args.extraStatements?.(this.bucket.arn) ?? []),
          ),
        ),
      },
      { parent: this, dependsOn: [publicAccess, ownership] },
    );
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;
    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
  }
}
