import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { denyInsecureTransport, policyDocument, policyJson, statefulResourceOptions } from "@tdp/core";

import { validateBucketName, validateIntBetween } from "./validation";

/** Storage classes S3 replication may write replicas in. */
export const REPLICA_STORAGE_CLASSES = [
  "STANDARD",
  "STANDARD_IA",
  "ONEZONE_IA",
  "INTELLIGENT_TIERING",
  "GLACIER_IR",
  "GLACIER",
  "DEEP_ARCHIVE",
] as const;
export type ReplicaStorageClass = (typeof REPLICA_STORAGE_CLASSES)[number];

/** Lifecycle rules of a bucket (FSBP S3.10/S3.13, CKV_AWS_300). */
export interface BucketLifecycleArgs {
  /** Days after which an unfinished multipart upload is aborted and its parts deleted. @default 7 */
  abortIncompleteMultipartUploadDays?: number;
  /** Days a replaced or deleted object version is kept before it expires. @default 90 */
  noncurrentVersionExpirationDays?: number;
  /** Days after which current objects expire (become noncurrent). @default never */
  expirationDays?: number;
}

export const DEFAULT_ABORT_MULTIPART_DAYS = 7;
export const DEFAULT_NONCURRENT_VERSION_DAYS = 90;

/**
 * Cross-region replication of the bucket (`@tdp/dr`'s Replication builds the same rule with
 * `replicationRule`). Objects encrypted with SSE-KMS
 * are replicated and re-encrypted with the replica key; the role needs
 * s3:GetObjectVersionForReplication, kms:Decrypt on this bucket's key and kms:Encrypt on the replica key.
 */
export interface BucketReplicationArgs {
  /** ARN of the destination bucket (in the DR account and region). */
  destinationBucketArn: pulumi.Input<string>;
  /** The KMS key in the destination region that replicas are encrypted with. */
  destinationKmsKeyArn: pulumi.Input<string>;
  /** The role S3 assumes to replicate. */
  roleArn: pulumi.Input<string>;
  /** The destination account: replicas are then owned by it (owner override). @default same account */
  destinationAccountId?: pulumi.Input<string>;
  /** Storage class of the replicas. @default "STANDARD" */
  storageClass?: string;
  /** S3 Replication Time Control (15-minute objective) with its metrics. @default true */
  replicationTimeControl?: boolean;
}

/** Minutes of S3 Replication Time Control's objective (and of its metrics' threshold). */
export const REPLICATION_TIME_MINUTES = 15;

/**
 * The replication rule of the platform's buckets: every object (KMS-encrypted ones included,
 * re-encrypted with the replica key), delete markers too, ownership handed to the destination
 * account when it is another, and Replication Time Control with its metrics unless turned off.
 */
export function replicationRule(
  id: string,
  r: Omit<BucketReplicationArgs, "roleArn">,
): aws.types.input.s3.BucketReplicationConfigRule {
  const rtc = r.replicationTimeControl ?? true;
  return {
    id,
    status: "Enabled",
    priority: 1,
    filter: {},
    deleteMarkerReplication: { status: "Enabled" },
    sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
    destination: {
      bucket: r.destinationBucketArn,
      ...(r.destinationAccountId === undefined
        ? {}
        : { account: r.destinationAccountId, accessControlTranslation: { owner: "Destination" } }),
      storageClass: r.storageClass ?? "STANDARD",
      encryptionConfiguration: { replicaKmsKeyId: r.destinationKmsKeyArn },
      ...(rtc
        ? {
            replicationTime: { status: "Enabled", time: { minutes: REPLICATION_TIME_MINUTES } },
            metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
          }
        : {}),
    },
  };
}

/**
 * S3 Object Lock: every new object version is kept, unchangeable, for `days` (WORM), so even an
 * administrator of the bucket's account cannot destroy it early. Set at creation only: S3 turns it
 * on for a new bucket, and the bucket is protected, so it is never replaced to add it later.
 */
export interface BucketObjectLockArgs {
  /** COMPLIANCE: nobody can shorten or remove the retention; GOVERNANCE: principals with s3:BypassGovernanceRetention can. */
  mode: "COMPLIANCE" | "GOVERNANCE";
  /** Default retention of every new object version, 1 to 36500 days. */
  days: number;
}

