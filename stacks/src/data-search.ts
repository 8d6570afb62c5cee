import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@tdp/core";
import type { ConfigProblem } from "@tdp/core";
import { DEFAULT_MAPPABLE_OPENSEARCH_ROLES, SearchDomain, searchSettingsProblems } from "@tdp/data";
import type { Network } from "@tdp/network";

import type { StackContext } from "./context";
import type { DataLayer } from "./data";

/** The zones the network spans by default where `tdp:network.availabilityZoneCount` is left out. */
const DEFAULT_NETWORK_ZONES = 3;

/**
 * The zones the domain spans: the network's. In create mode the configured count (or 3, the
 * network's default, which the built network confirms); in adopt mode one per private subnet given,
 * up to 3 (the adopted subnets must be in different zones, which the network's look-ups check).
 */
export function searchAvailabilityZoneCount(ctx: StackContext, network?: Network): number {
  const section = ctx.config.network;
  if (section.mode === "adopt") {
    return Math.min(3, (section.privateSubnetIds ?? []).length);
  }
  return (
    network?.subnetLayout?.private.cidrBlocks.length ?? section.availabilityZoneCount ?? DEFAULT_NETWORK_ZONES
  );
}

/**
 * The search rules that need another section (the network's zone count), before any resource is
 * registered: `tdp:data.search.dataInstanceCount: 4 — ... multiple of the 3 availability zones`.
 * `zones` is the count the zone look-up found (a region with 2 zones gives 2 by default).
 */
export function requireSearchConfig(
  ctx: StackContext,
  zones: number = searchAvailabilityZoneCount(ctx),
): void {
  const problems: ConfigProblem[] = searchSettingsProblems(ctx.config.data.search, zones).map((p) => ({
    key:
      p.path === "availabilityZoneCount" ? "tdp:network.availabilityZoneCount" : `tdp:data.search.${p.path}`,
    value:
      p.path === "availabilityZoneCount"
        ? zones
        : (ctx.config.data.search as unknown as Record<string, unknown>)[p.path],
    rule: p.message,
  }));
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
}

/**
 * The SSM String parameter holding the role mapping document: the service step writes it, the
 * search domain's snapshot function reads it (the domain is created first, so only the name is shared).
 */
export function searchRoleMappingsParameterName(ctx: StackContext): string {
  return ctx.naming.ssmPath("search", "role-mappings");
}

/**
 * The OpenSearch domain from `tdp:data.search`: in the network's private subnets, encrypted with
 * the data layer's search key, logging with the logs key, snapshots to the backup bucket, alarms
 * to the alert topic. The service layer admits itself with an ingress rule on `securityGroupId`.
 */
export function deploySearch(ctx: StackContext, network: Network, data: DataLayer): SearchDomain {
  const search = ctx.config.data.search;
  const platform = ctx.config.platform;
  const backup = data.buckets.buckets.backup;
  return new SearchDomain(
    "search",
    {
      naming: ctx.naming,
      iam: ctx.iam,
      region: ctx.region,
      accountId: platform.accountId,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      availabilityZoneCount: searchAvailabilityZoneCount(ctx, network),
      kmsKeyArn: data.keys.arns.search,
      logsKmsKeyArn: data.keys.arns.logs,
      logRetentionDays: platform.logRetentionDays,
      masterInstanceType: search.masterInstanceType,
      masterInstanceCount: search.masterInstanceCount,
      dataInstanceType: search.dataInstanceType,
      dataInstanceCount: search.dataInstanceCount,
      volumeSizeGiB: search.volumeSizeGiB,
      engineVersion: search.engineVersion,
      adminPrincipalArns: search.adminRoleArns,
      offPeakWindowStartHourUtc: search.offPeakWindowStartHourUtc,
      // Kept inside OpenSearch by the snapshot function, so the audit and slow-log groups fill.
      auditLogging: search.auditLogging,
      slowLogs: search.slowLogs,
      // The service layer's roles, mapped on each snapshot run; the role it uses must be allowed.
      roleMappings: {
        parameterName: searchRoleMappingsParameterName(ctx),
        allowedRoles: [
          ...new Set([...DEFAULT_MAPPABLE_OPENSEARCH_ROLES, ctx.config.services.search.openSearchRole]),
        ],
        endpointSecurityGroupId: network.endpointSecurityGroupId,
      },
      snapshots: {
        bucketName: backup.bucketName,
        bucketArn: backup.arn,
        bucketKmsKeyArn: backup.kmsKeyArn,
        basePath: search.snapshotBasePath,
        intervalHours: search.snapshotIntervalHours,
        retentionDays: search.snapshotRetentionDays,
        minimumSnapshots: search.minimumSnapshots,
        deadLetterQueueKmsKeyArn: data.keys.arns.messaging,
        environmentKmsKeyArn: data.keys.arns.secrets,
      },
      alarms: data.alerts.alarmTarget,
      // DR recovery: the indices come back from the replicated snapshots once the domain exists.
      restore: ctx.config.data.recovery?.searchRestore,
      // A VPC domain needs the OpenSearch service-linked role, created in the data step.
      dependsOn: [data.serviceLinkedRoles],
    },
    ctx.componentOptions,
  );
}

/** The roles the service layer maps to OpenSearch (plain values, not the service classes). */
export interface SearchClientRoles {
  /** Every enabled ECS platform service's task role ARN. */
  ecsTaskRoleArns: pulumi.Input<string>[];
  /** The EKS workloads' IRSA role ARNs by workload (`PlatformCluster.workloadRoleArns`). */
  eksWorkloadRoleArns: Record<string, pulumi.Input<string>>;
}

/**
 * The role mapping document the search domain's snapshot function applies (docs/operations.md):
 * `{ "<tdp:services.search.openSearchRole>": [<ECS task roles>, <listed EKS workload roles>] }`,
 * as an SSM String parameter (role ARNs are not secret), Standard tier.
 */
export function searchRoleMappingsParameter(ctx: StackContext, roles: SearchClientRoles): aws.ssm.Parameter {
  const config = ctx.config.services.search;
  const workloads = config.eksWorkloads
    .map((w) => roles.eksWorkloadRoleArns[w])
    .filter((arn): arn is pulumi.Input<string> => arn !== undefined);
  const value = pulumi
    .all([...roles.ecsTaskRoleArns, ...workloads])
    .apply((arns) => JSON.stringify({ [config.openSearchRole]: [...new Set(arns)].sort() }));
  return new aws.ssm.Parameter(
    "services-search-role-mappings",
    {
      name: searchRoleMappingsParameterName(ctx),
      type: "String",
      tier: "Standard",
      // insecureValue: role ARNs are not secret, and a plain value shows in the plan and the console.
      insecureValue: value,
      description:
        "OpenSearch role mappings of the service layer's roles; applied by the search snapshot function on each run",
    },
    { provider: ctx.provider },
  );
}

/** The search domain's stack outputs: what the service layer and operators need. */
export function searchOutputs(search: SearchDomain): Record<string, pulumi.Input<unknown>> {
  return {
    domainName: search.domainName,
    domainArn: search.domainArn,
    endpoint: search.endpoint,
    securityGroupId: search.securityGroupId,
    masterRoleArn: search.masterRoleArn,
    snapshotRoleArn: search.snapshotRoleArn,
    snapshotFunctionName: search.snapshotFunctionName,
    snapshotRepository: search.snapshotRepository,
    ...(search.restoreResult === undefined ? {} : { restoreResult: search.restoreResult }),
  };
}
