/**
 * Answers to the provider functions (invokes) the program calls, keyed by token. An invoke that
 * is not in the table fails with a message naming it, rather than returning something made up.
 */
import { createHash } from "node:crypto";

import type { OfflineContext, RegionZones } from "./context";

type Inputs = Record<string, unknown>;
type InvokeAnswer = (inputs: Inputs, ctx: OfflineContext) => Record<string, unknown>;

function zoneIdPrefix(region: string): string {
  const [geo, direction, number] = region.split("-");
  return `${geo}${(direction ?? "").slice(0, 1)}${number}`;
}

function notFound(kind: string, detail: string): never {
  throw new Error(
    `no matching ${kind} found: ${detail} (offline inventory, packages/offline/fixtures/inventory.yaml)`,
  );
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * Regions whose accounts get fewer than three Availability Zones, as AWS offers them (us-west-1
 * gives each account two of its three zones: the letters vary by account, the ids do not). Every
 * other region answers three zones a, b and c.
 */
export const REGION_ZONES: Readonly<Record<string, RegionZones>> = {
  "us-west-1": { names: ["us-west-1a", "us-west-1c"], zoneIds: ["usw1-az1", "usw1-az3"] },
};

/** The zones a region answers with: a test's override, the table, or three zones. */
export function regionZones(ctx: OfflineContext): RegionZones {
  const known = ctx.availabilityZones?.[ctx.region] ?? REGION_ZONES[ctx.region];
  if (known) {
    return { names: [...known.names], zoneIds: [...known.zoneIds] };
  }
  const prefix = zoneIdPrefix(ctx.region);
  return {
    names: ["a", "b", "c"].map((letter) => `${ctx.region}${letter}`),
    zoneIds: [1, 2, 4].map((n) => `${prefix}-az${n}`),
  };
}

export const INVOKES: Record<string, InvokeAnswer> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_inputs, ctx) => {
    const { names, zoneIds } = regionZones(ctx);
    return {
      id: ctx.region,
      names,
      zoneIds,
      groupNames: [ctx.region],
      state: "available",
    };
  },
  "aws:index/getCallerIdentity:getCallerIdentity": (_inputs, ctx) => ({
    id: ctx.accountId,
    accountId: ctx.accountId,
    arn: `arn:${ctx.partition}:iam::${ctx.accountId}:role/offline-deployer`,
    userId: "AROAOFFLINEDEPLOYER:offline",
  }),
  "aws:index/getRegion:getRegion": (_inputs, ctx) => ({
    id: ctx.region,
    region: ctx.region,
    name: ctx.region,
    endpoint: `ec2.${ctx.region}.amazonaws.com`,
    description: ctx.region,
  }),
  "aws:index/getPartition:getPartition": (_inputs, ctx) => ({
    id: ctx.partition,
    partition: ctx.partition,
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  // AWS-managed prefix lists (com.amazonaws.<region>.s3, .dynamodb): a stable id per name.
  "aws:ec2/getPrefixList:getPrefixList": (inputs) => {
    const name = String(inputs["name"] ?? "");
    if (!/^com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/.test(name)) {
      notFound("EC2 Prefix List", `name ${name}`);
    }
    const id = `pl-${hex(name, 8)}`;
    return { id, prefixListId: id, name, cidrBlocks: ["52.216.0.0/15", "54.231.0.0/16"] };
  },
  "aws:ec2/getSubnet:getSubnet": (inputs, ctx) => {
    const id = String(inputs["id"] ?? "");
    const subnet = ctx.inventory.subnets.find((s) => s.id === id) ?? notFound("EC2 Subnet", `id ${id}`);
    return {
      ...subnet,
      availabilityZoneId: subnet.availabilityZoneId ?? "",
      mapPublicIpOnLaunch: subnet.mapPublicIpOnLaunch ?? false,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:subnet/${subnet.id}`,
      ownerId: ctx.accountId,
      state: "available",
      tags: {},
    };
  },
  "aws:ec2/getVpc:getVpc": (inputs, ctx) => {
    const id = String(inputs["id"] ?? "");
    const vpc = ctx.inventory.vpcs.find((v) => v.id === id) ?? notFound("VPC", `id ${id}`);
    return {
      id: vpc.id,
      cidrBlock: vpc.cidrBlock,
      cidrBlockAssociations: [vpc.cidrBlock, ...(vpc.additionalCidrBlocks ?? [])].map((cidrBlock, i) => ({
        associationId: `vpc-cidr-assoc-${hex(vpc.id + i, 17)}`,
        cidrBlock,
        state: "associated",
      })),
      enableDnsSupport: vpc.enableDnsSupport ?? true,
      enableDnsHostnames: vpc.enableDnsHostnames ?? true,
      dhcpOptionsId: vpc.dhcpOptionsId ?? "",
      arn: `arn:${ctx.partition}:ec2:${ctx.region}:${ctx.accountId}:vpc/${vpc.id}`,
      ownerId: ctx.accountId,
      state: "available",
      default: false,
      tags: {},
    };
  },
  "aws:ec2/getVpcDhcpOptions:getVpcDhcpOptions": (inputs, ctx) => {
    const id = String(inputs["dhcpOptionsId"] ?? "");
    const options =
      ctx.inventory.dhcpOptions.find((d) => d.id === id) ?? notFound("DHCP Options", `id ${id}`);
    return {
      id: options.id,
      dhcpOptionsId: options.id,
      domainNameServers: options.domainNameServers,
      domainName: `${ctx.region}.compute.internal`,
      ntpServers: [],
      netbiosNameServers: [],
      ownerId: ctx.accountId,
      tags: {},
    };
  },
  "aws:ec2/getRouteTables:getRouteTables": (inputs, ctx) => {
    const vpcId = String(inputs["vpcId"] ?? "");
    const ids = ctx.inventory.routeTables.filter((r) => r.vpcId === vpcId).flatMap((r) => r.ids);
    return { id: vpcId, ids, vpcId };
  },
  "aws:s3/getBucket:getBucket": (inputs, ctx) => {
    const name = String(inputs["bucket"] ?? "");
    const bucket =
      ctx.inventory.buckets.find((b) => b.name === name) ?? notFound("S3 Bucket", `bucket ${name}`);
    const region = bucket.region ?? ctx.region;
    return {
      id: bucket.name,
      bucket: bucket.name,
      arn: `arn:${ctx.partition}:s3:::${bucket.name}`,
      region,
      bucketDomainName: `${bucket.name}.s3.amazonaws.com`,
      bucketRegionalDomainName: `${bucket.name}.s3.${region}.amazonaws.com`,
      hostedZoneId: "Z3AQBSTGFYJSTF",
    };
  },
  "aws:ssm/getParameter:getParameter": (inputs, ctx) => {
    const name = String(inputs["name"] ?? "");
    const value = name.includes("/aws/service/")
      ? `ami-${hex(name, 17)}`
      : notFound("SSM Parameter", `name ${name}`);
    return {
      id: name,
      name,
      arn: `arn:${ctx.partition}:ssm:${ctx.region}::parameter${name}`,
      type: "String",
      value,
      insecureValue: value,
      version: 1,
      withDecryption: true,
    };
  },
  "aws:ec2/getAmi:getAmi": (inputs, ctx) => {
    const id = `ami-${hex(JSON.stringify(inputs), 17)}`;
    return {
      id,
      imageId: id,
      arn: `arn:${ctx.partition}:ec2:${ctx.region}::image/${id}`,
      name: "offline-image",
      architecture: "x86_64",
      rootDeviceName: "/dev/xvda",
      blockDeviceMappings: [],
      mostRecent: true,
    };
  },
  // EKS add-on versions are per Kubernetes version and change over time: offline they are a
  // marked, stable stand-in that no real version looks like.
  "aws:eks/getAddonVersion:getAddonVersion": (inputs) => {
    const addonName = String(inputs["addonName"] ?? "");
    const kubernetesVersion = String(inputs["kubernetesVersion"] ?? "");
    const version = `v0.0.0-offline-${addonName}-for-${kubernetesVersion}`;
    return {
      id: addonName,
      addonName,
      kubernetesVersion,
      mostRecent: inputs["mostRecent"] ?? false,
      version,
    };
  },
  "aws:elb/getServiceAccount:getServiceAccount": (_inputs, ctx) => ({
    id: "127311923021",
    arn: `arn:${ctx.partition}:iam::127311923021:root`,
  }),
};

export function answerInvoke(token: string, inputs: Inputs, ctx: OfflineContext): Record<string, unknown> {
  const answer = INVOKES[token];
  if (!answer) {
    throw new Error(
      `the offline engine has no answer for the invoke ${token}; add one to packages/offline/src/invokes.ts`,
    );
  }
  return answer(inputs, ctx);
}
