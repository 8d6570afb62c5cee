import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming, PolicyStatement } from "@tdp/core";
import { LOGS_KEY_ACTIONS } from "@tdp/core";
import type {
  BucketLifecycleArgs,
  BucketObjectLockArgs,
  ServicePrincipalGrant,
  VaultLockArgs,
} from "@tdp/data";
import {
  DEFAULT_BUCKET_LIFECYCLE,
  DataKey,
  SecureBucket,
  createProtectedVault,
  validateBucketLifecycle,
  validateObjectLock,
  validateRotationPeriodInDays,
  validateVaultLock,
} from "@tdp/data";

import type { DatabaseCopyMode, ReplicaPurpose } from "./validation";
import {
  DATABASE_COPY_MODES,
  DEFAULT_COPY_RETENTION_DAYS,
  REPLICA_PURPOSES,
  validateAccountPair,
  validateCopyRetentionDays,
  validateRegionPair,
} from "./validation";

/**
 * The DR keys: one per replicated data class, the database snapshots', the vault's, the DR log
 * groups', the DR alert topic's and dead-letter queues' (`messaging`), and the DR functions'
 * environments (`secrets`), the last two as the primary's data keys of the same purposes.
 */
export const DR_KEY_PURPOSES = [
  ...REPLICA_PURPOSES,
  "database",
  "backup-vault",
  "logs",
  "messaging",
  "secrets",
] as const;
export type DrKeyPurpose = (typeof DR_KEY_PURPOSES)[number];

/** What the primary's replication role may do to a replica bucket (AWS S3 user guide, cross-account replication). */
export const REPLICA_WRITE_ACTIONS = [
  "s3:ReplicateObject",
  "s3:ReplicateDelete",
  "s3:ReplicateTags",
  "s3:ObjectOwnerOverrideToBucketOwner",
];

/** What it may read of the bucket itself: S3 checks the destination's versioning and Object Lock. */
export const REPLICA_BUCKET_READ_ACTIONS = ["s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"];

/** What the replication role needs of a replica key: encrypt replicas (S3 makes a data key per object). */
export const REPLICA_KEY_ACTIONS = ["kms:Encrypt", "kms:GenerateDataKey"];

/** The KMS description of each DR key (after the deployment's name). */
const DR_KEY_DESCRIPTIONS: Record<DrKeyPurpose, (primaryAccountId: string) => string> = {
  ...(Object.fromEntries(
    [...REPLICA_PURPOSES, "database", "backup-vault", "logs"].map((purpose) => [
      purpose,
      (primary: string) => `encrypts the DR copies (${purpose}) of the primary account ${primary}`,
    ]),
  ) as Record<ReplicaPurpose | "database" | "backup-vault" | "logs", (primary: string) => string>),
  messaging: () => "encrypts the DR alert topic and the DR functions' dead-letter queues",
  secrets: () => "encrypts the DR functions' environment variables",
};

export interface DrTargetsArgs {
  /** Physical names in the DR account (`<infrastructureName>-dr-<purpose>`). */
  naming: Naming;
  /** The DR region (where this stack deploys). */
  region: string;
  /** The DR account; looked up from the provider's credentials when absent. @default caller identity */
  accountId?: string;
  /** Seed ProdAWSAccountId: the account of the primary stack, the only one admitted to write here. */
  primaryAccountId: string;
  /** The primary stack's region; must differ from `region`. */
  primaryRegion: string;
  /**
   * The ARN of the primary's S3 replication role. The role need not exist yet (the DR stack is
   * deployed first): policies name the primary account and pin the role with `aws:PrincipalArn`.
   */
  replicationRoleArn: pulumi.Input<string>;
  /** Days between automatic rotations of every DR key. @default 365 */
  rotationPeriodInDays?: number;
  /** Object Lock (WORM) on every replica bucket: the primary account cannot destroy the copies. @default none */
  objectLock?: BucketObjectLockArgs;
  /** Lifecycle per replica bucket, over the data layer's defaults for the same bucket. @default {} */
  lifecycle?: Partial<Record<ReplicaPurpose, BucketLifecycleArgs>>;
  /** Days the DR access logs are kept. @default 365 */
  accessLogRetentionDays?: number;
  /** How the database reaches the DR region (backup: RDS may use the vault's key). @default "snapshots" */
  databaseCopyMode?: DatabaseCopyMode;
  /** Days database copies are kept in the DR region (seed RetentionDays). @default 7 */
  copyRetentionDays?: number;
  /** Vault Lock on the DR vault. @default none */
  vaultLock?: VaultLockArgs;
  /** Physical names instead of the derived ones, per replica bucket (and `access-logs`). @default derived */
  bucketNames?: Partial<Record<ReplicaPurpose | "access-logs", string>>;
}

