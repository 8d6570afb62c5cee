import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming, PolicyStatement } from "@tdp/core";

import { loadBalancerLogPrincipal, validateLoadBalancerLogPrefix } from "./elb-log-delivery";

import type { BucketLifecycleArgs, BucketReplicationArgs } from "./secure-bucket";
import { SecureBucket, validateBucketLifecycle } from "./secure-bucket";
import { validateBucketName, validateIntBetween, validateKmsKeyArn } from "./validation";

/** The platform's buckets (the access-log bucket is separate: it takes the others' logs). */
export const BUCKET_PURPOSES = ["datalake", "stream", "backup", "artifacts", "athena-results"] as const;
export type BucketPurpose = (typeof BUCKET_PURPOSES)[number];

/**
 * Buckets a DR recovery may adopt instead of creating (seed STBucket, DLBucket; and the backup
 * bucket, whose replica holds the OpenSearch snapshots a recovered domain restores from).
 */
export const RECOVERABLE_BUCKETS = ["stream", "datalake", "backup"] as const;

/** Lifecycle defaults per bucket: what each holds decides how long old versions are worth keeping. */
export const DEFAULT_BUCKET_LIFECYCLE: Record<BucketPurpose, BucketLifecycleArgs> = {
  // Raw and processed scientific data: old versions are the undo history of a year.
  datalake: { abortIncompleteMultipartUploadDays: 7, noncurrentVersionExpirationDays: 365 },
  // Files in transit from the Data Hub to the pipelines.
  stream: { abortIncompleteMultipartUploadDays: 7, noncurrentVersionExpirationDays: 30 },
  // OpenSearch snapshots and exports: pruned by their own retention; old versions add nothing.
  backup: { abortIncompleteMultipartUploadDays: 7, noncurrentVersionExpirationDays: 30 },
  artifacts: { abortIncompleteMultipartUploadDays: 7, noncurrentVersionExpirationDays: 90 },
  // Query results are reproducible.
  "athena-results": { abortIncompleteMultipartUploadDays: 1, noncurrentVersionExpirationDays: 7 },
};

/**
 * The access-log bucket's lifecycle without its expiry (that is `accessLogRetentionDays`): logs are
 * written once, so an old version is only ever a deleted log; a month covers an accidental delete.
 */
export const DEFAULT_ACCESS_LOGS_LIFECYCLE: Omit<BucketLifecycleArgs, "expirationDays"> = {
  abortIncompleteMultipartUploadDays: 7,
  noncurrentVersionExpirationDays: 30,
};

/** Seed STBucket and DLBucket: adopt the buckets that survived a disaster instead of creating them. */
export interface BucketRecoveryArgs {
  /** Seed STBucket: the existing stream bucket. */
  streamBucketName: string;
  /** Seed DLBucket: the existing data lake bucket. */
  datalakeBucketName: string;
  /** The key the adopted buckets' default encryption uses. @default the datalake key */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * The DR backup bucket (the replica of the backup bucket): adopted too, so the search snapshot
   * repository is the replicated one and a recovered domain restores from it. @default created
   */
  backupBucketName?: string;
  /** Per adopted bucket, its key when they differ (the DR stack keeps one per bucket). @default kmsKeyArn */
  kmsKeyArns?: Partial<Record<(typeof RECOVERABLE_BUCKETS)[number], pulumi.Input<string>>>;
}