export interface SecureBucketArgs {
  /** The bucket's physical name (globally unique; S3's naming rules are checked). */
  bucketName: string;
  /**
   * The KMS key for default encryption (SSE-KMS with a bucket key). Uploads naming another key
   * are denied. Required unless `sseS3Reason` is given.
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Use SSE-S3 (AES256) instead of a KMS key, and say why. Only for buckets AWS services cannot
   * write with SSE-KMS, such as the target of S3 server access logs. @default none (SSE-KMS)
   */
  sseS3Reason?: string;
  /**
   * Where this bucket's server access logs go (FSBP S3.9). Required unless `accessLogTarget` is
   * set. @default none
   */
  accessLogs?: { bucketName: pulumi.Input<string>; prefix?: string };
  /**
   * This bucket receives server access logs of the given source buckets: S3's logging service
   * may write to it (for those sources, from this account). It does not log itself. @default none
   */
  accessLogTarget?: { sourceBucketArns: pulumi.Input<string>[]; accountId: pulumi.Input<string> };
  /** @default { abortIncompleteMultipartUploadDays: 7, noncurrentVersionExpirationDays: 90 } */
  lifecycle?: BucketLifecycleArgs;
  /** More bucket-policy statements (CloudTrail delivery, replication destination). @default none */
  policyStatements?: (bucketArn: pulumi.Output<string>) => PolicyStatement[];
  /**
   * Other KMS keys an upload may name besides `kmsKeyArn` (the per-organization keys of a shared
   * bucket; which prefix takes which key is for `policyStatements` to say). @default []
   */
  additionalKmsKeyArns?: pulumi.Input<string>[];
  /** Replicate to a bucket in another region or account (DR). @default none */
  replication?: BucketReplicationArgs;
  /** S3 Object Lock with a default retention (DR replica buckets). @default none */
  objectLock?: BucketObjectLockArgs;
}

/** Checks Object Lock settings; throws naming the field, the value and the rule. */
export function validateObjectLock(lock: BucketObjectLockArgs, field = "objectLock"): void {
  if (lock.mode !== "COMPLIANCE" && lock.mode !== "GOVERNANCE") {
    throw new Error(`${field}.mode "${String(lock.mode)}" must be COMPLIANCE or GOVERNANCE`);
  }
  validateIntBetween(
    `${field}.days`,
    lock.days,
    1,
    36500,
    "days each object version is locked (S3 accepts 1 to 36500)",
  );
}

/** Checks a lifecycle; throws naming the field, the value and the rule. `field` prefixes names. */
export function validateBucketLifecycle(lifecycle: BucketLifecycleArgs, field = "lifecycle"): void {
  if (lifecycle.abortIncompleteMultipartUploadDays !== undefined) {
    validateIntBetween(
      `${field}.abortIncompleteMultipartUploadDays`,
      lifecycle.abortIncompleteMultipartUploadDays,
      1,
      365,
      "days after which an unfinished multipart upload is aborted",
    );
  }
  if (lifecycle.noncurrentVersionExpirationDays !== undefined) {
    validateIntBetween(
      `${field}.noncurrentVersionExpirationDays`,
      lifecycle.noncurrentVersionExpirationDays,
      1,
      3650,
      "days an old object version is kept; at most ten years",
    );
  }
  if (lifecycle.expirationDays !== undefined) {
    validateIntBetween(
      `${field}.expirationDays`,
      lifecycle.expirationDays,
      1,
      36500,
      "days objects are kept",
    );
  }
}

