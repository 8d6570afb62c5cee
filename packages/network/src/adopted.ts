import { cidrContains, formatCidr, isCidr, parseCidr } from "@tdp/core";

import {
  MAX_INTERNET_FACING_PUBLIC_PREFIX_LENGTH,
  MAX_PRIVATE_PREFIX_LENGTH,
  MAX_PUBLIC_PREFIX_LENGTH,
} from "./defaults";

/** A subnet as `aws.ec2.getSubnet` describes it: what the seed's rules are checked against. */
export interface SubnetDescription {
  id: string;
  cidrBlock: string;
  availabilityZone: string;
  /** The zone id (use1-az1): the same physical zone in every account (seed 002 asks for them). */
  availabilityZoneId?: string;
  vpcId: string;
  mapPublicIpOnLaunch: boolean;
}

/**
 * An existing VPC and the subnets the platform may use (seed 001 CreateVPC=false: VPCID,
 * PublicSubnetIds, PrivateSubnetIds, IsolatedSubnetIds), as looked up by
 * {@link lookupAdoptedNetwork}. Validated by {@link validateAdoptedVpc}.
 */
export interface AdoptedVpc {
  vpcId: string;
  /** The VPC's primary CIDR block. */
  cidrBlock: string;
  /** Secondary CIDR blocks associated with the VPC. @default [] */
  additionalCidrBlocks?: string[];
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  /** `domain-name-servers` of the VPC's DHCP option set. @default ["AmazonProvidedDNS"] */
  dhcpDomainNameServers?: string[];
  /** At least two, in different zones, /24 or larger. */
  privateSubnets: SubnetDescription[];
  /** NAT gateways and an internet-facing load balancer; /28 or larger. @default [] */
  publicSubnets?: SubnetDescription[];
  /** Windows workers without a route out. @default [] */
  isolatedSubnets?: SubnetDescription[];
  /** Every route table of the VPC: the S3 gateway endpoint is attached to all of them. */
  routeTableIds: string[];
}

/** What the adopted VPC is checked against besides the seed's fixed rules. */
export interface AdoptionRules {
  /** Seed ExposedOnInternet: two public subnets (/27 or larger) in different zones are then required. */
  internetFacing?: boolean;
  /**
   * Whether a Route53 Resolver inbound endpoint is created: the code form of the seed's custom-DNS
   * workaround, which makes non-Amazon DHCP name servers acceptable.
   */
  resolverInboundEndpoint?: boolean;
  /** Seed VpcCIDR when given for an existing VPC: it must be one of the VPC's blocks. */
  expectedCidrBlock?: string;
  /** Whether the S3 gateway endpoint is created (needs at least one route table). @default true */
  s3GatewayEndpoint?: boolean;
}

const AMAZON_DNS = "AmazonProvidedDNS";

function describe(subnet: SubnetDescription): string {
  return `${subnet.id} (${subnet.cidrBlock} in ${subnet.availabilityZone})`;
}

function prefixOf(cidr: string): number {
  return isCidr(cidr) ? parseCidr(cidr).prefixLength : Number.NaN;
}

/**
 * Every way `vpc` falls short of what the seeds require of an existing VPC (seed 000
 * installation requirements, seed 001 pre-deployment tasks 3 and 4). Each message names the
 * setting, the subnet and the rule. An empty list means the VPC can be used.
 */