export interface DataBucketsArgs {
  /** Physical names of the deployment (`<infrastructureName>-<environment>-<purpose>`). */
  naming: Naming;
  /** The account id; looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /** The datalake key (datalake, stream, artifacts, Athena results) and the backup key (backup bucket). */
  kmsKeyArns: { datalake: pulumi.Input<string>; backup: pulumi.Input<string> };
  /** Physical names instead of the derived ones, per bucket (and `access-logs`). @default derived */
  bucketNames?: Partial<Record<BucketPurpose | "access-logs", string>>;
  /**
   * Lifecycle overrides per bucket, merged over {@link DEFAULT_BUCKET_LIFECYCLE} (and, for
   * `access-logs`, over {@link DEFAULT_ACCESS_LOGS_LIFECYCLE}; its expiry is
   * `accessLogRetentionDays`, not `expirationDays`). @default {}
   */
  lifecycle?: Partial<Record<BucketPurpose | "access-logs", BucketLifecycleArgs>>;
  /** Days server access logs are kept. @default 365 */
  accessLogRetentionDays?: number;
  /** DR recovery: adopt the stream and data lake buckets (seed STBucket, DLBucket). @default none */
  recovery?: BucketRecoveryArgs;
  /** Replication per bucket, added by the DR issue. @default none */
  replication?: Partial<Record<BucketPurpose, BucketReplicationArgs>>;
  /** Other buckets that log to the access-log bucket (the CloudTrail bucket). @default [] */
  additionalLogSourceBucketNames?: string[];
  /**
   * Key prefixes under which load balancers of this account write access logs to the access-log
   * bucket (for example `alb/web`); ALB log delivery, like S3's, needs SSE-S3. Needs `region`.
   * @default []
   */
  loadBalancerLogPrefixes?: string[];
  /** The region (chooses the ELB log-delivery principal). Required with loadBalancerLogPrefixes. */
  region?: string;
  /**
   * More statements per created bucket's policy (S3 allows one policy per bucket, so statements
   * of other components, such as the organizations' prefix rules, are composed into it here).
   * Ignored for adopted buckets, whose policy this stack does not own. @default {}
   */
  policyStatements?: Partial<Record<BucketPurpose, (bucketArn: pulumi.Output<string>) => PolicyStatement[]>>;
  /**
   * KMS keys uploads to a created bucket may name besides its default key (the organizations'
   * keys in the shared buckets). @default {}
   */
  additionalKmsKeyArns?: Partial<Record<BucketPurpose, pulumi.Input<string>[]>>;
}

/**
 * The physical names of the data buckets, as {@link DataBuckets} names them: the given name, the
 * adopted one in a DR recovery, else `<infrastructureName>-<environment>-<purpose>`. Known before
 * any bucket exists, so components whose policies name the buckets can be made first.
 */
export function dataBucketNames(
  args: Pick<DataBucketsArgs, "naming" | "bucketNames" | "recovery">,
): Record<BucketPurpose | "access-logs", string> {
  const adopted: Partial<Record<BucketPurpose, string>> =
    args.recovery === undefined
      ? {}
      : { stream: args.recovery.streamBucketName, datalake: args.recovery.datalakeBucketName };
  return Object.fromEntries(
    [...BUCKET_PURPOSES, "access-logs" as const].map((purpose) => [
      purpose,
      (purpose === "access-logs" ? undefined : adopted[purpose]) ??
        args.bucketNames?.[purpose] ??
        args.naming.name("s3Bucket", purpose),
    ]),
  ) as Record<BucketPurpose | "access-logs", string>;
}

export const DEFAULT_ACCESS_LOG_RETENTION_DAYS = 365;

