import { Naming } from "@tdp/core";

import type { AdoptedVpc, NetworkArgs, SubnetDescription } from "../src";

export const VPC_ID = "vpc-0a1b2c3d4e5f60718";

export function subnet(
  id: string,
  cidrBlock: string,
  availabilityZone: string,
  extra: Partial<SubnetDescription> = {},
): SubnetDescription {
  const zoneNumber = { a: 1, b: 2, c: 4 }[availabilityZone.slice(-1)] ?? 9;
  return {
    id,
    cidrBlock,
    availabilityZone,
    availabilityZoneId: `use1-az${zoneNumber}`,
    vpcId: VPC_ID,
    mapPublicIpOnLaunch: false,
    ...extra,
  };
}

/** An existing VPC that meets every rule of the seeds. */
export function goodAdoptedVpc(overrides: Partial<AdoptedVpc> = {}): AdoptedVpc {
  return {
    vpcId: VPC_ID,
    cidrBlock: "10.20.0.0/16",
    additionalCidrBlocks: [],
    enableDnsSupport: true,
    enableDnsHostnames: true,
    dhcpDomainNameServers: ["AmazonProvidedDNS"],
    privateSubnets: [
      subnet("subnet-00000000000000a01", "10.20.0.0/24", "us-east-1a"),
      subnet("subnet-00000000000000a02", "10.20.1.0/24", "us-east-1b"),
      subnet("subnet-00000000000000a03", "10.20.2.0/23", "us-east-1c"),
    ],
    publicSubnets: [
      subnet("subnet-00000000000000b01", "10.20.100.0/27", "us-east-1a", { mapPublicIpOnLaunch: true }),
      subnet("subnet-00000000000000b02", "10.20.100.32/27", "us-east-1b"),
    ],
    isolatedSubnets: [subnet("subnet-00000000000000c01", "10.20.200.0/24", "us-east-1a")],
    routeTableIds: ["rtb-00000000000000001", "rtb-00000000000000002"],
    ...overrides,
  };
}

export const naming = new Naming({ infrastructureName: "acme-tdp", environment: "production" });

export function baseArgs(overrides: Partial<NetworkArgs> = {}): NetworkArgs {
  return { naming, iam: {}, region: "us-east-1", ...overrides };
}