export function validateSecureBucketArgs(args: SecureBucketArgs): void {
  validateBucketName("bucketName", args.bucketName);
  const where = `bucket "${args.bucketName}"`;
  if ((args.kmsKeyArn === undefined) === (args.sseS3Reason === undefined)) {
    throw new Error(
      `${where}: give exactly one of kmsKeyArn (SSE-KMS, the rule) or sseS3Reason (why SSE-S3 must be used instead)`,
    );
  }
  if (args.sseS3Reason !== undefined && args.sseS3Reason.trim().length < 10) {
    throw new Error(`${where}: sseS3Reason "${args.sseS3Reason}" must say why SSE-KMS cannot be used`);
  }
  if (args.accessLogs === undefined && args.accessLogTarget === undefined) {
    throw new Error(
      `${where}: accessLogs is required (FSBP S3.9: every bucket logs its requests), unless the bucket is itself the access-log target`,
    );
  }
  if (
    args.accessLogs?.prefix !== undefined &&
    !/^[A-Za-z0-9!_.*'()/-]{0,200}$/.test(args.accessLogs.prefix)
  ) {
    throw new Error(`${where}: accessLogs.prefix "${args.accessLogs.prefix}" must be a plain key prefix`);
  }
  if ((args.additionalKmsKeyArns ?? []).length > 0 && args.kmsKeyArn === undefined) {
    throw new Error(
      `${where}: additionalKmsKeyArns needs kmsKeyArn; an SSE-S3 bucket takes no KMS keys in uploads`,
    );
  }
  validateBucketLifecycle(args.lifecycle ?? {});
  if (args.objectLock !== undefined) {
    validateObjectLock(args.objectLock);
  }
  if (args.replication?.storageClass !== undefined) {
    const classes: readonly string[] = REPLICA_STORAGE_CLASSES;
    if (!classes.includes(args.replication.storageClass)) {
      throw new Error(
        `${where}: replication.storageClass "${args.replication.storageClass}" must be one of ${classes.join(", ")}`,
      );
    }
  }
}

/**
 * The statements that keep a bucket's objects under its key: uploads naming another KMS key,
 * asking for SSE-KMS without naming the key, or asking for another algorithm, are denied. A request without the headers is allowed: default encryption then
 * applies the bucket's key. (`Null: false` makes each deny apply only when the header is present;
 * a bare StringNotEquals would also deny every upload that omits it.)
 */
export function denyWrongEncryption(
  bucketArn: pulumi.Input<string>,
  kmsKeyArn: pulumi.Input<string>,
  additionalKmsKeyArns: pulumi.Input<string>[] = [],
): PolicyStatement[] {
  const objects = pulumi.interpolate`${bucketArn}/*`;
  const allowedKeys = additionalKmsKeyArns.length === 0 ? kmsKeyArn : [kmsKeyArn, ...additionalKmsKeyArns];
  return [
    {
      Sid: "DenyUploadsWithAnotherKmsKey",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": allowedKeys },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
      },
    },
    {
      // "aws:kms" without a key id would make S3 use the AWS-managed aws/s3 key, not the bucket's.
      Sid: "DenyKmsUploadsWithoutTheKeyId",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
      },
    },
    {
      Sid: "DenyUploadsWithAnotherAlgorithm",
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: objects,
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
        Null: { "s3:x-amz-server-side-encryption": "false" },
      },
    },
  ];
}

/**
 * An S3 bucket built to the project's baseline: ACLs disabled (BucketOwnerEnforced), all public
 * access blocked, SSE-KMS with a bucket key, versioning, a policy denying non-TLS requests and
 * uploads with another key, lifecycle rules, server access logging and optional replication.
 * The bucket is protected (`pulumi destroy` stops at it; a deletion leaves it in the account).
 */
export class SecureBucket extends pulumi.ComponentResource {
  readonly bucket: aws.s3.Bucket;
  readonly bucketName: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** The default-encryption key, or undefined for an SSE-S3 bucket. */
  readonly kmsKeyArn: pulumi.Output<string> | undefined;
  readonly policy: aws.s3.BucketPolicy;
  readonly versioning: aws.s3.BucketVersioning;

  constructor(name: string, args: SecureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSecureBucketArgs(args);
    super("tdp:data:SecureBucket", name, {}, opts);
    const parent = { parent: this };

    this.bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      {
        bucket: args.bucketName,
        forceDestroy: false,
        ...(args.objectLock === undefined ? {} : { objectLockEnabled: true }),
      },
      statefulResourceOptions({ parent: this }),
    );
    const bucketId = this.bucket.id;
    this.bucketName = this.bucket.bucket;
    this.arn = this.bucket.arn;