export function adoptedVpcProblems(vpc: AdoptedVpc, rules: AdoptionRules = {}): string[] {
  const problems: string[] = [];
  const privateSubnets = vpc.privateSubnets;
  const publicSubnets = vpc.publicSubnets ?? [];
  const isolatedSubnets = vpc.isolatedSubnets ?? [];
  const vpcBlocks = [vpc.cidrBlock, ...(vpc.additionalCidrBlocks ?? [])].filter(isCidr).map(parseCidr);

  if (rules.expectedCidrBlock !== undefined) {
    const known = vpcBlocks.map(formatCidr);
    if (!known.includes(rules.expectedCidrBlock)) {
      problems.push(
        `cidr: "${rules.expectedCidrBlock}" does not match ${vpc.vpcId}, whose blocks are ${known.join(", ")} ` +
          "(seed VpcCIDR must match the existing VPC; remove it or correct it)",
      );
    }
  }
  if (!vpc.enableDnsSupport) {
    problems.push(
      `vpcId: ${vpc.vpcId} has DNS support disabled; enable it (enableDnsSupport): the private zone and the endpoints' private DNS need it`,
    );
  }
  if (!vpc.enableDnsHostnames) {
    problems.push(
      `vpcId: ${vpc.vpcId} has DNS hostnames disabled; enable it (enableDnsHostnames): interface endpoints with private DNS need it`,
    );
  }
  const servers = vpc.dhcpDomainNameServers ?? [AMAZON_DNS];
  if (!servers.includes(AMAZON_DNS) && !rules.resolverInboundEndpoint) {
    problems.push(
      `vpcId: ${vpc.vpcId} uses DHCP name servers ${servers.join(", ")} instead of AmazonProvidedDNS (seed 001 pre-deployment task 3); ` +
        "either add AmazonProvidedDNS to the DHCP options or enable resolverInboundEndpoint and have those servers forward the private domain to it",
    );
  }

  const seen = new Map<string, string>();
  const tiers: [string, SubnetDescription[]][] = [
    ["privateSubnetIds", privateSubnets],
    ["publicSubnetIds", publicSubnets],
    ["isolatedSubnetIds", isolatedSubnets],
  ];
  for (const [field, subnets] of tiers) {
    for (const subnet of subnets) {
      const earlier = seen.get(subnet.id);
      if (earlier !== undefined) {
        problems.push(
          `${field}: ${subnet.id} is listed more than once (also in ${earlier}); each subnet serves one tier`,
        );
        continue;
      }
      seen.set(subnet.id, field);
      if (subnet.vpcId !== vpc.vpcId) {
        problems.push(`${field}: ${describe(subnet)} belongs to ${subnet.vpcId}, not to ${vpc.vpcId}`);
        continue;
      }
      if (
        !isCidr(subnet.cidrBlock) ||
        !vpcBlocks.some((block) => cidrContains(block, parseCidr(subnet.cidrBlock)))
      ) {
        problems.push(`${field}: ${describe(subnet)} is not within the VPC's blocks`);
      }
    }
  }

  if (privateSubnets.length < 2) {
    problems.push(
      `privateSubnetIds: ${privateSubnets.length} given; at least 2 private subnets in different availability zones are required (seed 000 requirement 3)`,
    );
  } else if (new Set(privateSubnets.map((s) => s.availabilityZone)).size < 2) {
    problems.push(
      `privateSubnetIds: ${privateSubnets.map(describe).join(", ")} are all in one availability zone; at least 2 zones are required (seed 000 requirement 3)`,
    );
  }
  for (const subnet of privateSubnets) {
    if (prefixOf(subnet.cidrBlock) > MAX_PRIVATE_PREFIX_LENGTH) {
      problems.push(
        `privateSubnetIds: ${describe(subnet)} is smaller than /24; private subnets must be /24 or larger (seed 000 requirement 3)`,
      );
    }
    if (subnet.mapPublicIpOnLaunch) {
      problems.push(
        `privateSubnetIds: ${describe(subnet)} assigns public IPs on launch; a private subnet must not (FSBP EC2.15)`,
      );
    }
  }
  for (const subnet of isolatedSubnets) {
    if (subnet.mapPublicIpOnLaunch) {
      problems.push(
        `isolatedSubnetIds: ${describe(subnet)} assigns public IPs on launch; an isolated subnet must not (FSBP EC2.15)`,
      );
    }
  }
  for (const subnet of publicSubnets) {
    const prefix = prefixOf(subnet.cidrBlock);
    if (prefix > MAX_PUBLIC_PREFIX_LENGTH) {
      problems.push(
        `publicSubnetIds: ${describe(subnet)} is smaller than /28; public subnets must be /28 or larger (seed 000 requirement 4)`,
      );
    } else if (rules.internetFacing && prefix > MAX_INTERNET_FACING_PUBLIC_PREFIX_LENGTH) {
      problems.push(
        `publicSubnetIds: ${describe(subnet)} is smaller than /27; an internet-facing load balancer needs /27 or larger subnets`,
      );
    }
  }
  if (rules.internetFacing) {
    if (publicSubnets.length < 2 || new Set(publicSubnets.map((s) => s.availabilityZone)).size < 2) {
      problems.push(
        `publicSubnetIds: the platform is exposed on the internet, so at least 2 public subnets in different availability zones are required (seed 000 requirement 4); ${publicSubnets.length} given`,
      );
    }
  }
  if ((rules.s3GatewayEndpoint ?? true) && vpc.routeTableIds.length === 0) {
    problems.push(
      `vpcId: no route tables were found in ${vpc.vpcId}; the S3 gateway endpoint needs at least one`,
    );
  }
  return problems;
}

/** Throws one Error listing every problem of {@link adoptedVpcProblems}. */
export function validateAdoptedVpc(vpc: AdoptedVpc, rules: AdoptionRules = {}): void {
  const problems = adoptedVpcProblems(vpc, rules);
  if (problems.length > 0) {
    throw new Error(
      `the existing VPC ${vpc.vpcId} cannot be used (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

/** One subnet per availability zone, in the order given: where zonal resources (endpoints, resolver) go. */
export function onePerZone(subnets: SubnetDescription[]): SubnetDescription[] {
  const zones = new Set<string>();
  return subnets.filter((s) => {
    if (zones.has(s.availabilityZone)) {
      return false;
    }
    zones.add(s.availabilityZone);
    return true;
  });
}
