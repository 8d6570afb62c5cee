import * as pulumi from "@pulumi/pulumi";
import { ConfigError, Naming } from "@tdp/core";
import { Alerts, parseBackupSchedule } from "@tdp/data";
import type { DatabaseCopyMode, RecoveryObjective, ReplicaPurpose } from "@tdp/dr";
import {
  BackupCopyRelay,
  DEFAULT_STAGING_RETENTION_DAYS,
  DrTargets,
  REPLICA_PURPOSES,
  Replication,
  SnapshotCopy,
  SnapshotShare,
  longestBackupGapHours,
  recoveryObjectives,
  replicationRoleArn,
} from "@tdp/dr";

import { backupGapHoursOf, backupScheduleOf } from "./config/dr-rules";
import { qualifiedStackName } from "./config/platform";
import type { StackContext } from "./context";
import type { DataLayer } from "./data";
import type { DatabaseCopyTarget, DatabaseLayer } from "./data-database";
import { buildNetwork, networkOutputs } from "./network";

/** What a dr stack with DR on exports under `targets`: what the primary stack wires to. */
export interface DrTargetsOutputs {
  primaryAccountId: string;
  primaryRegion: string;
  /** The replication role the DR policies admit (the primary must create exactly this one). */
  replicationRoleArn: string;
  keyArns: Record<string, string>;
  buckets: Record<ReplicaPurpose, { name: string; arn: string; kmsKeyArn: string }>;
  vault: { name: string; arn: string };
  /** Backup mode: the staging vault (DR account, primary region) the primary's plan copies into. */
  stagingVault?: { name: string; arn: string };
  databaseCopy: { mode: DatabaseCopyMode; retentionDays: number; snapshotPattern: string };
  /** Hours without a new DR copy before the dr stack alarms (either mode; absent from older dr stacks). */
  copyAgeAlarmHours?: number;
}

/** The dr stack as the primary reads it through its StackReference. */
export interface DrStack {
  reference: pulumi.StackReference;
  region: string;
  accountId: string;
  /** Absent when the dr stack has DR off. */
  targets?: DrTargetsOutputs;
}