/** Checks the buckets' arguments; throws naming the field, the value and the rule. */
export function validateDataBucketsArgs(args: Omit<DataBucketsArgs, "naming" | "kmsKeyArns">): void {
  for (const [purpose, name] of Object.entries(args.bucketNames ?? {})) {
    if (![...BUCKET_PURPOSES, "access-logs"].includes(purpose)) {
      throw new Error(
        `bucketNames.${purpose}: unknown bucket; the buckets are ${BUCKET_PURPOSES.join(", ")}, access-logs`,
      );
    }
    if (name !== undefined) {
      validateBucketName(`bucketNames.${purpose}`, name);
    }
  }
  for (const field of ["policyStatements", "additionalKmsKeyArns"] as const) {
    for (const purpose of Object.keys(args[field] ?? {})) {
      if (!(BUCKET_PURPOSES as readonly string[]).includes(purpose)) {
        throw new Error(`${field}.${purpose}: unknown bucket; the buckets are ${BUCKET_PURPOSES.join(", ")}`);
      }
      if (purpose === "backup") {
        throw new Error(
          `${field}.backup: the backup bucket holds OpenSearch snapshots under the backup key; it takes no other keys or prefix rules`,
        );
      }
    }
  }
  for (const [purpose, lifecycle] of Object.entries(args.lifecycle ?? {})) {
    if (![...BUCKET_PURPOSES, "access-logs"].includes(purpose)) {
      throw new Error(
        `lifecycle.${purpose}: unknown bucket; the buckets are ${BUCKET_PURPOSES.join(", ")}, access-logs`,
      );
    }
    validateBucketLifecycle(lifecycle ?? {}, `lifecycle.${purpose}`);
  }
  if (args.lifecycle?.["access-logs"]?.expirationDays !== undefined) {
    throw new Error(
      `lifecycle.access-logs.expirationDays ${args.lifecycle["access-logs"].expirationDays}: the access logs' expiry is accessLogRetentionDays; set that instead`,
    );
  }
  (args.loadBalancerLogPrefixes ?? []).forEach((prefix, i) =>
    validateLoadBalancerLogPrefix(`loadBalancerLogPrefixes[${i}]`, prefix),
  );
  if ((args.loadBalancerLogPrefixes ?? []).length > 0 && args.region === undefined) {
    throw new Error("loadBalancerLogPrefixes: region is required to choose the ELB log-delivery principal");
  }
  const names = Object.values(args.bucketNames ?? {});
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate !== undefined) {
    throw new Error(`bucketNames: "${duplicate}" is given to two buckets; each bucket needs its own name`);
  }
  if (args.accessLogRetentionDays !== undefined) {
    validateIntBetween(
      "accessLogRetentionDays",
      args.accessLogRetentionDays,
      1,
      3650,
      "days access logs are kept",
    );
  }
  if (args.recovery !== undefined) {
    validateBucketRecovery(args.recovery);
  }
}

/** What the recovery fields are called in messages: the stack maps them to its config keys. */
export interface BucketRecoveryFieldNames {
  stream: string;
  datalake: string;
  kmsKeyArn: string;
}

/** The package's own argument names. */
export const BUCKET_RECOVERY_FIELDS: BucketRecoveryFieldNames = {
  stream: "recovery.streamBucketName",
  datalake: "recovery.datalakeBucketName",
  kmsKeyArn: "recovery.kmsKeyArn",
};

/**
 * Recovery takes both buckets or neither (the seed's STBucket and DLBucket go together). Messages
 * name the fields as `fields` says: the package's arguments by default, the config keys when the
 * stack validates its config.
 */