    const ownership = new aws.s3.BucketOwnershipControls(
      `${name}-ownership`,
      { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } },
      parent,
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
      parent,
    );
    this.kmsKeyArn = args.kmsKeyArn === undefined ? undefined : pulumi.output(args.kmsKeyArn);
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-encryption`,
      {
        bucket: bucketId,
        rules: [
          args.kmsKeyArn === undefined
            ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
            : {
                applyServerSideEncryptionByDefault: {
                  sseAlgorithm: "aws:kms",
                  kmsMasterKeyId: args.kmsKeyArn,
                },
                bucketKeyEnabled: true,
              },
        ],
      },
      parent,
    );
    this.versioning = new aws.s3.BucketVersioning(
      `${name}-versioning`,
      { bucket: bucketId, versioningConfiguration: { status: "Enabled" } },
      parent,
    );

    if (args.objectLock !== undefined) {
      new aws.s3.BucketObjectLockConfiguration(
        `${name}-object-lock`,
        {
          bucket: bucketId,
          objectLockEnabled: "Enabled",
          rule: { defaultRetention: { mode: args.objectLock.mode, days: args.objectLock.days } },
        },
        { parent: this, dependsOn: [this.versioning] },
      );
    }

    const lifecycle = args.lifecycle ?? {};
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-lifecycle`,
      {
        bucket: bucketId,
        rules: [
          {
            id: "abort-incomplete-multipart-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: {
              daysAfterInitiation:
                lifecycle.abortIncompleteMultipartUploadDays ?? DEFAULT_ABORT_MULTIPART_DAYS,
            },
          },
          {
            id: "expire-noncurrent-versions",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: {
              noncurrentDays: lifecycle.noncurrentVersionExpirationDays ?? DEFAULT_NONCURRENT_VERSION_DAYS,
            },
          },
          ...(lifecycle.expirationDays === undefined
            ? []
            : [
                {
                  id: "expire-current-objects",
                  status: "Enabled",
                  filter: {},
                  expiration: { days: lifecycle.expirationDays },
                },
              ]),
        ],
      },
      // Lifecycle rules on versions need versioning configured first.
      { parent: this, dependsOn: [this.versioning] },
    );

    if (args.accessLogs !== undefined) {
      new aws.s3.BucketLogging(
        `${name}-access-logs`,
        {
          bucket: bucketId,
          targetBucket: args.accessLogs.bucketName,
          targetPrefix: args.accessLogs.prefix ?? `${args.bucketName}/`,
        },
        parent,
      );
    }

    const statements: PolicyStatement[] = [denyInsecureTransport(this.arn)];
    if (args.kmsKeyArn !== undefined) {
      statements.push(...denyWrongEncryption(this.arn, args.kmsKeyArn, args.additionalKmsKeyArns));
    }
    if (args.accessLogTarget !== undefined) {
      statements.push({
        Sid: "S3ServerAccessLogDelivery",
        Effect: "Allow",
        Principal: { Service: "logging.s3.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: pulumi.interpolate`${this.arn}/*`,
        Condition: {
          ArnLike: { "aws:SourceArn": args.accessLogTarget.sourceBucketArns },
          StringEquals: { "aws:SourceAccount": args.accessLogTarget.accountId },
        },
      });
    }
    statements.push(...(args.policyStatements?.(this.arn) ?? []));
    this.policy = new aws.s3.BucketPolicy(
      `${name}-policy`,
      { bucket: bucketId, policy: policyJson(policyDocument(...statements)) },
      // A policy is rejected while public-access settings are being changed; ownership first too.
      { parent: this, dependsOn: [publicAccess, ownership] },
    );

    if (args.replication !== undefined) {
      new aws.s3.BucketReplicationConfig(
        `${name}-replication`,
        {
          bucket: bucketId,
          role: args.replication.roleArn,
          rules: [replicationRule("replicate-everything", args.replication)],
        },
        { parent: this, dependsOn: [this.versioning] },
      );
    }

    this.registerOutputs({ bucketName: this.bucketName, arn: this.arn, kmsKeyArn: this.kmsKeyArn });
  }
}