/** The DR account and region: the targets the primary stack replicates into. Returns the outputs. */
export async function deployDr(ctx: StackContext): Promise<Record<string, unknown>> {
  // The DR region's own VPC (its tdp:network block), where the platform is restored after a disaster.
  const network = await buildNetwork(ctx);
  const outputs: Record<string, unknown> = {
    accountId: ctx.config.platform.accountId,
    network: networkOutputs(network),
  };
  const dr = ctx.config.dr;
  if (dr.enabled && dr.primary !== undefined) {
    const platform = ctx.config.platform;
    // The primary deployment's naming: its replication role is named from it.
    const primaryNaming = new Naming({
      infrastructureName: platform.infrastructureName,
      environment: dr.primary.environment,
      iamRolePrefix: dr.primary.iamRolePrefix,
    });
    const roleArn = replicationRoleArn(primaryNaming, dr.primary.accountId);
    const targets = new DrTargets(
      "dr-targets",
      {
        naming: ctx.naming,
        region: ctx.region,
        accountId: platform.accountId,
        primaryAccountId: dr.primary.accountId,
        primaryRegion: dr.primary.region,
        replicationRoleArn: roleArn,
        objectLock: dr.objectLock,
        vaultLock: dr.vaultLock,
        databaseCopyMode: dr.databaseCopy.mode,
        copyRetentionDays: dr.databaseCopy.retentionDays,
      },
      ctx.componentOptions,
    );
    // The DR account's own alert topic (the primary's is in another account and Region), under the
    // DR messaging key, whose policy admits SNS and CloudWatch alarms of this account.
    const alerts = new Alerts(
      "dr-alerts",
      {
        naming: ctx.naming,
        notificationEmail: dr.alerts!.notificationEmail,
        kmsKeyArn: targets.keyArns.messaging,
        accountId: platform.accountId,
      },
      ctx.componentOptions,
    );
    const copy =
      dr.databaseCopy.mode === "snapshots"
        ? new SnapshotCopy(
            "dr-snapshot-copy",
            {
              naming: ctx.naming,
              iam: ctx.iam,
              region: ctx.region,
              accountId: platform.accountId ?? "",
              sourceRegion: dr.primary.region,
              sourceAccountId: dr.primary.accountId,
              kmsKeyArn: targets.keyArns.database,
              logsKmsKeyArn: targets.keyArns.logs,
              logRetentionDays: platform.logRetentionDays,
              retentionDays: dr.databaseCopy.retentionDays,
              snapshotPattern: dr.databaseCopy.snapshotPattern,
              alarmTarget: alerts.alarmTarget,
              // Not the database key: Lambda alone uses the secrets key, SQS the messaging key.
              environmentKmsKeyArn: targets.keyArns.secrets,
              deadLetterQueueKmsKeyArn: targets.keyArns.messaging,
              copyAgeAlarmHours: dr.alerts!.copyAgeAlarmHours,
            },
            ctx.componentOptions,
          )
        : undefined;
    // Backup mode's second hop, in the primary region (a second explicit provider): the staging
    // vault the primary's plan copies into, and the relay on into the DR vault. Its alarms need a
    // topic of that region (an alarm notifies topics of its own region only): the relay builds
    // it with its own keys, for the same address as the dr-alerts topic here.
    let relay: BackupCopyRelay | undefined;
    if (dr.databaseCopy.mode === "backup") {
      if (ctx.providerFor === undefined) {
        throw new Error("backup mode needs a provider for the primary region (StackContext.providerFor)");
      }
      relay = new BackupCopyRelay(
        "dr-backup-relay",
        {
          naming: ctx.naming,
          iam: ctx.iam,
          accountId: platform.accountId ?? "",
          region: dr.primary.region,
          drRegion: ctx.region,
          primaryAccountId: dr.primary.accountId,
          destinationVaultArn: targets.vaultArn,
          destinationKmsKeyArn: targets.keyArns["backup-vault"],
          retentionDays: dr.databaseCopy.retentionDays,
          logRetentionDays: platform.logRetentionDays,
          notificationEmail: dr.alerts!.notificationEmail,
          copyAgeAlarmHours: dr.alerts!.copyAgeAlarmHours,
        },
        { providers: [ctx.providerFor(dr.primary.region)] },
      );
    }
    outputs["targets"] = {
      primaryAccountId: dr.primary.accountId,
      primaryRegion: dr.primary.region,
      replicationRoleArn: roleArn,
      keyArns: targets.keyArns,
      buckets: Object.fromEntries(
        REPLICA_PURPOSES.map((p) => [
          p,
          {
            name: targets.buckets[p].bucketName,
            arn: targets.buckets[p].arn,
            kmsKeyArn: targets.buckets[p].kmsKeyArn,
          },
        ]),
      ),
      vault: { name: targets.vaultName, arn: targets.vaultArn },
      databaseCopy: dr.databaseCopy,
      objectLock: dr.objectLock ?? null,
      alertTopicArn: alerts.topicArn,
      ...(copy === undefined && relay === undefined
        ? {}
        : { copyAgeAlarmHours: dr.alerts!.copyAgeAlarmHours }),
      ...(copy === undefined ? {} : { snapshotCopyFunction: copy.functionName }),
      ...(relay === undefined
        ? {}
        : {
            stagingVault: { name: relay.vaultName, arn: relay.vaultArn },
            relayFunction: relay.functionName,
            relayAlertTopicArn: relay.alertTopicArn,
          }),
    };
  }
  return outputs;
}

/** A stack output's plain value (the dr stack's outputs are read before anything is registered). */
async function outputValue<T>(ref: pulumi.StackReference, name: string): Promise<T | undefined> {
  const details = await ref.getOutputDetails(name);
  return (details.value ?? details.secretValue) as T | undefined;
}

/**
 * Reads the dr stack (tdp:platform.drStack), deployed first, and checks that its targets fit this
 * stack: with tdp:dr on it must export targets for this account, region and replication role, and
 * the same database copy settings. Runs before any AWS resource is registered.
 */
