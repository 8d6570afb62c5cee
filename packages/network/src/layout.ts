import { allocateSubnets, cidrSize, formatCidr, isPrivateCidr, parseCidr } from "@tdp/core";
import type { Cidr } from "@tdp/core";

import {
  MAX_INTERNET_FACING_PUBLIC_PREFIX_LENGTH,
  MAX_PRIVATE_PREFIX_LENGTH,
  MAX_PUBLIC_PREFIX_LENGTH,
  MAX_SUBNET_PREFIX_LENGTH,
  MAX_VPC_PREFIX_LENGTH,
  MIN_SUBNET_PREFIX_LENGTH,
  MIN_VPC_PREFIX_LENGTH,
} from "./defaults";

/** What a created VPC's subnets are planned from. */
export interface SubnetLayoutRequest {
  /** The VPC block (seed VpcCIDR). */
  cidrBlock: string;
  /** How many availability zones the subnets span (2 or 3). */
  availabilityZoneCount: number;
  /** Whether a public tier exists (NAT gateways, internet-facing load balancer). */
  publicSubnets: boolean;
  /** Whether an isolated tier exists (Windows workers, no route out). */
  isolatedSubnets: boolean;
  /** Whether an internet-facing load balancer will use the public subnets (needs /27 or larger). */
  internetFacing?: boolean;
  /** @default azPrefixLength + 1: half of each zone's block */
  privatePrefixLength?: number;
  /** @default azPrefixLength + 4: a sixteenth of each zone's block */
  publicPrefixLength?: number;
  /** @default azPrefixLength + 3: an eighth of each zone's block */
  isolatedPrefixLength?: number;
}

export type SubnetTier = "public" | "private" | "isolated";

export interface TierLayout {
  prefixLength: number;
  /** One block per availability zone, in zone order. */
  cidrBlocks: string[];
}

export interface SubnetLayout {
  /** Prefix length of each zone's share of the VPC. */
  azPrefixLength: number;
  /** Each zone's share of the VPC, in zone order. */
  availabilityZoneCidrs: string[];
  private: TierLayout;
  public?: TierLayout;
  isolated?: TierLayout;
}

/**
 * Plans the subnets of a created VPC, the way awsx's "Auto" strategy divides space (the VPC split
 * into a power-of-two number of equal zone blocks, subnets carved from each), but computed here so
 * the blocks are known, tested and passed to awsx explicitly. Within a zone the tiers are laid out
 * largest first, which packs power-of-two blocks without gaps. Throws an Error naming the setting
 * and the rule when the request cannot be met.
 */
