import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import { ServiceRole, allow, policyDocument } from "@tdp/core";
import type { AlarmTarget, ReplicaStorageClass } from "@tdp/data";
import { REPLICATION_TIME_MINUTES, REPLICA_STORAGE_CLASSES, createAlarm, replicationRule } from "@tdp/data";

import type { ReplicaPurpose } from "./validation";
import {
  REPLICA_PURPOSES,
  REPLICATION_ROLE_PURPOSE,
  validateAccountPair,
  validateRegionPair,
} from "./validation";

// Storage classes S3 replication may write replicas in: the data layer's list.
export { REPLICA_STORAGE_CLASSES };
export type { ReplicaStorageClass };

/** S3 Replication Time Control's objective: 99.99 % of objects within 15 minutes. */
export const RTC_MINUTES = REPLICATION_TIME_MINUTES;

/** What the role reads of a source bucket and its object versions. */
export const SOURCE_BUCKET_ACTIONS = ["s3:GetReplicationConfiguration", "s3:ListBucket"];
export const SOURCE_OBJECT_ACTIONS = [
  "s3:GetObjectVersionForReplication",
  "s3:GetObjectVersionAcl",
  "s3:GetObjectVersionTagging",
  "s3:GetObjectRetention",
  "s3:GetObjectLegalHold",
];

/** A source bucket of the primary (the data layer's). */
export interface ReplicationSource {
  bucketName: pulumi.Input<string>;
  arn: pulumi.Input<string>;
  /** The key of its default encryption: the role decrypts through S3 to replicate. */
  kmsKeyArn: pulumi.Input<string>;
}

/** A replica bucket of the DR account (the DR stack's `DrTargets` outputs). */
export interface ReplicationDestination {
  bucketName: pulumi.Input<string>;
  arn: pulumi.Input<string>;
  /** The DR key replicas are encrypted with. */
  kmsKeyArn: pulumi.Input<string>;
}

export interface ReplicationArgs {
  /** Physical names of the primary deployment; the role is `IAMRolePrefix<base>-dr-replication`. */
  naming: Naming;
  /** IAMRolePrefix and IAMBoundaryPolicy for the replication role. */
  iam: IamSettings;
  /** The primary region (where the sources are). */
  region: string;
  /** The primary account; limits the role's trust to it. */
  accountId: string;
  /** The DR account: replicas are handed to it (owner override). */
  drAccountId: string;
  /** The DR region; must differ from `region`. */
  drRegion: string;
  /** The source buckets, by purpose. Every purpose given needs a destination. */
  sources: Partial<Record<ReplicaPurpose, ReplicationSource>>;
  /** The replica buckets, by purpose. */
  destinations: Partial<Record<ReplicaPurpose, ReplicationDestination>>;
  /** S3 Replication Time Control (15-minute objective) with its metrics. @default true */
  replicationTimeControl?: boolean;
  /** Storage class of the replicas. @default "STANDARD" */
  storageClass?: ReplicaStorageClass;
  /**
   * Alerts: replication failures and latency above `latencyAlarmSeconds` reach the topic. Needs
   * the RTC metrics (`replicationTimeControl`). @default none
   */
  alarmTarget?: AlarmTarget;
  /** The latency alarm's threshold, seconds. @default 900 (the RTC objective) */
  latencyAlarmSeconds?: number;
}

/** Checks the arguments before any resource; throws naming the field, the value and the rule. */
export function validateReplicationArgs(args: ReplicationArgs): void {
  validateAccountPair(args.drAccountId, args.accountId, "drAccountId");
  validateRegionPair(args.region, args.drRegion, "drRegion");
  const purposes = Object.keys(args.sources);
  if (purposes.length === 0) {
    throw new Error(`sources is empty: give at least one of ${REPLICA_PURPOSES.join(", ")}`);
  }
  for (const purpose of purposes) {
    if (!(REPLICA_PURPOSES as readonly string[]).includes(purpose)) {
      throw new Error(`sources.${purpose}: not a replicated bucket; they are ${REPLICA_PURPOSES.join(", ")}`);
    }
    if (args.destinations[purpose as ReplicaPurpose] === undefined) {
      throw new Error(
        `destinations.${purpose}: missing; every source needs its replica bucket (the DR stack's buckets.${purpose})`,
      );
    }
  }
  if (args.storageClass !== undefined && !REPLICA_STORAGE_CLASSES.includes(args.storageClass)) {
    throw new Error(
      `storageClass "${args.storageClass}" must be one of ${REPLICA_STORAGE_CLASSES.join(", ")}`,
    );
  }
  const latency = args.latencyAlarmSeconds ?? RTC_MINUTES * 60;
  if (!Number.isInteger(latency) || latency < 60 || latency > 86400) {
    throw new Error(`latencyAlarmSeconds ${latency} must be a whole number of seconds from 60 to 86400`);
  }
  if (args.alarmTarget !== undefined && args.replicationTimeControl === false) {
    throw new Error(
      "alarmTarget: the replication alarms read the Replication Time Control metrics; turn replicationTimeControl on or leave alarmTarget out",
    );
  }
}