export async function readDrStack(ctx: StackContext): Promise<DrStack | undefined> {
  const name = ctx.config.platform.drStack;
  if (name === undefined) {
    return undefined;
  }
  // A bare name is qualified with this stack's organization and project, so the same stack file
  // works on Pulumi Cloud (the real organization) and on DIY backends ("organization").
  const reference = new pulumi.StackReference("dr", {
    name: qualifiedStackName(name, pulumi.getOrganization(), pulumi.getProject()),
  });
  const [region, accountId, targets] = await Promise.all([
    outputValue<string>(reference, "region"),
    outputValue<string>(reference, "accountId"),
    outputValue<DrTargetsOutputs>(reference, "targets"),
  ]);
  const stack: DrStack = { reference, region: region ?? "", accountId: accountId ?? "", targets };
  const dr = ctx.config.dr;
  if (!dr.enabled) {
    return stack;
  }
  const problems = [];
  if (targets === undefined) {
    problems.push({
      key: "tdp:platform.drStack",
      value: name,
      rule: "this dr stack exports no DR targets: set tdp:dr.enabled: true (with tdp:dr.primary) in its stack file and run pulumi up there first, or turn tdp:dr.enabled off here",
    });
  } else {
    const platform = ctx.config.platform;
    const expectedRole = replicationRoleArn(ctx.naming, platform.accountId ?? targets.primaryAccountId);
    if (platform.accountId !== undefined && targets.primaryAccountId !== platform.accountId) {
      problems.push({
        key: "tdp:platform.accountId",
        value: platform.accountId,
        rule: `the dr stack admits the primary account ${targets.primaryAccountId} (its tdp:dr.primary.accountId); make the two agree`,
      });
    }
    if (targets.primaryRegion !== ctx.region) {
      problems.push({
        key: "aws:region",
        value: ctx.region,
        rule: `the dr stack expects the primary in ${targets.primaryRegion} (its tdp:dr.primary.region); make the two agree`,
      });
    }
    if (region === ctx.region) {
      problems.push({
        key: "tdp:platform.drStack",
        value: name,
        rule: `the dr stack is in ${region}, this stack's region too; the DR region must differ from the primary region`,
      });
    }
    if (targets.replicationRoleArn !== expectedRole) {
      problems.push({
        key: "tdp:platform.environment",
        value: platform.environment,
        rule: `the dr stack admits the replication role ${targets.replicationRoleArn}, this stack creates ${expectedRole}; set the dr stack's tdp:dr.primary.environment and iamRolePrefix to this stack's`,
      });
    }
    const copy = dr.databaseCopy;
    if (
      targets.databaseCopy.mode !== copy.mode ||
      targets.databaseCopy.retentionDays !== copy.retentionDays
    ) {
      problems.push({
        key: "tdp:dr.databaseCopy",
        value: { mode: copy.mode, retentionDays: copy.retentionDays },
        rule: `the dr stack has mode ${targets.databaseCopy.mode}, retentionDays ${targets.databaseCopy.retentionDays}; both stacks need the same database copy settings`,
      });
    }
    // Either mode: the copy function (snapshots) or the relay (backup) alarms on the copy's age.
    const alarmHours = targets.copyAgeAlarmHours;
    if (alarmHours !== undefined) {
      const schedule = backupScheduleOf(ctx.config.data.database);
      const gap = backupGapHoursOf(ctx.config.data.database);
      if (gap !== undefined && alarmHours < gap + 2) {
        problems.push({
          key: "tdp:data.database",
          value: schedule,
          rule: `leaves up to ${gap} hours between backups, but the dr stack alarms after ${alarmHours} hours without a new copy (its tdp:dr.alerts.copyAgeAlarmHours): it would alarm between every two backups; set that to at least ${gap + 2} and run pulumi up there`,
        });
      }
    }
    if (
      copy.mode === "backup" &&
      targets.databaseCopy.mode === "backup" &&
      targets.stagingVault === undefined
    ) {
      problems.push({
        key: "tdp:platform.drStack",
        value: name,
        rule: "the dr stack is in backup mode but exports no staging vault (targets.stagingVault): run pulumi up of the dr stack with this version first",
      });
    }
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return stack;
}

/** Backup mode's first hop: the dr stack's staging vault, for the database's backup plan. */
export function databaseCopyTarget(targets: DrTargetsOutputs | undefined): DatabaseCopyTarget | undefined {
  if (targets?.databaseCopy.mode !== "backup" || targets.stagingVault === undefined) {
    return undefined;
  }
  return { vaultArn: targets.stagingVault.arn, retentionDays: DEFAULT_STAGING_RETENTION_DAYS };
}

/**
 * The primary side of DR: S3 replication of the data layer's buckets to the dr stack's replicas,
 * with its role and alarms. Adopted buckets (a recovery) are not replicated from here.
 */
export function deployReplication(ctx: StackContext, data: DataLayer, dr: DrStack): Replication | undefined {
  const targets = dr.targets;
  if (!ctx.config.dr.enabled || targets === undefined) {
    return undefined;
  }
  const settings = ctx.config.dr.replication;
  const sources: Partial<
    Record<
      ReplicaPurpose,
      { bucketName: pulumi.Output<string>; arn: pulumi.Output<string>; kmsKeyArn: pulumi.Output<string> }
    >
  > = {};
  for (const purpose of REPLICA_PURPOSES) {
    const bucket = data.buckets.buckets[purpose];
    if (!bucket.adopted) {
      sources[purpose] = { bucketName: bucket.bucketName, arn: bucket.arn, kmsKeyArn: bucket.kmsKeyArn };
    }
  }
  if (Object.keys(sources).length === 0) {
    return undefined;
  }
  return new Replication(
    "dr-replication",
    {
      naming: ctx.naming,
      iam: ctx.iam,
      region: ctx.region,
      accountId: ctx.config.platform.accountId ?? targets.primaryAccountId,
      drAccountId: dr.accountId,
      drRegion: dr.region,
      sources,
      destinations: Object.fromEntries(
        REPLICA_PURPOSES.map((p) => [
          p,
          {
            bucketName: targets.buckets[p].name,
            arn: targets.buckets[p].arn,
            kmsKeyArn: targets.buckets[p].kmsKeyArn,
          },
        ]),
      ),
      replicationTimeControl: settings.replicationTimeControl,
      storageClass: settings.storageClass,
      latencyAlarmSeconds: settings.latencyAlarmSeconds,
      alarmTarget: settings.replicationTimeControl ? data.alerts.alarmTarget : undefined,
    },
    // Replication needs versioning on the sources: the buckets (and their settings) come first.
    { ...ctx.componentOptions, dependsOn: [data.buckets] },
  );
}

/**
 * The primary's half of the database copies in snapshots mode: each backup is copied to a
 * snapshot under the database key and shared with the DR account.
 */
export function deploySnapshotShare(
  ctx: StackContext,
  data: DataLayer,
  database: DatabaseLayer,
  dr: DrStack,
): SnapshotShare | undefined {
  if (!ctx.config.dr.enabled || dr.targets?.databaseCopy.mode !== "snapshots") {
    return undefined;
  }
  return new SnapshotShare(
    "dr-snapshot-share",
    {
      naming: ctx.naming,
      iam: ctx.iam,
      region: ctx.region,
      accountId: ctx.config.platform.accountId ?? dr.targets.primaryAccountId,
      drAccountId: dr.accountId,
      instanceIdentifier: database.database.identifier,
      instanceArn: database.database.arn,
      databaseKmsKeyArn: data.keys.arns.database,
      logsKmsKeyArn: data.keys.arns.logs,
      logRetentionDays: ctx.config.platform.logRetentionDays,
      alarmTarget: data.alerts.alarmTarget,
      // The data layer's keys of these purposes: Lambda uses the secrets key, SQS the messaging key.
      environmentKmsKeyArn: data.keys.arns.secrets,
      deadLetterQueueKmsKeyArn: data.keys.arns.messaging,
    },
    ctx.componentOptions,
  );
}

/** The recovery point and time per data store of a primary stack with DR on (the plan prints them). */
export function drRecoveryObjectives(ctx: StackContext, dr: DrStack): RecoveryObjective[] | undefined {
  if (!ctx.config.dr.enabled || dr.targets === undefined) {
    return undefined;
  }
  const data = ctx.config.data;
  return recoveryObjectives({
    replicationTimeControl: ctx.config.dr.replication.replicationTimeControl,
    databaseCopyMode: dr.targets.databaseCopy.mode,
    backupGapHours: longestBackupGapHours(parseBackupSchedule(backupScheduleOf(data.database))),
    searchSnapshotIntervalHours: data.search.snapshotIntervalHours,
  });
}