export function planSubnetLayout(request: SubnetLayoutRequest): SubnetLayout {
  let vpc: Cidr;
  try {
    vpc = parseCidr(request.cidrBlock);
  } catch (err) {
    throw new Error(`cidrBlock: ${(err as Error).message}`);
  }
  if (!isPrivateCidr(vpc)) {
    throw new Error(
      `cidrBlock "${request.cidrBlock}" is not in an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)`,
    );
  }
  if (vpc.prefixLength < MIN_VPC_PREFIX_LENGTH || vpc.prefixLength > MAX_VPC_PREFIX_LENGTH) {
    throw new Error(
      `cidrBlock "${request.cidrBlock}" must be /${MIN_VPC_PREFIX_LENGTH} to /${MAX_VPC_PREFIX_LENGTH}: ` +
        `AWS allows at most /16, and two /24 private subnets with their public subnets need at least a /22`,
    );
  }
  const azCount = request.availabilityZoneCount;
  if (!Number.isInteger(azCount) || azCount < 2 || azCount > 3) {
    throw new Error(
      `availabilityZoneCount ${azCount} is invalid: use 2 or 3 (the seed needs private subnets in at least two zones)`,
    );
  }

  const azPrefixLength = vpc.prefixLength + Math.ceil(Math.log2(azCount));
  const tiers: { tier: SubnetTier; prefixLength: number }[] = [];
  const privatePrefix = request.privatePrefixLength ?? azPrefixLength + 1;
  checkPrefix(
    "privatePrefixLength",
    privatePrefix,
    MAX_PRIVATE_PREFIX_LENGTH,
    "private subnets must be /24 or larger (seed 000 installation requirement 3)",
  );
  tiers.push({ tier: "private", prefixLength: privatePrefix });
  if (request.isolatedSubnets) {
    const isolatedPrefix = request.isolatedPrefixLength ?? azPrefixLength + 3;
    checkPrefix(
      "isolatedPrefixLength",
      isolatedPrefix,
      MAX_SUBNET_PREFIX_LENGTH,
      "AWS subnets are /16 to /28",
    );
    tiers.push({ tier: "isolated", prefixLength: isolatedPrefix });
  } else if (request.isolatedPrefixLength !== undefined) {
    throw new Error(
      "isolatedPrefixLength is set but isolatedSubnets is false: enable isolated subnets or remove the size",
    );
  }
  if (request.publicSubnets) {
    const publicPrefix = request.publicPrefixLength ?? azPrefixLength + 4;
    checkPrefix(
      "publicPrefixLength",
      publicPrefix,
      MAX_PUBLIC_PREFIX_LENGTH,
      "public subnets must be /28 or larger (seed 000 installation requirement 4)",
    );
    if (request.internetFacing && publicPrefix > MAX_INTERNET_FACING_PUBLIC_PREFIX_LENGTH) {
      throw new Error(
        `publicPrefixLength ${publicPrefix} is too small for an internet-facing platform: ` +
          `an Application Load Balancer needs /${MAX_INTERNET_FACING_PUBLIC_PREFIX_LENGTH} or larger subnets`,
      );
    }
    tiers.push({ tier: "public", prefixLength: publicPrefix });
  } else if (request.publicPrefixLength !== undefined) {
    throw new Error(
      "publicPrefixLength is set but publicSubnets is false: enable public subnets or remove the size",
    );
  }

  const zoneBlocks = Array.from({ length: azCount }, (_, i) => ({
    network: vpc.network + i * 2 ** (32 - azPrefixLength),
    prefixLength: azPrefixLength,
  }));
  // Largest first: aligned power-of-two blocks in descending size leave no gaps.
  const ordered = [...tiers].sort((a, b) => a.prefixLength - b.prefixLength);
  const needed = ordered.reduce((sum, t) => sum + 2 ** (32 - t.prefixLength), 0);
  const zoneSize = cidrSize(zoneBlocks[0]!);
  if (needed > zoneSize || ordered.some((t) => t.prefixLength < azPrefixLength)) {
    const asked = tiers.map((t) => `${t.tier} /${t.prefixLength}`).join(", ");
    throw new Error(
      `the subnets (${asked}) do not fit: ${request.cidrBlock} across ${azCount} zones leaves a /${azPrefixLength} ` +
        `(${zoneSize} addresses) per zone and they need ${needed}; use a larger cidrBlock, smaller subnets or fewer zones`,
    );
  }
  const perZone = zoneBlocks.map((block) =>
    allocateSubnets(
      block,
      ordered.map((t) => t.prefixLength),
    ),
  );

  const layout: SubnetLayout = {
    azPrefixLength,
    availabilityZoneCidrs: zoneBlocks.map(formatCidr),
    private: { prefixLength: privatePrefix, cidrBlocks: [] },
  };
  ordered.forEach((t, index) => {
    const tierLayout: TierLayout = {
      prefixLength: t.prefixLength,
      cidrBlocks: perZone.map((blocks) => formatCidr(blocks[index]!)),
    };
    layout[t.tier] = tierLayout;
  });
  return layout;
}

function checkPrefix(field: string, value: number, max: number, rule: string): void {
  if (!Number.isInteger(value) || value < MIN_SUBNET_PREFIX_LENGTH || value > max) {
    throw new Error(
      `${field} ${value} is invalid: ${rule} (allowed /${MIN_SUBNET_PREFIX_LENGTH} to /${max})`,
    );
  }
}
