import * as pulumi from "@pulumi/pulumi";
import { BiDashboard, REQUIRED_INTERFACE_ENDPOINTS } from "@tdp/bi-dashboard";
import type { Network } from "@tdp/network";

import type { StackContext } from "./context";

/** What the dashboard takes from the stack's network: plain ids, never the Network class. */
export interface BiDashboardNetwork {
  vpcId: pulumi.Input<string>;
  cidrBlock: pulumi.Input<string>;
  /** One private subnet per zone. */
  privateSubnetIds: pulumi.Input<string>[];
  /** One public subnet per zone (empty when the network has no public tier). */
  publicSubnetIds: pulumi.Input<string>[];
}

/** Splits a subnet-list output of known length into the per-subnet inputs a component takes. */
export function subnetInputs(ids: pulumi.Output<string[]>, count: number): pulumi.Output<string>[] {
  return Array.from({ length: count }, (_, i) => ids.apply((all) => all?.[i] ?? ""));
}

/**
 * The network's ids as the dashboard takes them. The subnet counts are known before deployment:
 * one per zone of the planned layout (create mode) or the configured lists (adopt mode).
 */
export function biDashboardNetwork(ctx: StackContext, network: Network): BiDashboardNetwork {
  const privateCount =
    network.subnetLayout?.private.cidrBlocks.length ?? ctx.config.network.privateSubnetIds?.length ?? 0;
  const publicCount = network.subnetLayout
    ? (network.subnetLayout.public?.cidrBlocks.length ?? 0)
    : (ctx.config.network.publicSubnetIds?.length ?? 0);
  return {
    vpcId: network.vpcId,
    cidrBlock: network.cidrBlock,
    privateSubnetIds: subnetInputs(network.privateSubnetIds, privateCount),
    publicSubnetIds: subnetInputs(network.publicSubnetIds, publicCount),
  };
}

/**
 * Deploys the Panintelligence dashboard from `tdp:biDashboard` when it is enabled, in the network's
 * private subnets. The network's interface endpoints serve it unless some it needs are missing.
 * The instances' volumes use the data layer's compute key when one is given (the primary stack).
 */
export function deployBiDashboard(
  ctx: StackContext,
  network: Network,
  ebsKmsKeyArn?: pulumi.Input<string>,
): BiDashboard | undefined {
  const section = ctx.config.biDashboard;
  if (!section.enabled) {
    return undefined;
  }
  const ids = biDashboardNetwork(ctx, network);
  const networkEndpoints = ctx.config.network.interfaceEndpoints;
  const createVpcEndpoints =
    section.createVpcEndpoints ?? !REQUIRED_INTERFACE_ENDPOINTS.every((e) => networkEndpoints.includes(e));
  return new BiDashboard(
    "bi-dashboard",
    {
      naming: ctx.naming,
      iam: ctx.iam,
      region: ctx.region,
      deploymentName: section.deploymentName,
      vpcId: ids.vpcId,
      vpcCidrBlock: ids.cidrBlock,
      privateSubnetIds: ids.privateSubnetIds,
      createVpcEndpoints,
      loadBalancer: { ...section.loadBalancer, publicSubnetIds: ids.publicSubnetIds },
      // The schema has checked amiId is present when the section is enabled.
      instances: { ...section.instances, amiId: section.instances.amiId ?? "" },
      scaling: section.scaling,
      database: section.database,
      efs: section.efs,
      sync: section.sync,
      image: section.image,
      alarms: section.alarms,
      dashboardService: section.dashboardService,
      licenceKey: section.licenceKey !== undefined ? pulumi.secret(section.licenceKey) : undefined,
      logRetentionDays: ctx.config.platform.logRetentionDays,
      ebsKmsKeyArn,
    },
    ctx.componentOptions,
  );
}

/** The dashboard's stack outputs. */
export function biDashboardOutputs(dashboard: BiDashboard): Record<string, pulumi.Input<unknown>> {
  return {
    url: dashboard.url,
    albDnsName: dashboard.albDnsName,
    asgName: dashboard.asgName,
    dbEndpoint: dashboard.dbEndpoint,
    secretArn: dashboard.secretArn,
    licenceSecretArn: dashboard.licenceSecretArn,
    bucketName: dashboard.bucketName,
    efsId: dashboard.efsId,
    imageId: dashboard.imageId,
    masterSecretArn: dashboard.masterSecretArn,
    instanceLogGroupName: dashboard.instanceLogGroupName,
  };
}
