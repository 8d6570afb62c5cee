import {
  DEFAULT_DATA_INSTANCE_COUNT,
  DEFAULT_DATA_INSTANCE_TYPE,
  DEFAULT_MASTER_INSTANCE_COUNT,
  DEFAULT_MASTER_INSTANCE_TYPE,
  DEFAULT_MINIMUM_SNAPSHOTS,
  DEFAULT_SEARCH_ENGINE_VERSION,
  DEFAULT_SNAPSHOT_INTERVAL_HOURS,
  DEFAULT_SNAPSHOT_RETENTION_DAYS,
  DEFAULT_VOLUME_SIZE_GIB,
  SLOW_LOG_SETTINGS,
  auditLoggingProblems,
  searchSettingsProblems,
  slowLogThresholdProblems,
} from "@tdp/data";
import { z } from "zod";

const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
  );

/**
 * `tdp:data.search.auditLogging`: audit logging inside OpenSearch, kept on by the snapshot
 * function (the domain publishes audit logs, but OpenSearch writes none until it is enabled).
 */
const auditLoggingSchema = z
  .strictObject({
    /** false: the function leaves the domain's audit configuration alone. */
    enabled: z.boolean().default(true),
    /** Audit REST requests. */
    rest: z.boolean().default(true),
    /** Audit transport (node-to-node) requests. */
    transport: z.boolean().default(true),
    /** Categories not logged; default AUTHENTICATED and GRANTED_PRIVILEGES (AWS's advice). */
    disabledRestCategories: z.array(z.string()).optional(),
    disabledTransportCategories: z.array(z.string()).optional(),
    /** Users (IAM role ARNs) not audited; absent: the domain's list is kept. */
    ignoreUsers: z.array(z.string()).optional(),
    /** Compliance logging of security configuration changes. */
    compliance: z.boolean().default(true),
  })
  .superRefine((audit, ctx) => {
    for (const problem of auditLoggingProblems(audit)) {
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    }
  });

const threshold = z.string().or(z.literal(-1).transform(() => "-1"));

/**
 * `tdp:data.search.slowLogs`: slow-log thresholds the snapshot function sets on every non-system
 * index (the domain publishes slow logs, but OpenSearch writes none until an index has thresholds).
 */
const slowLogsSchema = z
  .strictObject({
    /** false: the function leaves the indices' thresholds alone. */
    enabled: z.boolean().default(true),
    /** Durations (500ms, 2s, 1m) or -1 (that level off), over the defaults. */
    thresholds: z
      .strictObject(
        Object.fromEntries(Object.keys(SLOW_LOG_SETTINGS).map((k) => [k, threshold.optional()])) as Record<
          keyof typeof SLOW_LOG_SETTINGS,
          z.ZodOptional<typeof threshold>
        >,
      )
      .default({}),
  })
  .superRefine((slowLogs, ctx) => {
    for (const problem of slowLogThresholdProblems(slowLogs.thresholds)) {
      ctx.addIssue({ code: "custom", path: ["thresholds", problem.path], message: problem.message });
    }
  });

/**
 * `tdp:data.search`: the OpenSearch domain and its snapshots (seed 001 EsMasterInstanceType,
 * EsDatanodeInstanceType, EsDatanodeInstanceCount, EsDatanodeVolumeSize, EsBackupInterval). The
 * seed's `*.elasticsearch` instance type names are accepted and mapped to `*.search`. The
 * package's validators run here, so `pnpm plan` reports `tdp:data.search.<key>: <value> — <rule>`;
 * the data node count against the network's zone count is checked by `requireSearchConfig`.
 */
export const searchSchema = z
  .strictObject({
    /** Seed EsMasterInstanceType (its t3.medium.elasticsearch is accepted; see docs/parameters.md). */
    masterInstanceType: z.string().default(DEFAULT_MASTER_INSTANCE_TYPE),
    /** Dedicated master nodes: 3 or 5. */
    masterInstanceCount: z.number().default(DEFAULT_MASTER_INSTANCE_COUNT),
    /** Seed EsDatanodeInstanceType (its m4.large.elasticsearch is a previous generation: rejected). */
    dataInstanceType: z.string().default(DEFAULT_DATA_INSTANCE_TYPE),
    /** Seed EsDatanodeInstanceCount: at least 3, a multiple of the network's zone count. */
    dataInstanceCount: z.number().default(DEFAULT_DATA_INSTANCE_COUNT),
    /** Seed EsDatanodeVolumeSize: gp3 GiB per data node. */
    volumeSizeGiB: z.number().default(DEFAULT_VOLUME_SIZE_GIB),
    /** OpenSearch_<major>.<minor>, 2.x or later. */
    engineVersion: z.string().default(DEFAULT_SEARCH_ENGINE_VERSION),
    /** Seed EsBackupInterval: hours between snapshots to the backup bucket (divides 24). */
    snapshotIntervalHours: z.number().default(DEFAULT_SNAPSHOT_INTERVAL_HOURS),
    /** Days the snapshots are kept... */
    snapshotRetentionDays: z.number().default(DEFAULT_SNAPSHOT_RETENTION_DAYS),
    /** ...except the newest this many, whatever their age. */
    minimumSnapshots: z.number().default(DEFAULT_MINIMUM_SNAPSHOTS),
    /** The repository's prefix in the backup bucket. */
    snapshotBasePath: z.string().default("opensearch"),
    /** Roles allowed to assume the fine-grained access control master role (operators). */
    adminRoleArns: z.array(roleArn).default([]),
    /** Hour (UTC) the off-peak window for software updates and Auto-Tune starts. */
    offPeakWindowStartHourUtc: z.number().int().min(0).max(23).default(2),
    /** Audit logging inside OpenSearch (the audit log group stays empty without it). */
    auditLogging: auditLoggingSchema.prefault({}),
    /** Slow-log thresholds of the indices (the slow-log groups stay empty without them). */
    slowLogs: slowLogsSchema.prefault({}),
  })
  .superRefine((search, ctx) => {
    for (const problem of searchSettingsProblems(search, undefined)) {
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    }
  });

export type SearchConfig = z.output<typeof searchSchema>;