/** The least-privilege policy of the replication role. */
export function replicationRolePolicy(
  args: Pick<ReplicationArgs, "region" | "drRegion" | "sources" | "destinations">,
): PolicyStatement[] {
  const purposes = REPLICA_PURPOSES.filter((p) => args.sources[p] !== undefined);
  const sources = purposes.map((p) => args.sources[p]!);
  const destinations = purposes.map((p) => args.destinations[p]!);
  return [
    allow(
      SOURCE_BUCKET_ACTIONS,
      sources.map((s) => s.arn),
      { Sid: "ReadSourceBuckets" },
    ),
    allow(
      SOURCE_OBJECT_ACTIONS,
      sources.map((s) => pulumi.interpolate`${s.arn}/*`),
      { Sid: "ReadSourceObjectVersions" },
    ),
    allow(
      ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner"],
      destinations.map((d) => pulumi.interpolate`${d.arn}/*`),
      { Sid: "WriteReplicas" },
    ),
    allow(
      ["s3:GetBucketVersioning", "s3:GetBucketObjectLockConfiguration"],
      destinations.map((d) => d.arn),
      {
        Sid: "ReadReplicaBucketSettings",
      },
    ),
    allow(["kms:Decrypt"], [...new Set(sources.map((s) => s.kmsKeyArn))], {
      Sid: "DecryptSourcesThroughS3",
      Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
    }),
    allow(
      ["kms:Encrypt", "kms:GenerateDataKey"],
      destinations.map((d) => d.kmsKeyArn),
      {
        Sid: "EncryptReplicasThroughS3",
        Condition: { StringEquals: { "kms:ViaService": `s3.${args.drRegion}.amazonaws.com` } },
      },
    ),
  ];
}

/**
 * S3 replication of the primary's buckets to their replicas in the DR account and region: one
 * rule per bucket replicating every object, KMS-encrypted ones included (re-encrypted with the
 * replica's key), delete markers too, ownership handed to the DR account, with Replication Time
 * Control and its metrics; a least-privilege role; alarms on failed operations and latency.
 */
export class Replication extends pulumi.ComponentResource {
  readonly role: ServiceRole;
  readonly roleArn: pulumi.Output<string>;
  readonly configurations: Partial<Record<ReplicaPurpose, aws.s3.BucketReplicationConfig>>;

  constructor(name: string, args: ReplicationArgs, opts?: pulumi.ComponentResourceOptions) {
    validateReplicationArgs(args);
    super("tdp:dr:Replication", name, {}, opts);
    const rtc = args.replicationTimeControl ?? true;

    this.role = new ServiceRole(
      `${name}-role`,
      {
        naming: args.naming,
        purpose: REPLICATION_ROLE_PURPOSE,
        iam: args.iam,
        services: ["s3.amazonaws.com"],
        sourceAccount: args.accountId,
        description: `${args.naming.base}: S3 replicates the data layer's buckets to the DR account ${args.drAccountId}`,
        inlinePolicies: { replication: policyDocument(...replicationRolePolicy(args)) },
      },
      { parent: this },
    );
    this.roleArn = this.role.arn;

    const configurations: Partial<Record<ReplicaPurpose, aws.s3.BucketReplicationConfig>> = {};
    for (const purpose of REPLICA_PURPOSES) {
      const source = args.sources[purpose];
      const destination = args.destinations[purpose];
      if (source === undefined || destination === undefined) {
        continue;
      }
      const ruleId = `dr-${purpose}`;
      configurations[purpose] = new aws.s3.BucketReplicationConfig(
        `${name}-${purpose}`,
        {
          bucket: source.bucketName,
          role: this.role.arn,
          rules: [
            replicationRule(ruleId, {
              destinationBucketArn: destination.arn,
              destinationKmsKeyArn: destination.kmsKeyArn,
              destinationAccountId: args.drAccountId,
              storageClass: args.storageClass,
              replicationTimeControl: rtc,
            }),
          ],
        },
        // The role's policy must be in place before S3 first replicates with it.
        { parent: this, dependsOn: [this.role] },
      );

      if (args.alarmTarget !== undefined) {
        const dimensions = {
          SourceBucket: source.bucketName,
          DestinationBucket: destination.bucketName,
          RuleId: ruleId,
        };
        createAlarm(
          name,
          args.alarmTarget,
          {
            purpose: `replication-${purpose}-failed`,
            description: `S3 could not replicate objects of the ${purpose} bucket to the DR account: see S3 > Metrics > Replication, and the role's and DR key's policies`,
            namespace: "AWS/S3",
            metricName: "OperationsFailedReplication",
            dimensions,
            statistic: "Sum",
            comparison: ">",
            threshold: 0,
            periodSeconds: 300,
            treatMissingData: "notBreaching",
          },
          { parent: this },
        );
        createAlarm(
          name,
          args.alarmTarget,
          {
            purpose: `replication-${purpose}-latency`,
            description: `Replication of the ${purpose} bucket to the DR account lags behind its ${RTC_MINUTES}-minute objective: the recovery point grows`,
            namespace: "AWS/S3",
            metricName: "ReplicationLatency",
            dimensions,
            statistic: "Maximum",
            comparison: ">",
            threshold: args.latencyAlarmSeconds ?? RTC_MINUTES * 60,
            periodSeconds: 300,
            evaluationPeriods: 3,
            datapointsToAlarm: 2,
            treatMissingData: "notBreaching",
          },
          { parent: this },
        );
      }
    }
    this.configurations = configurations;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

/** The replication role's ARN a primary deployment will create: what the DR stack pins. */
export function replicationRoleArn(naming: Naming, accountId: string, partition = "aws"): string {
  return `arn:${partition}:iam::${accountId}:role/${naming.roleName(REPLICATION_ROLE_PURPOSE)}`;
}