/** Checks the arguments before any resource; throws naming the field, the value and the rule. */
export function validateDrTargetsArgs(args: DrTargetsArgs): void {
  validateAccountPair(args.primaryAccountId, args.accountId, "primaryAccountId");
  validateRegionPair(args.primaryRegion, args.region, "primaryRegion");
  if (args.rotationPeriodInDays !== undefined) {
    validateRotationPeriodInDays(args.rotationPeriodInDays);
  }
  if (args.objectLock !== undefined) {
    validateObjectLock(args.objectLock);
  }
  for (const [purpose, lifecycle] of Object.entries(args.lifecycle ?? {})) {
    if (!(REPLICA_PURPOSES as readonly string[]).includes(purpose)) {
      throw new Error(
        `lifecycle.${purpose}: unknown replica bucket; they are ${REPLICA_PURPOSES.join(", ")}`,
      );
    }
    validateBucketLifecycle(lifecycle ?? {}, `lifecycle.${purpose}`);
  }
  const mode = args.databaseCopyMode ?? "snapshots";
  if (!(DATABASE_COPY_MODES as readonly string[]).includes(mode)) {
    throw new Error(`databaseCopyMode "${mode}" must be one of ${DATABASE_COPY_MODES.join(", ")}`);
  }
  const retention = args.copyRetentionDays ?? DEFAULT_COPY_RETENTION_DAYS;
  validateCopyRetentionDays("copyRetentionDays", retention);
  if (args.vaultLock !== undefined) {
    validateVaultLock(args.vaultLock, retention);
  }
}

/** A replica bucket as the primary's replication sees it. */
export interface ReplicaBucketOutputs {
  bucketName: pulumi.Output<string>;
  arn: pulumi.Output<string>;
  kmsKeyArn: pulumi.Output<string>;
}

/**
 * The DR targets in the DR account and region (seed dr.yml): a customer-managed key per
 * replicated data class, the database snapshots' key (seed DRRDSKMSKey) and the vault's key; the
 * replica buckets (seed DRDatalakeBucket, DRStreamBucket, DRBackupBucket, DRLocalArtifactsBucket)
 * built like the primary's, optionally under Object Lock, that exactly the primary's replication
 * role may write; and a backup vault for the database's recovery points, which in backup mode
 * receives same-account copies from BackupCopyRelay's staging vault. Keys, buckets and vault are
 * protected.
 */
export class DrTargets extends pulumi.ComponentResource {
  readonly keys: Record<DrKeyPurpose, aws.kms.Key>;
  /** The same keys as components (their aliases too). */
  readonly dataKeys: Record<DrKeyPurpose, DataKey>;
  readonly keyArns: Record<DrKeyPurpose, pulumi.Output<string>>;
  readonly buckets: Record<ReplicaPurpose, ReplicaBucketOutputs>;
  readonly accessLogs: SecureBucket;
  readonly vault: aws.backup.Vault;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  /** The replication role the policies admit (as given). */
  readonly replicationRoleArn: pulumi.Output<string>;

