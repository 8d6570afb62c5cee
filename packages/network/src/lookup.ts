import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { AdoptedVpc, AdoptionRules, SubnetDescription } from "./adopted";
import { validateAdoptedVpc } from "./adopted";
import { DEFAULT_AVAILABILITY_ZONE_COUNT } from "./defaults";

/** The ids of an existing VPC and its subnets (seed 001 VPCID, PrivateSubnetIds, ...). */
export interface AdoptLookupRequest {
  vpcId: string;
  privateSubnetIds: string[];
  /** @default [] */
  publicSubnetIds?: string[];
  /** @default [] */
  isolatedSubnetIds?: string[];
}

/** The provider's message, or what an empty one means (the SDK drops messages of some invoke errors). */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message || "it does not exist in this account and region, or these credentials cannot see it";
}

async function describeSubnet(
  field: string,
  id: string,
  opts: pulumi.InvokeOptions | undefined,
): Promise<SubnetDescription> {
  try {
    const subnet = await aws.ec2.getSubnet({ id }, opts);
    return {
      id: subnet.id,
      cidrBlock: subnet.cidrBlock,
      availabilityZone: subnet.availabilityZone,
      availabilityZoneId: subnet.availabilityZoneId,
      vpcId: subnet.vpcId,
      mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch,
    };
  } catch (err) {
    throw new Error(`${field}: subnet ${id} could not be looked up: ${reason(err)}`);
  }
}

/**
 * Looks up an existing VPC, its DHCP name servers, its route tables and the given subnets, and
 * validates them ({@link validateAdoptedVpc}), before any resource of the Network is registered.
 *
 * Why a separate async step and not look-ups inside the component: a rule broken inside an
 * `apply` surfaces only after the component's other children are registered, which leaves a
 * half-built graph (and a failed `up` with some resources created). Awaiting this first makes a
 * bad subnet stop the program before anything is created. Pass the result as `NetworkArgs.adopt`.
 *
 * @param opts invoke options; pass the stack's provider so the look-ups use its account and region.
 */
export async function lookupAdoptedNetwork(
  request: AdoptLookupRequest,
  rules: AdoptionRules = {},
  opts?: pulumi.InvokeOptions,
): Promise<AdoptedVpc> {
  let vpc: aws.ec2.GetVpcResult;
  try {
    vpc = await aws.ec2.getVpc({ id: request.vpcId }, opts);
  } catch (err) {
    throw new Error(`vpcId: VPC ${request.vpcId} could not be looked up: ${reason(err)}`);
  }
  // A VPC without its own option set ("default") gets AmazonProvidedDNS.
  let servers = ["AmazonProvidedDNS"];
  if (vpc.dhcpOptionsId && vpc.dhcpOptionsId !== "default") {
    const dhcp = await aws.ec2.getVpcDhcpOptions({ dhcpOptionsId: vpc.dhcpOptionsId }, opts);
    servers = dhcp.domainNameServers;
  }
  const routeTables = await aws.ec2.getRouteTables({ vpcId: request.vpcId }, opts);
  const [privateSubnets, publicSubnets, isolatedSubnets] = await Promise.all(
    (
      [
        ["privateSubnetIds", request.privateSubnetIds],
        ["publicSubnetIds", request.publicSubnetIds ?? []],
        ["isolatedSubnetIds", request.isolatedSubnetIds ?? []],
      ] as const
    ).map(([field, ids]) => Promise.all(ids.map((id) => describeSubnet(field, id, opts)))),
  );
  const adopted: AdoptedVpc = {
    vpcId: vpc.id,
    cidrBlock: vpc.cidrBlock,
    additionalCidrBlocks: (vpc.cidrBlockAssociations ?? [])
      .map((a) => a.cidrBlock)
      .filter((block) => block !== vpc.cidrBlock),
    enableDnsSupport: vpc.enableDnsSupport,
    enableDnsHostnames: vpc.enableDnsHostnames,
    dhcpDomainNameServers: servers,
    privateSubnets: privateSubnets!,
    publicSubnets: publicSubnets!,
    isolatedSubnets: isolatedSubnets!,
    routeTableIds: [...routeTables.ids].sort(),
  };
  validateAdoptedVpc(adopted, rules);
  return adopted;
}

/**
 * Thrown by {@link resolveAvailabilityZones} when the region cannot give the zones asked for: it
 * carries the count asked for and the zones the region offers, so a caller can report it against
 * its own setting.
 */
export class AvailabilityZonesError extends Error {
  constructor(
    /** The count asked for; undefined for the default (3 where the region has them). */
    readonly requested: number | undefined,
    /** How many zones that means. */
    readonly wanted: number,
    /** The zones the region offers, sorted. */
    readonly available: string[],
  ) {
    super(
      `availabilityZoneCount: ${requested ?? "default"} asks for ${wanted} zones but the region offers ${available.length} (${available.join(", ")}); ` +
        "the platform needs at least 2",
    );
    this.name = "AvailabilityZonesError";
  }
}

/**
 * The availability zones a created VPC spans, resolved before the Network is built so that the
 * default is "3 where the region has them, else 2" and an explicit count the region cannot meet
 * stops the program with a clear message (awsx would otherwise fail half-way).
 *
 * @param count 2 or 3; undefined means 3 where available.
 */
export async function resolveAvailabilityZones(
  count: number | undefined,
  opts?: pulumi.InvokeOptions,
): Promise<string[]> {
  // Availability Zones proper: opted-in Local and Wavelength Zones lack many services and endpoints.
  const zones = await aws.getAvailabilityZones(
    { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
    opts,
  );
  const names = [...zones.names].sort();
  const wanted = count ?? Math.min(DEFAULT_AVAILABILITY_ZONE_COUNT, names.length);
  if (names.length < wanted || wanted < 2) {
    throw new AvailabilityZonesError(count, wanted, names);
  }
  return names.slice(0, wanted);
}
