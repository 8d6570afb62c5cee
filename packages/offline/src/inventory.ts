import { readFileSync } from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

/** A subnet that exists in the account, as `aws.ec2.getSubnet` would describe it. */
export interface InventorySubnet {
  id: string;
  vpcId: string;
  cidrBlock: string;
  availabilityZone: string;
  availabilityZoneId?: string;
  mapPublicIpOnLaunch?: boolean;
}

export interface InventoryVpc {
  id: string;
  cidrBlock: string;
  additionalCidrBlocks?: string[];
  enableDnsSupport?: boolean;
  enableDnsHostnames?: boolean;
  dhcpOptionsId?: string;
}

/** What the engine pretends already exists in the account, for look-ups of existing resources. */
export interface Inventory {
  vpcs: InventoryVpc[];
  subnets: InventorySubnet[];
  dhcpOptions: { id: string; domainNameServers: string[] }[];
  routeTables: { vpcId: string; ids: string[] }[];
  buckets: { name: string; region?: string }[];
}

export const DEFAULT_INVENTORY_FILE = path.resolve(__dirname, "..", "fixtures", "inventory.yaml");

export function loadInventory(file: string = DEFAULT_INVENTORY_FILE): Inventory {
  const raw = (parse(readFileSync(file, "utf8")) ?? {}) as Partial<Inventory>;
  return {
    vpcs: raw.vpcs ?? [],
    subnets: raw.subnets ?? [],
    dhcpOptions: raw.dhcpOptions ?? [],
    routeTables: raw.routeTables ?? [],
    buckets: raw.buckets ?? [],
  };
}