  constructor(name: string, args: DrTargetsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDrTargetsArgs(args);
    super("tdp:dr:DrTargets", name, {}, opts);
    const accountId: pulumi.Input<string> =
      args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const primaryRoot = pulumi.interpolate`arn:${partition}:iam::${args.primaryAccountId}:root`;
    const roleArn = pulumi.output(args.replicationRoleArn);
    this.replicationRoleArn = roleArn;
    const s3Via = `s3.${args.region}.amazonaws.com`;
    const mode = args.databaseCopyMode ?? "snapshots";

    // The keys, @tdp/data's DataKey: administration without use, use only through the service
    // that keeps the data (kms:ViaService). The bucket keys also admit the primary's replication
    // role, through S3 in this region only (a statement DataKey takes as given).
    const keyVia: Record<DrKeyPurpose, string[]> = {
      datalake: ["s3"],
      stream: ["s3"],
      backup: ["s3"],
      artifacts: ["s3"],
      // The copied snapshots: RDS copies into it and restores from it; AWS Backup restores too.
      database: ["rds", "backup"],
      // Backup mode: AWS Backup's copies of RDS recovery points are RDS snapshots under the vault's
      // key, so RDS uses it too (the relay's copy and a failover's restore).
      "backup-vault": mode === "backup" ? ["backup", "rds"] : ["backup"],
      // The DR functions' log groups: CloudWatch Logs uses it for this account's groups (below).
      logs: ["logs"],
      // The DR alert topic (SNS) and the DR functions' dead-letter queues (SQS).
      messaging: ["sns", "sqs"],
      // The DR functions' environment variables: Lambda encrypts and decrypts them.
      secrets: ["lambda"],
    };
    const servicePrincipals: Partial<Record<DrKeyPurpose, ServicePrincipalGrant[]>> = {
      // CloudWatch Logs encrypts each group's data; the context names the group, so only this
      // account's groups in this region can use the key.
      logs: [
        {
          service: `logs.${args.region}.amazonaws.com`,
          actions: LOGS_KEY_ACTIONS,
          conditions: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${args.region}:${accountId}:log-group:*`,
            },
          },
        },
      ],
      // CloudWatch alarms of this account publish to the encrypted alert topic.
      messaging: [{ service: "cloudwatch.amazonaws.com", actions: ["kms:Decrypt", "kms:GenerateDataKey*"] }],
    };
    const keys = {} as Record<DrKeyPurpose, aws.kms.Key>;
    const keyArns = {} as Record<DrKeyPurpose, pulumi.Output<string>>;
    const dataKeys = {} as Record<DrKeyPurpose, DataKey>;
    for (const purpose of DR_KEY_PURPOSES) {
      const additionalStatements: PolicyStatement[] = (REPLICA_PURPOSES as readonly string[]).includes(
        purpose,
      )
        ? [
            {
              Sid: "PrimaryReplicationRoleEncryptsReplicas",
              Effect: "Allow",
              Principal: { AWS: primaryRoot },
              Action: REPLICA_KEY_ACTIONS,
              Resource: "*",
              Condition: { StringEquals: { "aws:PrincipalArn": roleArn, "kms:ViaService": s3Via } },
            },
          ]
        : [];
      const dataKey = new DataKey(
        `${name}-${purpose}`,
        {
          naming: args.naming,
          purpose,
          description: DR_KEY_DESCRIPTIONS[purpose](args.primaryAccountId),
          region: args.region,
          accountId,
          viaServices: keyVia[purpose],
          servicePrincipals: servicePrincipals[purpose] ?? [],
          additionalStatements,
          rotationPeriodInDays: args.rotationPeriodInDays,
        },
        { parent: this },
      );
      dataKeys[purpose] = dataKey;
      keys[purpose] = dataKey.key;
      keyArns[purpose] = dataKey.arn;
    }
    this.dataKeys = dataKeys;
    this.keys = keys;
    this.keyArns = keyArns;

    // The access-log bucket (SSE-S3: S3 log delivery cannot write SSE-KMS), then the replicas.
    const physical = (purpose: ReplicaPurpose | "access-logs") =>
      args.bucketNames?.[purpose] ?? args.naming.name("s3Bucket", purpose);
    this.accessLogs = new SecureBucket(
      `${name}-access-logs`,
      {
        bucketName: physical("access-logs"),
        sseS3Reason:
          "S3 server access log delivery supports only SSE-S3 default encryption on the target bucket",
        accessLogTarget: {
          sourceBucketArns: REPLICA_PURPOSES.map(
            (p) => pulumi.interpolate`arn:${partition}:s3:::${physical(p)}`,
          ),
          accountId,
        },
        lifecycle: {
          abortIncompleteMultipartUploadDays: 7,
          noncurrentVersionExpirationDays: 30,
          expirationDays: args.accessLogRetentionDays ?? 365,
        },
      },
      { parent: this },
    );
    const buckets = {} as Record<ReplicaPurpose, ReplicaBucketOutputs>;
    for (const purpose of REPLICA_PURPOSES) {
      const bucket = new SecureBucket(
        `${name}-${purpose}`,
        {
          bucketName: physical(purpose),
          kmsKeyArn: keys[purpose].arn,
          accessLogs: { bucketName: this.accessLogs.bucketName, prefix: `${physical(purpose)}/` },
          lifecycle: { ...DEFAULT_BUCKET_LIFECYCLE[purpose], ...(args.lifecycle?.[purpose] ?? {}) },
          objectLock: args.objectLock,
          policyStatements: (bucketArn) => [
            {
              Sid: "PrimaryReplicationRoleWritesReplicas",
              Effect: "Allow",
              Principal: { AWS: primaryRoot },
              Action: REPLICA_WRITE_ACTIONS,
              Resource: pulumi.interpolate`${bucketArn}/*`,
              Condition: { StringEquals: { "aws:PrincipalArn": roleArn } },
            },
            {
              Sid: "PrimaryReplicationRoleReadsTheBucketSettings",
              Effect: "Allow",
              Principal: { AWS: primaryRoot },
              Action: REPLICA_BUCKET_READ_ACTIONS,
              Resource: bucketArn,
              Condition: { StringEquals: { "aws:PrincipalArn": roleArn } },
            },
          ],
        },
        { parent: this, dependsOn: [this.accessLogs.policy] },
      );
      buckets[purpose] = { bucketName: bucket.bucketName, arn: bucket.arn, kmsKeyArn: keys[purpose].arn };
    }
    this.buckets = buckets;

    // The DR vault for the database's recovery points (backup mode's relay copies into it).
    // No account but this one writes here: in backup mode the copies come from this account's
    // staging vault in the primary region (BackupCopyRelay), a same-account copy that needs no
    // vault policy grant; the primary account is admitted to the staging vault only.
    this.vault = createProtectedVault(
      name,
      {
        vaultName: args.naming.name("backupVault", "database"),
        kmsKeyArn: keys["backup-vault"].arn,
        vaultLock: args.vaultLock,
      },
      this,
    );
    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;

    this.registerOutputs({
      keyArns,
      buckets,
      vaultName: this.vaultName,
      vaultArn: this.vaultArn,
      replicationRoleArn: roleArn,
    });
  }
}
