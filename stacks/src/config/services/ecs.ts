import type { PlatformServiceSpec } from "@tdp/eks-services";
import {
  DEFAULT_CONNECTOR_MAX_MEMORY,
  DEFAULT_MAX_CAPACITY,
  DEFAULT_MIN_CAPACITY,
  DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN,
  DEFAULT_TASK_THROUGHPUT,
  validatePlatformService,
  validatePlatformServices,
  validatePlatformSettings,
  validateServiceDiscoverySubdomain,
  validateBucketPrefix,
} from "@tdp/eks-services";
import { z } from "zod";

import { check } from "./check";

/** The data layer's buckets a service may be granted (the backup bucket belongs to AWS Backup and snapshots). */
export const SERVICE_BUCKETS = ["datalake", "stream", "artifacts", "athena-results"] as const;
export type ServiceBucket = (typeof SERVICE_BUCKETS)[number];

const serviceSchema = z.strictObject({
  /** ECS service, Cloud Map name and SSM path segment (`ts-service-web`). */
  name: z.string(),
  /** Container image (`<registry>/<repository>:<tag>`; seed Branch is the tag). */
  image: z.string(),
  /** Task CPU units (a Fargate size). */
  cpu: z.number().optional(),
  /** Task memory (MiB), valid with cpu on Fargate. */
  memory: z.number().optional(),
  /** Container port; required with routing. */
  port: z.number().optional(),
  healthCheckPath: z.string().optional(),
  /** Routing from the web entry point: hosts web (PublicDomain) and/or api (api.PublicDomain). */
  routing: z
    .strictObject({
      hosts: z.array(z.enum(["web", "api"], { message: 'must be "web" or "api"' })).optional(),
      pathPatterns: z.array(z.string()).optional(),
      priority: z.number().optional(),
    })
    .optional(),
  /** Seed MinCapacity; 0 with maxCapacity 0 disables the service (seed "Set to 0 if not used"). */
  minCapacity: z.number().default(DEFAULT_MIN_CAPACITY),
  /** Seed MaxCapacity. */
  maxCapacity: z.number().default(DEFAULT_MAX_CAPACITY),
  autoscaling: z
    .strictObject({
      cpuTargetPercent: z.number().optional(),
      requestsPerTarget: z.number().optional(),
      scaleInCooldownSeconds: z.number().optional(),
      scaleOutCooldownSeconds: z.number().optional(),
    })
    .optional(),
  readOnlyRootFilesystem: z.boolean().optional(),
  writablePaths: z.array(z.string()).optional(),
  /** Plain, non-secret environment variables. */
  environment: z.record(z.string(), z.string()).optional(),
  /** Env var → parameter name under the service's own SSM path `/tetrascience/<environment>/ECS/<service>/`. */
  secrets: z.record(z.string(), z.string()).optional(),
  command: z.array(z.string()).optional(),
  /**
   * The data layer's buckets the task role may use (least privilege: nothing by default). Each
   * grant is one bucket, read, write or both, optionally under one key prefix; the bucket's key is
   * usable through S3 only.
   */
  bucketAccess: z
    .array(
      z.strictObject({
        bucket: z.enum(SERVICE_BUCKETS, { message: `must be one of ${SERVICE_BUCKETS.join(", ")}` }),
        access: z
          .enum(["read", "write", "readwrite"], { message: 'must be "read", "write" or "readwrite"' })
          .default("read"),
        /** A key prefix such as `pipelines/` (ends with /); absent: the whole bucket. */
        prefix: z.string().optional(),
      }),
    )
    .default([]),
});

/**
 * `tdp:services.ecs`: the ECS Fargate platform services (seed 001 Service Layer MinCapacity,
 * MaxCapacity, TaskThroughput, ConnectorMaxMemory; the Cloud Map namespace under PrivateDomain).
 */
export const ecsSchema = z
  .strictObject({
    /** The platform services; each takes the seed's MinCapacity 2 / MaxCapacity 4 unless set. */
    services: z.array(serviceSchema).default([]),
    /** Seed TaskThroughput: files processed in parallel (a platform setting in SSM). */
    taskThroughput: z.number().default(DEFAULT_TASK_THROUGHPUT),
    /** Seed ConnectorMaxMemory (MiB): connector containers' memory limit on Data Hubs (SSM setting). */
    connectorMaxMemory: z.number().default(DEFAULT_CONNECTOR_MAX_MEMORY),
    /** The Cloud Map namespace is `<subdomain>.<tdp:network.privateDomain>`. */
    serviceDiscovery: z
      .strictObject({ subdomain: z.string().default(DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN) })
      .prefault({}),
    /** Container Insights mode (FSBP ECS.12). */
    containerInsights: z
      .enum(["enabled", "enhanced"], { message: 'must be "enabled" or "enhanced"' })
      .default("enabled"),
  })
  .superRefine((ecs, ctx) => {
    // Each service on its own first, so every bad service is reported; then the list-wide rules.
    const services = ecsServices(ecs);
    const each = services.map((spec, i) =>
      check(ctx, [], () => validatePlatformService(spec, `services[${i}]`)),
    );
    if (each.every(Boolean)) {
      check(ctx, [], () => validatePlatformServices(services));
    }
    ecs.services.forEach((service, i) => {
      const seen = new Set<string>();
      service.bucketAccess.forEach((grant, j) => {
        if (grant.prefix !== undefined) {
          check(ctx, ["services", i, "bucketAccess", j], () => validateBucketPrefix(grant.prefix!, "prefix"));
        }
        if (seen.has(grant.bucket)) {
          ctx.addIssue({
            code: "custom",
            path: ["services", i, "bucketAccess", j, "bucket"],
            message: `"${grant.bucket}" is granted twice to ${service.name}; give each bucket one grant (access readwrite for both)`,
          });
        }
        seen.add(grant.bucket);
      });
    });
    check(ctx, [], () =>
      validatePlatformSettings({
        taskThroughput: ecs.taskThroughput,
        connectorMaxMemory: ecs.connectorMaxMemory,
      }),
    );
    check(ctx, [], () => validateServiceDiscoverySubdomain(ecs.serviceDiscovery.subdomain));
  });

export type EcsConfig = z.output<typeof ecsSchema>;

/** The services as the component takes them. */
export function ecsServices(ecs: EcsConfig): PlatformServiceSpec[] {
  return ecs.services.map(({ bucketAccess: _bucketAccess, ...spec }) => spec);
}
