import { checkBiDashboardSettings } from "@tdp/bi-dashboard";
import { z } from "zod";

import { fieldPath } from "./field-path";

const cidrList = z.array(z.string());

/**
 * `tdp:biDashboard`: the Panintelligence BI dashboard (seed 004, @tdp/bi-dashboard). Every key
 * but `enabled` and `instances.amiId` has a default; the package's own validator checks the
 * values here, so a bad one stops `pulumi up` before any resource is registered.
 */
export const biDashboardSchema = z
  .strictObject({
    /** Deploy the dashboard in this stack. */
    enabled: z.boolean().default(false),
    /** Part of every physical name of the dashboard (two deployments in one account never collide). */
    deploymentName: z.string().default("bi"),
    /**
     * Create the interface endpoints ssm, ssmmessages, ec2messages, secretsmanager, logs; absent
     * means "when tdp:network.interfaceEndpoints lacks one of them".
     */
    createVpcEndpoints: z.boolean().optional(),
    /** The Panintelligence licence key (BYOL): `pulumi config set --secret --path tdp:biDashboard.licenceKey`. */
    licenceKey: z.string().min(1, "must not be empty; leave it out for trial and metered AMIs").optional(),
    loadBalancer: z
      .strictObject({
        /** Internet-facing in the network's public subnets, or internal in its private subnets. */
        internetFacing: z.boolean().optional(),
        allowedCidrs: cidrList.optional(),
        certificateArn: z.string().optional(),
        domainName: z.string().optional(),
        hostedZoneId: z.string().optional(),
        certificateKeyAlgorithm: z.string().optional(),
        sslPolicy: z.string().optional(),
        stickiness: z
          .strictObject({ enabled: z.boolean().optional(), durationSeconds: z.number().optional() })
          .optional(),
        deletionProtection: z.boolean().optional(),
        /** The reference's 2000 s by default (long report requests). */
        idleTimeoutSeconds: z.number().optional(),
        /** HTTPS (the image serves TLS on 8224) or HTTP to the instances. */
        targetProtocol: z.enum(["HTTPS", "HTTP"]).optional(),
        /** The reference's 65 s / 60 s / 4 / 4 by default. */
        healthCheck: z
          .strictObject({
            intervalSeconds: z.number().optional(),
            timeoutSeconds: z.number().optional(),
            healthyThreshold: z.number().optional(),
            unhealthyThreshold: z.number().optional(),
          })
          .optional(),
      })
      .default({}),
    instances: z
      .strictObject({
        /** Seed 004: the Marketplace AMI id of the region (required when enabled). */
        amiId: z.string().optional(),
        instanceType: z.string().optional(),
        rootVolumeSizeGiB: z.number().optional(),
        rootDeviceName: z.string().optional(),
        keyPairName: z.string().optional(),
      })
      .default({}),
    scaling: z
      .strictObject({
        minSize: z.number().optional(),
        maxSize: z.number().optional(),
        desiredCapacity: z.number().optional(),
        scaleOutCpuPercent: z.number().optional(),
        scaleInCpuPercent: z.number().optional(),
        cooldownSeconds: z.number().optional(),
        healthCheckGracePeriodSeconds: z.number().optional(),
        /** The reference's 1 × 60 s out and 2 × 60 s in by default. */
        scaleOutPeriodSeconds: z.number().optional(),
        scaleOutEvaluationPeriods: z.number().optional(),
        scaleInPeriodSeconds: z.number().optional(),
        scaleInEvaluationPeriods: z.number().optional(),
        /** The reference's 30 days by default; 0 turns it off. */
        maxInstanceLifetimeDays: z.number().optional(),
      })
      .default({}),
    database: z
      .strictObject({
        instanceClass: z.string().optional(),
        engineVersion: z.string().optional(),
        allocatedStorageGiB: z.number().optional(),
        maxAllocatedStorageGiB: z.number().optional(),
        backupRetentionDays: z.number().optional(),
        multiAz: z.boolean().optional(),
        username: z.string().optional(),
        /** The application user (alternating with `<name>_clone` at each rotation). */
        appUsername: z.string().optional(),
        port: z.number().optional(),
        rotationDays: z.number().optional(),
        deletionProtection: z.boolean().optional(),
      })
      .default({}),
    efs: z
      .strictObject({
        ownerUid: z.number().optional(),
        ownerGid: z.number().optional(),
        permissions: z.string().optional(),
        backups: z.boolean().optional(),
      })
      .default({}),
    sync: z
      .strictObject({
        reservedConcurrency: z.number().optional(),
        memorySizeMb: z.number().optional(),
        timeoutSeconds: z.number().optional(),
      })
      .default({}),
    /** The dashboard image: built by the image pipeline from instances.amiId, or a prebuilt one. */
    image: z
      .strictObject({
        prebuiltAmiId: z.string().optional(),
        buildInstanceType: z.string().optional(),
      })
      .default({}),
    /** Alarm thresholds (ALB and target 5xx, DB CPU, DB free storage). */
    alarms: z
      .strictObject({
        http5xxPerFiveMinutes: z.number().optional(),
        dbCpuPercent: z.number().optional(),
        dbFreeStorageGiB: z.number().optional(),
      })
      .default({}),
    /** Where the image's dashboard reads its settings (the Docker-era image's layout by default). */
    dashboardService: z
      .strictObject({
        dashboardEnvFile: z.string().optional(),
        schedulerEnvFile: z.string().optional(),
        serviceUnits: z.array(z.string()).optional(),
        dbTlsEnv: z.record(z.string(), z.string()).optional(),
      })
      .default({}),
  })
  .superRefine((section, ctx) => {
    if (!section.enabled) {
      return;
    }
    // The package's validator is the one source of rules; the region is checked as aws:region.
    const { problems } = checkBiDashboardSettings({
      ...section,
      region: "us-east-1",
      instances: { ...section.instances, amiId: section.instances.amiId as string },
    });
    for (const problem of problems) {
      ctx.addIssue({ code: "custom", path: fieldPath(problem.field), message: problem.rule });
    }
  });

export type BiDashboardConfig = z.output<typeof biDashboardSchema>;
