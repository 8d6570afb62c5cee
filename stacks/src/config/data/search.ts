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
  searchSettingsProblems,
} from "@tdp/data";
import { z } from "zod";

const roleArn = z
  .string()
  .regex(
    /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/,
    "must be an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
  );

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
  })
  .superRefine((search, ctx) => {
    for (const problem of searchSettingsProblems(search, undefined)) {
      ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
    }
  });

export type SearchConfig = z.output<typeof searchSchema>;