export function validateBucketRecovery(
  recovery: Partial<BucketRecoveryArgs>,
  fields: BucketRecoveryFieldNames = BUCKET_RECOVERY_FIELDS,
): void {
  const stream = recovery.streamBucketName || undefined;
  const datalake = recovery.datalakeBucketName || undefined;
  if (stream === undefined && datalake === undefined) {
    throw new Error(
      `recovery: neither the stream bucket (seed STBucket, ${fields.stream}) nor the data lake bucket (seed DLBucket, ${fields.datalake}) is given; leave recovery out for a normal installation`,
    );
  }
  if (stream === undefined || datalake === undefined) {
    const [given, missing] =
      stream === undefined
        ? [`the data lake bucket (seed DLBucket) "${datalake}"`, `${fields.stream} (seed STBucket)`]
        : [`the stream bucket (seed STBucket) "${stream}"`, `${fields.datalake} (seed DLBucket)`];
    throw new Error(
      `recovery: only ${given} is given; ${missing} is missing. A DR recovery adopts both buckets or neither`,
    );
  }
  validateBucketName(fields.stream, stream);
  validateBucketName(fields.datalake, datalake);
  if (stream === datalake) {
    throw new Error(
      `recovery: ${fields.stream} and ${fields.datalake} are both "${stream}"; they are two buckets`,
    );
  }
  if (typeof recovery.kmsKeyArn === "string") {
    validateKmsKeyArn(fields.kmsKeyArn, recovery.kmsKeyArn);
  }
  if (recovery.backupBucketName !== undefined) {
    validateBucketName("recovery.backupBucketName", recovery.backupBucketName);
    if ([stream, datalake].includes(recovery.backupBucketName)) {
      throw new Error(
        `recovery.backupBucketName "${recovery.backupBucketName}" is also the stream or data lake bucket; the backup bucket is a third bucket`,
      );
    }
  }
  for (const [purpose, key] of Object.entries(recovery.kmsKeyArns ?? {})) {
    if (!(RECOVERABLE_BUCKETS as readonly string[]).includes(purpose)) {
      throw new Error(
        `recovery.kmsKeyArns.${purpose}: not an adoptable bucket; they are ${RECOVERABLE_BUCKETS.join(", ")}`,
      );
    }
    if (typeof key === "string") {
      validateKmsKeyArn(`recovery.kmsKeyArns.${purpose}`, key);
    }
  }
}

/** A bucket as the rest of the platform sees it, created or adopted. */
export interface BucketOutputs {
  bucketName: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  /** The key of its default encryption (what writers need kms:GenerateDataKey on). */
  kmsKeyArn: pulumi.Output<string>;
  /** True when the bucket was adopted (DR recovery) rather than created by this stack. */
  adopted: boolean;
}

/**
 * The data layer's buckets: datalake, stream, backup, artifacts and athena-results as
 * {@link SecureBucket}s logging to an access-log bucket; in DR recovery the stream and data lake
 * buckets are adopted (looked up, not modified) instead of created.
 */
export class DataBuckets extends pulumi.ComponentResource {
  readonly buckets: Record<BucketPurpose, BucketOutputs>;
  /** The buckets this stack created, by purpose (adopted ones are absent). */
  readonly created: Partial<Record<BucketPurpose, SecureBucket>>;
  readonly accessLogs: SecureBucket;
  /**
   * The access-log bucket's name, known only once the bucket's policy (S3 and ELB log delivery) is
   * in place: a load balancer turning its access logs on fails with "Access Denied for bucket" until
   * that policy lets ELB write there, so whatever logs into the bucket waits for it.
   */
  readonly accessLogsBucketName: pulumi.Output<string>;
  readonly accessLogsBucketArn: pulumi.Output<string>;

