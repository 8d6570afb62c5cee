import type * as pulumi from "@pulumi/pulumi";
import { Network, lookupAdoptedNetwork, resolveAvailabilityZones } from "@tdp/network";

import { networkArgsFromConfig } from "./config/network";
import type { StackContext } from "./context";

/**
 * Builds the stack's Network from `tdp:network`. The look-ups run first and are awaited (zones in
 * create mode; the existing VPC, its subnets and route tables in adopt mode), so a subnet that
 * breaks a seed rule stops the program before any resource of the network is registered.
 */
export async function buildNetwork(
  ctx: StackContext,
  /** Config checks that need the zones the look-up found; they throw before anything registers. */
  beforeRegistering?: (zoneCount: number) => void,
): Promise<Network> {
  const section = ctx.config.network;
  const platform = ctx.config.platform;
  const invoke = { provider: ctx.provider };
  const resolverEnabled = section.resolverInboundEndpoint.enabled;
  const adopted =
    section.mode === "adopt"
      ? await lookupAdoptedNetwork(
          {
            vpcId: section.vpcId!,
            privateSubnetIds: section.privateSubnetIds ?? [],
            publicSubnetIds: section.publicSubnetIds,
            isolatedSubnetIds: section.isolatedSubnetIds,
          },
          {
            internetFacing: platform.exposedOnInternet,
            resolverInboundEndpoint: resolverEnabled,
            expectedCidrBlock: section.cidr,
            s3GatewayEndpoint: section.s3GatewayEndpoint,
          },
          invoke,
        )
      : undefined;
  const availabilityZoneNames =
    section.mode === "create"
      ? await resolveAvailabilityZones(section.availabilityZoneCount, invoke)
      : undefined;
  const args = networkArgsFromConfig(section, {
    naming: ctx.naming,
    iam: ctx.iam,
    region: ctx.region,
    exposedOnInternet: platform.exposedOnInternet,
    logRetentionDays: platform.logRetentionDays,
    availabilityZoneNames,
    adopted,
  });
  // Create mode: the zones found; adopt mode: one per adopted private subnet, up to 3.
  beforeRegistering?.(availabilityZoneNames?.length ?? Math.min(3, (section.privateSubnetIds ?? []).length));
  return new Network("network", args, ctx.componentOptions);
}

/** The network's stack outputs: what other stacks and people need to find it. */
export function networkOutputs(network: Network): Record<string, pulumi.Input<unknown>> {
  return {
    mode: network.mode,
    vpcId: network.vpcId,
    cidrBlock: network.cidrBlock,
    availabilityZones: network.availabilityZones,
    availabilityZoneIds: network.availabilityZoneIds,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    isolatedSubnetIds: network.isolatedSubnetIds,
    endpointSecurityGroupId: network.endpointSecurityGroupId,
    privateZoneId: network.privateZoneId,
    privateZoneName: network.privateZoneName,
    serviceEndpoints: network.serviceEndpoints,
    resolverInboundAddresses: network.resolverInboundAddresses,
    privateLinkDnsName: network.privateLinkDnsName,
    s3PrefixListId: network.s3PrefixListId,
  };
}