  constructor(name: string, args: DataBucketsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataBucketsArgs(args);
    super("tdp:data:DataBuckets", name, {}, opts);
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const physical = (purpose: BucketPurpose | "access-logs") =>
      args.bucketNames?.[purpose] ?? args.naming.name("s3Bucket", purpose);
    const adopted = new Map<BucketPurpose, string>(
      args.recovery === undefined
        ? []
        : [
            ["stream", args.recovery.streamBucketName],
            ["datalake", args.recovery.datalakeBucketName],
            ...(args.recovery.backupBucketName === undefined
              ? []
              : [["backup", args.recovery.backupBucketName] as [BucketPurpose, string]]),
          ],
    );
    const createdPurposes = BUCKET_PURPOSES.filter((p) => !adopted.has(p));

    // The access-log bucket first. It is the one SSE-S3 bucket, for two reasons: S3 cannot write
    // server access logs with SSE-KMS (AWS S3 user guide, "Enabling server access logging": only
    // SSE-S3 default encryption is supported on the target bucket), and neither can Elastic Load
    // Balancing write load-balancer access logs; the policy pack allow-lists it.
    const accessLogsName = physical("access-logs");
    this.accessLogs = new SecureBucket(
      `${name}-access-logs`,
      {
        bucketName: accessLogsName,
        sseS3Reason:
          "S3 server access log delivery and Elastic Load Balancing access log delivery support only SSE-S3 default encryption on the target bucket",
        accessLogTarget: {
          sourceBucketArns: [
            ...createdPurposes.map(physical),
            ...(args.additionalLogSourceBucketNames ?? []),
          ].map((source) => pulumi.interpolate`arn:${partition}:s3:::${source}`),
          accountId,
        },
        lifecycle: {
          ...DEFAULT_ACCESS_LOGS_LIFECYCLE,
          ...(args.lifecycle?.["access-logs"] ?? {}),
          expirationDays: args.accessLogRetentionDays ?? DEFAULT_ACCESS_LOG_RETENTION_DAYS,
        },
        policyStatements: (bucketArn): PolicyStatement[] =>
          (args.loadBalancerLogPrefixes ?? []).length === 0
            ? []
            : [
                {
                  Sid: "LoadBalancerAccessLogs",
                  Effect: "Allow",
                  Principal: loadBalancerLogPrincipal(args.region!, partition),
                  Action: "s3:PutObject",
                  Resource: (args.loadBalancerLogPrefixes ?? []).map(
                    (prefix) => pulumi.interpolate`${bucketArn}/${prefix}/AWSLogs/${accountId}/*`,
                  ),
                },
              ],
      },
      { parent: this },
    );
    // The name as the policy reports it, so the consumers depend on the policy, not only the bucket.
    this.accessLogsBucketName = this.accessLogs.policy.bucket;
    this.accessLogsBucketArn = this.accessLogs.arn;

    const buckets = {} as Record<BucketPurpose, BucketOutputs>;
    const created: Partial<Record<BucketPurpose, SecureBucket>> = {};
    for (const purpose of BUCKET_PURPOSES) {
      const keyArn = purpose === "backup" ? args.kmsKeyArns.backup : args.kmsKeyArns.datalake;
      const adoptedName = adopted.get(purpose);
      if (adoptedName !== undefined) {
        // Looked up, so a misspelt name fails at preview; not modified: the bucket is the DR
        // stack's (or survived the disaster) and keeps its own policy and replication.
        const found = aws.s3.getBucketOutput({ bucket: adoptedName }, { parent: this });
        buckets[purpose] = {
          bucketName: found.bucket,
          arn: found.arn,
          kmsKeyArn: pulumi.output(
            args.recovery?.kmsKeyArns?.[purpose as (typeof RECOVERABLE_BUCKETS)[number]] ??
              args.recovery?.kmsKeyArn ??
              args.kmsKeyArns.datalake,
          ),
          adopted: true,
        };
        continue;
      }
      const bucket = new SecureBucket(
        `${name}-${purpose}`,
        {
          bucketName: physical(purpose),
          kmsKeyArn: keyArn,
          accessLogs: { bucketName: this.accessLogs.bucketName, prefix: `${physical(purpose)}/` },
          lifecycle: { ...DEFAULT_BUCKET_LIFECYCLE[purpose], ...(args.lifecycle?.[purpose] ?? {}) },
          replication: args.replication?.[purpose],
          policyStatements: args.policyStatements?.[purpose],
          additionalKmsKeyArns: args.additionalKmsKeyArns?.[purpose],
        },
        { parent: this, dependsOn: [this.accessLogs.policy] },
      );
      created[purpose] = bucket;
      buckets[purpose] = {
        bucketName: bucket.bucketName,
        arn: bucket.arn,
        kmsKeyArn: pulumi.output(keyArn),
        adopted: false,
      };
    }
    this.buckets = buckets;
    this.created = created;
    this.registerOutputs({
      buckets,
      accessLogsBucketName: this.accessLogsBucketName,
      accessLogsBucketArn: this.accessLogsBucketArn,
    });
  }
}
