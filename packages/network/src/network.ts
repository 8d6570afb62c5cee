import * as aws from "@pulumi/aws";
// awsx's root module loads its whole "classic" library (about 100 files) on import; the VPC needs
// only the ec2 module and the input types.
import type * as awsxInputs from "@pulumi/awsx/types/input";
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";
import {
  KEY_ADMIN_ACTIONS,
  KEY_USE_ACTIONS,
  LOG_RETENTION_DAYS,
  ServiceRole,
  allow,
  cloudWatchLogsKeyStatement,
  isCidr,
  parseCidr,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

import type { AdoptedVpc } from "./adopted";
import { onePerZone, validateAdoptedVpc } from "./adopted";
import type { WindowsWorkerService } from "./defaults";
import {
  DEFAULT_AVAILABILITY_ZONE_COUNT,
  DEFAULT_INTERFACE_ENDPOINTS,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_PRIVATE_DOMAIN,
  DEFAULT_VPC_CIDR,
  WINDOWS_WORKER_SERVICES,
} from "./defaults";
import type { SubnetLayout } from "./layout";
import { planSubnetLayout } from "./layout";

export type NatGatewayMode = "perAz" | "single" | "none";
export type FlowLogTrafficType = "ALL" | "ACCEPT" | "REJECT";

/** How a new VPC is laid out (seed 001 CreateVPC=true, VpcCIDR). */
export interface CreateVpcArgs {
  /** Seed VpcCIDR: an RFC 1918 block, /16 to /22. @default "10.40.0.0/16" */
  cidrBlock?: string;
  /**
   * The zones to use, in order. Prefer passing them (see `resolveAvailabilityZones`) so the
   * component knows them; otherwise awsx takes the region's first `availabilityZoneCount` zones.
   * @default the first availabilityZoneCount zones of the region
   */
  availabilityZoneNames?: string[];
  /** 2 or 3; ignored when availabilityZoneNames is given (its length counts). @default 3 */
  availabilityZoneCount?: number;
  /** One NAT gateway per zone (resilient), one for the VPC (cheaper), or none. @default "perAz" */
  natGateways?: NatGatewayMode;
  /**
   * A public tier: needed for NAT gateways and an internet-facing load balancer.
   * @default true unless natGateways is "none" and the platform is not internet-facing
   */
  publicSubnets?: boolean;
  /** An isolated tier (no route out) for the Windows workers. @default false */
  isolatedSubnets?: boolean;
  /** Private subnet size; /24 or larger. @default half of each zone's block */
  privatePrefixLength?: number;
  /** Public subnet size; /28 or larger (/27 when internet-facing). @default a sixteenth of each zone's block */
  publicPrefixLength?: number;
  /** Isolated subnet size. @default an eighth of each zone's block */
  isolatedPrefixLength?: number;
  /**
   * A network ACL on every subnet instead of the VPC's allow-all default: nothing from outside the
   * VPC reaches ports below 1024 except 53 (from the resolver's clients), 80 and 443, and 3389
   * never does (FSBP EC2.21). Security groups still do the fine-grained filtering.
   * @default true
   */
  networkAcl?: boolean;
}

/** The DNS names the Windows workers use for the four services (seed 001 LogsEndpoint, ...). */
export type ServiceEndpoints = Record<WindowsWorkerService, string>;

export interface ResolverInboundEndpointArgs {
  /** Networks allowed to send DNS queries (the customer's DNS servers), as CIDR blocks. */
  allowedCidrs: string[];
}

/**
 * Seed 002: an interface endpoint to the TDP endpoint service TetraScience shares over AWS
 * PrivateLink, and private DNS so the standard TDP hostnames resolve to it inside the VPC.
 */
export interface PrivateLinkArgs {
  /** The endpoint service name from TetraScience: `com.amazonaws.vpce.<region>.vpce-svc-…` (same region). */
  serviceName: string;
  /** Networks allowed to reach the endpoint on 443. @default the VPC's blocks */
  allowedCidrs?: string[];
  /**
   * Hostnames resolved to the endpoint inside the VPC (for example api.platform.tetrascience.com):
   * each gets a private zone of its own, so other names of the same domain still resolve publicly.
   * @default []
   */
  dnsNames?: string[];
}

export interface FlowLogArgs {
  /** @default "ALL" */
  trafficType?: FlowLogTrafficType;
  /** Seconds per aggregation window: 60 or 600. @default 60 */
  maxAggregationInterval?: number;
}

export interface NetworkArgs {
  /** Physical names of the deployment. */
  naming: Naming;
  /** IAMRolePrefix and IAMBoundaryPolicy for the flow-log role. */
  iam: IamSettings;
  /** The region the network is in (service endpoint names are built from it). */
  region: string;
  /** Create a VPC (seed CreateVPC=true). Exactly one of create and adopt; neither means create with defaults. */
  create?: CreateVpcArgs;
  /** Use an existing VPC, looked up and validated by `lookupAdoptedNetwork` (seed CreateVPC=false). */
  adopt?: AdoptedVpc;
  /** Seed ExposedOnInternet: public subnets are then required (/27 or larger). @default false */
  internetFacing?: boolean;
  /** Interface endpoints by service short name (`logs`, `ecr.api`, ...). @default DEFAULT_INTERFACE_ENDPOINTS */
  interfaceEndpoints?: string[];
  /** An S3 gateway endpoint on every route table (seed 001 post-deployment task). @default true */
  s3GatewayEndpoint?: boolean;
  /**
   * DNS names the Windows workers use instead of the derived ones (seed LogsEndpoint,
   * MonitoringEndpoint, SqsEndpoint, CloudformationEndpoint). @default derived from the endpoints
   */
  serviceEndpoints?: Partial<ServiceEndpoints>;
  /** Seed PrivateDomain: a Route53 private zone associated with the VPC. @default "ts-dip.internal" */
  privateDomain?: string;
  /**
   * A Route53 Resolver inbound endpoint so a customer's own DNS servers can forward the private
   * domain (seed 001 pre-deployment task 3, done in code). @default none
   */
  resolverInboundEndpoint?: ResolverInboundEndpointArgs;
  /** Seed 002: PrivateLink to the TDP endpoint service. @default none */
  privateLink?: PrivateLinkArgs;
  /** VPC flow logs settings. @default { trafficType: "ALL", maxAggregationInterval: 60 } */
  flowLogs?: FlowLogArgs;
  /** Seed LogRetentionDays: retention of the flow-log group. @default 90 */
  logRetentionDays?: number;
  /** A KMS key for the flow-log group; when absent the component creates one (rotation on). @default created */
  logsKmsKeyArn?: pulumi.Input<string>;
}

/** A network ACL holds 20 inbound rules; 8 are the fixed ones below and 2 go to each DNS client network. */
const MAX_NACL_DNS_CLIENTS = 6;
const REGION_PATTERN = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const SERVICE_PATTERN = /^[a-z0-9-]+(\.[a-z0-9-]+)*$/;
const DNS_NAME_PATTERN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const ENDPOINT_SERVICE_NAME = /^com\.amazonaws\.vpce\.([a-z]{2}(-gov)?-[a-z]+-\d)\.vpce-svc-[0-9a-f]{8,17}$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:(key|alias)\/[\w/-]+$/;

/** The resolved create-mode settings, defaults applied. */
export interface ResolvedCreateVpc {
  cidrBlock: string;
  availabilityZoneNames?: string[];
  availabilityZoneCount: number;
  natGateways: NatGatewayMode;
  publicSubnets: boolean;
  isolatedSubnets: boolean;
  layout: SubnetLayout;
}

/** Applies the create-mode defaults and plans the subnets; throws on a setting that cannot work. */
export function resolveCreateVpc(create: CreateVpcArgs, internetFacing: boolean): ResolvedCreateVpc {
  const names = create.availabilityZoneNames;
  if (names !== undefined) {
    if (new Set(names).size !== names.length) {
      throw new Error(`availabilityZoneNames ${JSON.stringify(names)} lists a zone twice`);
    }
    if (create.availabilityZoneCount !== undefined && create.availabilityZoneCount !== names.length) {
      throw new Error(
        `availabilityZoneCount ${create.availabilityZoneCount} contradicts availabilityZoneNames (${names.length} zones); give one of them`,
      );
    }
  }
  const availabilityZoneCount =
    names?.length ?? create.availabilityZoneCount ?? DEFAULT_AVAILABILITY_ZONE_COUNT;
  const natGateways = create.natGateways ?? "perAz";
  if (!["perAz", "single", "none"].includes(natGateways)) {
    throw new Error(`natGateways "${natGateways}" is invalid: use "perAz", "single" or "none"`);
  }
  const publicSubnets = create.publicSubnets ?? (internetFacing || natGateways !== "none");
  if (!publicSubnets && natGateways !== "none") {
    throw new Error(
      `natGateways "${natGateways}" needs public subnets (NAT gateways live in them): set publicSubnets to true or natGateways to "none"`,
    );
  }
  if (!publicSubnets && internetFacing) {
    throw new Error(
      "publicSubnets is false but the platform is exposed on the internet: its load balancer needs public subnets",
    );
  }
  const cidrBlock = create.cidrBlock ?? DEFAULT_VPC_CIDR;
  const layout = planSubnetLayout({
    cidrBlock,
    availabilityZoneCount,
    publicSubnets,
    isolatedSubnets: create.isolatedSubnets ?? false,
    internetFacing,
    privatePrefixLength: create.privatePrefixLength,
    publicPrefixLength: create.publicPrefixLength,
    isolatedPrefixLength: create.isolatedPrefixLength,
  });
  return {
    cidrBlock,
    availabilityZoneNames: names,
    availabilityZoneCount,
    natGateways,
    publicSubnets,
    isolatedSubnets: create.isolatedSubnets ?? false,
    layout,
  };
}

/**
 * Checks every argument of a Network before any child is created; throws an Error naming the
 * argument, the value and the rule.
 */
export function validateNetworkArgs(args: NetworkArgs): void {
  if (args.create !== undefined && args.adopt !== undefined) {
    throw new Error("give exactly one of create (a new VPC) and adopt (an existing VPC), not both");
  }
  if (!REGION_PATTERN.test(args.region)) {
    throw new Error(`region "${args.region}" is not an AWS region code such as us-east-1`);
  }
  const endpoints = args.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS;
  const seen = new Set<string>();
  for (const service of endpoints) {
    if (!SERVICE_PATTERN.test(service)) {
      throw new Error(
        `interfaceEndpoints: "${service}" is not a service short name such as "logs" or "ecr.api"`,
      );
    }
    if (service === "s3" || service === "dynamodb") {
      throw new Error(
        `interfaceEndpoints: "${service}" is served by a gateway endpoint (free, on the route tables); remove it (s3GatewayEndpoint covers S3)`,
      );
    }
    if (seen.has(service)) {
      throw new Error(`interfaceEndpoints: "${service}" is listed twice`);
    }
    seen.add(service);
  }
  const privateDomain = args.privateDomain ?? DEFAULT_PRIVATE_DOMAIN;
  if (!DNS_NAME_PATTERN.test(privateDomain)) {
    throw new Error(
      `privateDomain "${privateDomain}" is not a lowercase DNS name with at least two labels, such as ts-dip.internal`,
    );
  }
  if (privateDomain === "amazonaws.com" || privateDomain.endsWith(".amazonaws.com")) {
    throw new Error(
      `privateDomain "${privateDomain}" would shadow AWS service names in the VPC; choose a name of your own`,
    );
  }
  const retention = args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
    throw new Error(
      `logRetentionDays ${retention} is not a retention period CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")})`,
    );
  }
  if (typeof args.logsKmsKeyArn === "string" && !KMS_KEY_ARN.test(args.logsKmsKeyArn)) {
    throw new Error(
      `logsKmsKeyArn "${args.logsKmsKeyArn}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`,
    );
  }
  const trafficType = args.flowLogs?.trafficType ?? "ALL";
  if (!["ALL", "ACCEPT", "REJECT"].includes(trafficType)) {
    throw new Error(`flowLogs.trafficType "${trafficType}" is invalid: use ALL, ACCEPT or REJECT`);
  }
  const interval = args.flowLogs?.maxAggregationInterval ?? 60;
  if (interval !== 60 && interval !== 600) {
    throw new Error(
      `flowLogs.maxAggregationInterval ${interval} is invalid: VPC flow logs aggregate over 60 or 600 seconds`,
    );
  }
  for (const [service, name] of Object.entries(args.serviceEndpoints ?? {})) {
    if (!(WINDOWS_WORKER_SERVICES as readonly string[]).includes(service)) {
      throw new Error(
        `serviceEndpoints.${service} is not one of the Windows workers' services (${WINDOWS_WORKER_SERVICES.join(", ")})`,
      );
    }
    if (typeof name !== "string" || !DNS_NAME_PATTERN.test(name)) {
      throw new Error(`serviceEndpoints.${service} "${String(name)}" is not a lowercase DNS name (an FQDN)`);
    }
  }
  if (args.resolverInboundEndpoint !== undefined) {
    const cidrs = args.resolverInboundEndpoint.allowedCidrs;
    if (cidrs.length === 0) {
      throw new Error(
        "resolverInboundEndpoint.allowedCidrs is empty: list the networks of the DNS servers that will forward the private domain",
      );
    }
    for (const cidr of cidrs) {
      if (!isCidr(cidr)) {
        throw new Error(`resolverInboundEndpoint.allowedCidrs: "${cidr}" is not an IPv4 CIDR block`);
      }
      if (parseCidr(cidr).prefixLength === 0) {
        throw new Error(
          `resolverInboundEndpoint.allowedCidrs: "${cidr}" would open the resolver to the whole internet; list the DNS servers' networks`,
        );
      }
    }
  }

  if (args.privateLink !== undefined) {
    validatePrivateLink(args.privateLink, args.region);
  }

  const dnsClients = args.resolverInboundEndpoint?.allowedCidrs.length ?? 0;
  if (args.adopt === undefined && (args.create?.networkAcl ?? true) && dnsClients > MAX_NACL_DNS_CLIENTS) {
    throw new Error(
      `resolverInboundEndpoint.allowedCidrs lists ${dnsClients} networks but the VPC's network ACL has room for ` +
        `${MAX_NACL_DNS_CLIENTS} (20 inbound rules per ACL); summarise them into fewer blocks or set create.networkAcl to false`,
    );
  }

  const internetFacing = args.internetFacing ?? false;
  let hasIsolated: boolean;
  if (args.adopt !== undefined) {
    validateAdoptedVpc(args.adopt, {
      internetFacing,
      resolverInboundEndpoint: args.resolverInboundEndpoint !== undefined,
      s3GatewayEndpoint: args.s3GatewayEndpoint ?? true,
    });
    hasIsolated = (args.adopt.isolatedSubnets ?? []).length > 0;
  } else {
    hasIsolated = resolveCreateVpc(args.create ?? {}, internetFacing).isolatedSubnets;
  }
  if (hasIsolated) {
    for (const service of WINDOWS_WORKER_SERVICES) {
      if (!seen.has(service) && args.serviceEndpoints?.[service] === undefined) {
        throw new Error(
          `interfaceEndpoints lacks "${service}" but isolated subnets have no route out: the Windows workers there reach ` +
            `${service} only through an interface endpoint; add it or set serviceEndpoints.${service}`,
        );
      }
    }
  }
}

/** Seed 002's rules for the PrivateLink endpoint. */
export function validatePrivateLink(privateLink: PrivateLinkArgs, region: string): void {
  const match = ENDPOINT_SERVICE_NAME.exec(privateLink.serviceName);
  if (!match) {
    throw new Error(
      `privateLink.serviceName "${privateLink.serviceName}" is not an endpoint service name (com.amazonaws.vpce.<region>.vpce-svc-<id>)`,
    );
  }
  if (match[1] !== region) {
    throw new Error(
      `privateLink.serviceName "${privateLink.serviceName}" is in ${match[1]} but the VPC is in ${region}: ` +
        "a PrivateLink connection needs both in the same region (seed 002)",
    );
  }
  for (const cidr of privateLink.allowedCidrs ?? []) {
    if (!isCidr(cidr)) {
      throw new Error(`privateLink.allowedCidrs: "${cidr}" is not an IPv4 CIDR block`);
    }
    if (parseCidr(cidr).prefixLength === 0) {
      throw new Error(
        `privateLink.allowedCidrs: "${cidr}" admits every address; list the networks that use the platform`,
      );
    }
  }
  const names = privateLink.dnsNames ?? [];
  for (const dnsName of names) {
    if (!DNS_NAME_PATTERN.test(dnsName)) {
      throw new Error(`privateLink.dnsNames: "${dnsName}" is not a lowercase DNS name`);
    }
  }
  if (new Set(names).size !== names.length) {
    throw new Error(`privateLink.dnsNames ${JSON.stringify(names)} lists a name twice`);
  }
}

/**
 * The name a Windows worker should use for an interface endpoint: the endpoint's regional DNS
 * name (`vpce-….<service>.<region>.vpce.amazonaws.com`). It resolves to the endpoint's private
 * addresses from any resolver, so it works even where the customer's DNS does not forward to
 * Route53 (seed 000, "custom DNS resolvers"); zonal names are longer and tie a worker to one zone.
 */
export function regionalEndpointDnsName(
  entries: readonly { dnsName?: string }[] | undefined,
  fallback: string,
): string {
  const names = (entries ?? [])
    .map((e) => e.dnsName)
    .filter((n): n is string => typeof n === "string" && n.includes(".vpce."));
  if (names.length === 0) {
    return fallback;
  }
  return names.reduce((shortest, n) => (n.length < shortest.length ? n : shortest));
}

export interface NetworkAclRule {
  ruleNo: number;
  action: "allow" | "deny";
  protocol: "-1" | "tcp" | "udp" | "icmp";
  fromPort: number;
  toPort: number;
  cidrBlock: string;
  icmpType?: number;
  icmpCode?: number;
}

/**
 * The ingress rules of the created VPC's network ACL. NACLs are stateless, so replies to
 * connections the subnets open (through NAT, to AWS APIs) arrive on ephemeral ports: those are
 * open from anywhere except 3389, split around it so the ACL never admits RDP (EC2.21). Below
 * 1024 only HTTPS/HTTP (load balancers, PrivateLink) and DNS from the resolver's clients come in.
 */
export function networkAclIngressRules(vpcCidrs: string[], dnsClientCidrs: string[] = []): NetworkAclRule[] {
  const anywhere = "0.0.0.0/0";
  const rules: NetworkAclRule[] = vpcCidrs.map((cidrBlock, i) => ({
    ruleNo: 100 + i,
    action: "allow",
    protocol: "-1",
    fromPort: 0,
    toPort: 0,
    cidrBlock,
  }));
  rules.push(
    { ruleNo: 200, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: anywhere },
    { ruleNo: 210, action: "allow", protocol: "tcp", fromPort: 80, toPort: 80, cidrBlock: anywhere },
    { ruleNo: 300, action: "allow", protocol: "tcp", fromPort: 1024, toPort: 3388, cidrBlock: anywhere },
    { ruleNo: 310, action: "allow", protocol: "tcp", fromPort: 3390, toPort: 65535, cidrBlock: anywhere },
    { ruleNo: 320, action: "allow", protocol: "udp", fromPort: 1024, toPort: 3388, cidrBlock: anywhere },
    { ruleNo: 330, action: "allow", protocol: "udp", fromPort: 3390, toPort: 65535, cidrBlock: anywhere },
    // Path MTU discovery: "fragmentation needed" must reach the instances.
    {
      ruleNo: 340,
      action: "allow",
      protocol: "icmp",
      fromPort: 0,
      toPort: 0,
      cidrBlock: anywhere,
      icmpType: 3,
      icmpCode: 4,
    },
  );
  dnsClientCidrs.forEach((cidrBlock, i) => {
    rules.push(
      { ruleNo: 400 + 2 * i, action: "allow", protocol: "udp", fromPort: 53, toPort: 53, cidrBlock },
      { ruleNo: 401 + 2 * i, action: "allow", protocol: "tcp", fromPort: 53, toPort: 53, cidrBlock },
    );
  });
  return rules;
}

/**
 * Applied by the engine to the subnets awsx creates: awsx turns on `mapPublicIpOnLaunch` for
 * public subnets, which nothing of the platform needs (NAT gateways and load balancers get their
 * addresses explicitly) and which FSBP EC2.15 flags.
 */
export const noPublicIpOnLaunch: pulumi.ResourceTransform = (args) => {
  if (args.type !== "aws:ec2/subnet:Subnet") {
    return undefined;
  }
  return { props: { ...args.props, mapPublicIpOnLaunch: false }, opts: args.opts };
};

/**
 * The platform network (seeds 000 and 001 networking, CreateVPC true or false): a VPC created with
 * awsx or an existing one, an S3 gateway endpoint on every route table, interface endpoints behind
 * a security group admitting 443 from the VPC only, flow logs to a KMS-encrypted log group, the
 * default security group emptied, a Route53 private zone for PrivateDomain and, optionally, a
 * Resolver inbound endpoint for a customer's own DNS.
 */
export class Network extends pulumi.ComponentResource {
  readonly mode: "create" | "adopt";
  readonly vpcId: pulumi.Output<string>;
  /** The VPC's primary CIDR block. */
  readonly cidrBlock: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  readonly isolatedSubnetIds: pulumi.Output<string[]>;
  readonly availabilityZones: pulumi.Output<string[]>;
  /** The security group of the interface endpoints (443 from the VPC). */
  readonly endpointSecurityGroupId: pulumi.Output<string>;
  /** Interface endpoint ids by service short name. */
  readonly interfaceEndpointIds: pulumi.Output<Record<string, string>>;
  readonly privateZoneId: pulumi.Output<string>;
  readonly privateZoneName: pulumi.Output<string>;
  /** The DNS names the Windows workers use (seed LogsEndpoint, MonitoringEndpoint, SqsEndpoint, CloudformationEndpoint). */
  readonly serviceEndpoints: pulumi.Output<ServiceEndpoints>;
  readonly flowLogGroupName: pulumi.Output<string>;
  readonly flowLogGroupArn: pulumi.Output<string>;
  /** The key encrypting the flow-log group (created here unless given). */
  readonly logsKmsKeyArn: pulumi.Output<string>;
  /** The Resolver inbound endpoint id, when one is created. */
  readonly resolverInboundEndpointId: pulumi.Output<string | undefined>;
  /** The addresses a customer's DNS servers forward the private domain to. */
  readonly resolverInboundAddresses: pulumi.Output<string[]>;
  /** Zone ids (use1-az1) of the zones in use: seed 002 asks for them to set up PrivateLink. */
  readonly availabilityZoneIds: pulumi.Output<string[]>;
  /** Seed 002: the PrivateLink endpoint's id and its regional DNS name (the "primary DNS name" to keep). */
  readonly privateLinkEndpointId: pulumi.Output<string | undefined>;
  readonly privateLinkDnsName: pulumi.Output<string | undefined>;
  /**
   * The region's S3 prefix list (the S3 gateway endpoint's destinations), for security group
   * egress rules that reach S3 through the gateway; undefined without the gateway endpoint.
   */
  readonly s3PrefixListId: pulumi.Output<string | undefined>;
  /** The awsx VPC in create mode. */
  readonly vpc?: awsxEc2.Vpc;
  /** The planned subnet blocks in create mode. */
  readonly subnetLayout?: SubnetLayout;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before the component itself is registered: a bad argument leaves nothing behind.
    validateNetworkArgs(args);
    super("tdp:network:Network", name, {}, opts);

    const { naming, region } = args;
    const internetFacing = args.internetFacing ?? false;
    const endpointServices = args.interfaceEndpoints ?? DEFAULT_INTERFACE_ENDPOINTS;
    const s3Gateway = args.s3GatewayEndpoint ?? true;
    const privateDomain = args.privateDomain ?? DEFAULT_PRIVATE_DOMAIN;
    const identity = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this });
    const s3ServiceName = `com.amazonaws.${region}.s3`;

    // The VPC and its subnets: created, or adopted as validated plain values.
    let vpcCidrs: string[];
    let endpointSubnetIds: pulumi.Output<string[]>;
    if (args.adopt === undefined) {
      const settings = resolveCreateVpc(args.create ?? {}, internetFacing);
      const { layout } = settings;
      const subnetSpecs: awsxInputs.ec2.SubnetSpecArgs[] = [
        {
          type: "Private",
          name: "private",
          cidrMask: layout.private.prefixLength,
          cidrBlocks: layout.private.cidrBlocks,
          // Lets EKS place internal load balancers here.
          tags: { "kubernetes.io/role/internal-elb": "1", Tier: "private" },
        },
      ];
      if (layout.public) {
        subnetSpecs.push({
          type: "Public",
          name: "public",
          cidrMask: layout.public.prefixLength,
          cidrBlocks: layout.public.cidrBlocks,
          tags: { "kubernetes.io/role/elb": "1", Tier: "public" },
        });
      }
      if (layout.isolated) {
        subnetSpecs.push({
          type: "Isolated",
          name: "isolated",
          cidrMask: layout.isolated.prefixLength,
          cidrBlocks: layout.isolated.cidrBlocks,
          tags: { Tier: "isolated" },
        });
      }
      const awsProvider = this.getProvider("aws:ec2/vpc:Vpc");
      const natStrategy = { perAz: "OnePerAz", single: "Single", none: "None" } as const;
      const vpc = new awsxEc2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: settings.cidrBlock,
          ...(settings.availabilityZoneNames
            ? { availabilityZoneNames: settings.availabilityZoneNames }
            : { numberOfAvailabilityZones: settings.availabilityZoneCount }),
          enableDnsHostnames: true,
          enableDnsSupport: true,
          // Explicit blocks (cidrBlocks per spec) need a non-Legacy strategy to be honoured.
          subnetStrategy: "Auto",
          subnetSpecs,
          natGateways: { strategy: natStrategy[settings.natGateways] },
          // "Auto" attaches a gateway endpoint given without routeTableIds to every route table
          // the VPC creates (public, private and isolated): the seed's S3 gateway endpoint.
          vpcEndpointStrategy: "Auto",
          vpcEndpointSpecs: s3Gateway ? [{ serviceName: s3ServiceName, vpcEndpointType: "Gateway" }] : [],
          tags: { Name: naming.name("generic", "vpc") },
        },
        {
          parent: this,
          transforms: [noPublicIpOnLaunch],
          // A multi-language component gets only the providers its own registration names (the
          // SDK does not pass a parent's on: pulumi/pulumi#10640), so the stack's tagged AWS
          // provider is handed over explicitly; otherwise awsx would use the default provider.
          ...(awsProvider ? { providers: { aws: awsProvider } } : {}),
        },
      );
      this.vpc = vpc;
      this.subnetLayout = layout;
      this.mode = "create";
      this.vpcId = vpc.vpcId;
      this.cidrBlock = pulumi.output(settings.cidrBlock);
      this.publicSubnetIds = settings.publicSubnets ? vpc.publicSubnetIds : pulumi.output([]);
      this.privateSubnetIds = vpc.privateSubnetIds;
      this.isolatedSubnetIds = settings.isolatedSubnets ? vpc.isolatedSubnetIds : pulumi.output([]);
      const regionZones = aws.getAvailabilityZonesOutput({}, { parent: this });
      this.availabilityZones = settings.availabilityZoneNames
        ? pulumi.output(settings.availabilityZoneNames)
        : regionZones.names.apply((names) => names.slice(0, settings.availabilityZoneCount));
      this.availabilityZoneIds = pulumi
        .all([this.availabilityZones, regionZones])
        .apply(([zones, all]) => zones.map((zone) => all.zoneIds[all.names.indexOf(zone)] ?? ""));
      vpcCidrs = [settings.cidrBlock];
      // awsx makes one private subnet per zone: the zonal resources go in each.
      endpointSubnetIds = vpc.privateSubnetIds;
    } else {
      const adopted = args.adopt;
      this.mode = "adopt";
      this.vpcId = pulumi.output(adopted.vpcId);
      this.cidrBlock = pulumi.output(adopted.cidrBlock);
      this.publicSubnetIds = pulumi.output((adopted.publicSubnets ?? []).map((s) => s.id));
      this.privateSubnetIds = pulumi.output(adopted.privateSubnets.map((s) => s.id));
      this.isolatedSubnetIds = pulumi.output((adopted.isolatedSubnets ?? []).map((s) => s.id));
      this.availabilityZones = pulumi.output(
        [...new Set(adopted.privateSubnets.map((s) => s.availabilityZone))].sort(),
      );
      const zoneIds = new Map(
        adopted.privateSubnets.map((s) => [s.availabilityZone, s.availabilityZoneId ?? ""]),
      );
      this.availabilityZoneIds = this.availabilityZones.apply((zones) =>
        zones.map((zone) => zoneIds.get(zone) ?? ""),
      );
      vpcCidrs = [adopted.cidrBlock, ...(adopted.additionalCidrBlocks ?? [])];
      // An interface endpoint takes at most one subnet per zone.
      endpointSubnetIds = pulumi.output(onePerZone(adopted.privateSubnets).map((s) => s.id));
      if (s3Gateway) {
        new aws.ec2.VpcEndpoint(
          `${name}-endpoint-s3`,
          {
            vpcId: adopted.vpcId,
            serviceName: s3ServiceName,
            vpcEndpointType: "Gateway",
            routeTableIds: adopted.routeTableIds,
            tags: { Name: naming.name("generic", "s3-gateway") },
          },
          { parent: this },
        );
      }
    }
    const vpcId = this.vpcId;
    // AWS's own prefix list for S3 in the region: known before the gateway endpoint exists, and
    // the same whether awsx or this component creates the endpoint.
    this.s3PrefixListId = s3Gateway
      ? aws.ec2.getPrefixListOutput({ name: s3ServiceName }, { parent: this }).apply((list) => list.id)
      : pulumi.output(undefined);

    // FSBP EC2.2: the default security group admits nothing, so nothing can fall back on it.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default-sg`,
      { vpcId, ingress: [], egress: [], tags: { Name: naming.name("securityGroup", "default-closed") } },
      { parent: this },
    );

    // Create mode: a network ACL on every subnet the VPC has (awsx leaves them on the allow-all default).
    if (args.adopt === undefined && (args.create?.networkAcl ?? true)) {
      const allSubnetIds = pulumi
        .all([this.publicSubnetIds, this.privateSubnetIds, this.isolatedSubnetIds])
        .apply((tiers) => tiers.flat());
      new aws.ec2.NetworkAcl(
        `${name}-nacl`,
        {
          vpcId,
          subnetIds: allSubnetIds,
          ingress: networkAclIngressRules(vpcCidrs, args.resolverInboundEndpoint?.allowedCidrs ?? []),
          egress: [
            { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
          ],
          tags: { Name: naming.name("generic", "nacl") },
        },
        { parent: this },
      );
    }

    // Interface endpoints: reachable on 443 from anywhere in the VPC (isolated subnets included),
    // from nowhere else. They never open connections, so the group has no egress rule.
    const endpointSg = new aws.ec2.SecurityGroup(
      `${name}-endpoints-sg`,
      {
        vpcId,
        // A prefix, not a fixed name: a replaced group is created before the old one is deleted.
        namePrefix: `${naming.name("securityGroup", "vpc-endpoints")}-`,
        description: "VPC interface endpoints: HTTPS from the VPC only",
        ingress: [
          {
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrBlocks: vpcCidrs,
            description: "HTTPS from the VPC",
          },
        ],
        egress: [],
        tags: { Name: naming.name("securityGroup", "vpc-endpoints") },
      },
      { parent: this },
    );
    this.endpointSecurityGroupId = endpointSg.id;
    const endpoints: Record<string, aws.ec2.VpcEndpoint> = {};
    for (const service of endpointServices) {
      endpoints[service] = new aws.ec2.VpcEndpoint(
        `${name}-endpoint-${service.replace(/\./g, "-")}`,
        {
          vpcId,
          serviceName: `com.amazonaws.${region}.${service}`,
          vpcEndpointType: "Interface",
          privateDnsEnabled: true,
          subnetIds: endpointSubnetIds,
          securityGroupIds: [endpointSg.id],
          tags: { Name: naming.name("generic", `vpce-${service.replace(/\./g, "-")}`) },
        },
        { parent: this },
      );
    }
    this.interfaceEndpointIds = pulumi
      .all(Object.entries(endpoints).map(([service, ep]) => ep.id.apply((id) => [service, id] as const)))
      .apply((pairs) => Object.fromEntries(pairs));

    const overrides = args.serviceEndpoints ?? {};
    this.serviceEndpoints = pulumi
      .all(
        WINDOWS_WORKER_SERVICES.map((service) => {
          const standard = `${service}.${region}.amazonaws.com`;
          const given = overrides[service];
          if (given !== undefined) {
            return pulumi.output([service, given] as const);
          }
          const endpoint = endpoints[service];
          if (endpoint === undefined) {
            // No endpoint: the public regional name, reached through the NAT gateways.
            return pulumi.output([service, standard] as const);
          }
          return endpoint.dnsEntries.apply(
            (entries) => [service, regionalEndpointDnsName(entries, standard)] as const,
          );
        }),
      )
      .apply((pairs) => Object.fromEntries(pairs) as ServiceEndpoints);

    // Flow logs (FSBP EC2.6) into a log group encrypted with a customer-managed key.
    const logGroupName = naming.logGroupName("vpc-flow-logs");
    const logGroupArn = pulumi.interpolate`arn:${partition.partition}:logs:${region}:${identity.accountId}:log-group:${logGroupName}`;
    let logsKeyArn: pulumi.Output<string>;
    if (args.logsKmsKeyArn !== undefined) {
      logsKeyArn = pulumi.output(args.logsKmsKeyArn);
    } else {
      const key = new aws.kms.Key(
        `${name}-flow-logs-key`,
        {
          description: `${naming.base}: encrypts the VPC flow-log group`,
          enableKeyRotation: true,
          deletionWindowInDays: 30,
          policy: policyJson(
            policyDocument(
              {
                Sid: "AccountAdministers",
                Effect: "Allow",
                Principal: {
                  AWS: pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:root`,
                },
                Action: KEY_ADMIN_ACTIONS,
                Resource: "*",
              },
              {
                // Reading the flow logs decrypts through CloudWatch Logs only (FSBP KMS.1/KMS.2).
                Sid: "AccountPrincipalsUseTheKeyThroughLogs",
                Effect: "Allow",
                Principal: {
                  AWS: pulumi.interpolate`arn:${partition.partition}:iam::${identity.accountId}:root`,
                },
                Action: KEY_USE_ACTIONS,
                Resource: "*",
                Condition: {
                  StringEquals: {
                    "kms:CallerAccount": identity.accountId,
                    "kms:ViaService": `logs.${region}.amazonaws.com`,
                  },
                },
              },
              cloudWatchLogsKeyStatement("CloudWatchLogsUsesForTheFlowLogGroupOnly", region, logGroupArn),
            ),
          ),
        },
        statefulResourceOptions({ parent: this }),
      );
      new aws.kms.Alias(
        `${name}-flow-logs-key-alias`,
        { name: `alias/${naming.base}-vpc-flow-logs`, targetKeyId: key.keyId },
        { parent: this },
      );
      logsKeyArn = key.arn;
    }
    this.logsKmsKeyArn = logsKeyArn;
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-flow-logs`,
      {
        name: logGroupName,
        retentionInDays: args.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
        kmsKeyId: logsKeyArn,
      },
      { parent: this },
    );
    this.flowLogGroupName = logGroup.name;
    this.flowLogGroupArn = logGroup.arn;
    const flowLogRole = new ServiceRole(
      `${name}-flow-logs-role`,
      {
        naming,
        purpose: "vpc-flow-logs",
        iam: args.iam,
        services: ["vpc-flow-logs.amazonaws.com"],
        sourceAccount: identity.accountId,
        description: "Lets VPC Flow Logs write to the flow-log group",
        inlinePolicies: {
          "write-flow-logs": policyDocument(
            allow(
              ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
              [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
            ),
            // Flow Logs checks the group exists; a list action, it takes the account's group ARN pattern.
            allow(
              "logs:DescribeLogGroups",
              pulumi.interpolate`arn:${partition.partition}:logs:${region}:${identity.accountId}:log-group:*`,
            ),
          ),
        },
      },
      { parent: this },
    );
    new aws.ec2.FlowLog(
      `${name}-flow-log`,
      {
        vpcId,
        trafficType: args.flowLogs?.trafficType ?? "ALL",
        logDestinationType: "cloud-watch-logs",
        logDestination: logGroup.arn,
        iamRoleArn: flowLogRole.arn,
        maxAggregationInterval: args.flowLogs?.maxAggregationInterval ?? 60,
        tags: { Name: naming.name("generic", "vpc-flow-log") },
      },
      { parent: this },
    );

    // Seed PrivateDomain: the zone ECS services register in, resolvable only inside the VPC.
    const zone = new aws.route53.Zone(
      `${name}-private-zone`,
      {
        name: privateDomain,
        comment: `${naming.base}: private service discovery (seed PrivateDomain)`,
        vpcs: [{ vpcId, vpcRegion: region }],
      },
      { parent: this },
    );
    this.privateZoneId = zone.zoneId;
    this.privateZoneName = zone.name;

    // Seed 001 task 3 in code: a customer whose instances use their own DNS servers forwards the
    // private domain to these addresses instead of delegating a zone by hand.
    if (args.resolverInboundEndpoint !== undefined) {
      const allowed = args.resolverInboundEndpoint.allowedCidrs;
      const resolverSg = new aws.ec2.SecurityGroup(
        `${name}-resolver-sg`,
        {
          vpcId,
          // A prefix, not a fixed name: a replaced group is created before the old one is deleted.
          namePrefix: `${naming.name("securityGroup", "resolver-inbound")}-`,
          description: "Route53 Resolver inbound endpoint: DNS from the customer's DNS servers only",
          ingress: [
            { protocol: "udp", fromPort: 53, toPort: 53, cidrBlocks: allowed, description: "DNS over UDP" },
            { protocol: "tcp", fromPort: 53, toPort: 53, cidrBlocks: allowed, description: "DNS over TCP" },
          ],
          egress: [],
          tags: { Name: naming.name("securityGroup", "resolver-inbound") },
        },
        { parent: this },
      );
      const resolver = new aws.route53.ResolverEndpoint(
        `${name}-resolver-inbound`,
        {
          name: naming.name("generic", "resolver-inbound"),
          direction: "INBOUND",
          protocols: ["Do53"],
          securityGroupIds: [resolverSg.id],
          ipAddresses: endpointSubnetIds.apply((ids) => ids.map((subnetId) => ({ subnetId }))),
        },
        { parent: this },
      );
      this.resolverInboundEndpointId = resolver.id;
      this.resolverInboundAddresses = resolver.ipAddresses.apply((addresses) =>
        (addresses ?? []).map((a) => a.ip).filter((ip): ip is string => typeof ip === "string" && ip !== ""),
      );
    } else {
      this.resolverInboundEndpointId = pulumi.output(undefined);
      this.resolverInboundAddresses = pulumi.output([]);
    }

    // Seed 002: PrivateLink to the TDP endpoint service, reachable on 443 from the allowed networks.
    if (args.privateLink !== undefined) {
      const privateLink = args.privateLink;
      const linkSg = new aws.ec2.SecurityGroup(
        `${name}-privatelink-sg`,
        {
          vpcId,
          // A prefix, not a fixed name: a replaced group is created before the old one is deleted.
          namePrefix: `${naming.name("securityGroup", "tdp-privatelink")}-`,
          description: "PrivateLink endpoint to the TDP: HTTPS from the allowed networks only",
          ingress: [
            {
              protocol: "tcp",
              fromPort: 443,
              toPort: 443,
              cidrBlocks: privateLink.allowedCidrs ?? vpcCidrs,
              description: "HTTPS to the TDP",
            },
          ],
          egress: [],
          tags: { Name: naming.name("securityGroup", "tdp-privatelink") },
        },
        { parent: this },
      );
      const link = new aws.ec2.VpcEndpoint(
        `${name}-privatelink-endpoint`,
        {
          vpcId,
          serviceName: privateLink.serviceName,
          vpcEndpointType: "Interface",
          // The provider's private DNS name is not ours to claim; the zones below do the mapping.
          privateDnsEnabled: false,
          subnetIds: endpointSubnetIds,
          securityGroupIds: [linkSg.id],
          tags: { Name: naming.name("generic", "tdp-privatelink") },
        },
        { parent: this },
      );
      const regional = link.dnsEntries.apply((entries) => {
        const dnsName = regionalEndpointDnsName(entries, "");
        const entry = (entries ?? []).find((e) => e.dnsName === dnsName);
        return { dnsName, hostedZoneId: entry?.hostedZoneId ?? "" };
      });
      (privateLink.dnsNames ?? []).forEach((dnsName) => {
        const role = dnsName.replace(/\./g, "-");
        const zone = new aws.route53.Zone(
          `${name}-privatelink-zone-${role}`,
          {
            name: dnsName,
            comment: `${naming.base}: ${dnsName} to the TDP PrivateLink endpoint (seed 002)`,
            vpcs: [{ vpcId, vpcRegion: region }],
          },
          { parent: this },
        );
        new aws.route53.Record(
          `${name}-privatelink-record-${role}`,
          {
            zoneId: zone.zoneId,
            name: dnsName,
            type: "A",
            aliases: [{ name: regional.dnsName, zoneId: regional.hostedZoneId, evaluateTargetHealth: false }],
          },
          { parent: this },
        );
      });
      this.privateLinkEndpointId = link.id;
      this.privateLinkDnsName = regional.dnsName;
    } else {
      this.privateLinkEndpointId = pulumi.output(undefined);
      this.privateLinkDnsName = pulumi.output(undefined);
    }

    this.registerOutputs({
      mode: this.mode,
      vpcId: this.vpcId,
      cidrBlock: this.cidrBlock,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      isolatedSubnetIds: this.isolatedSubnetIds,
      availabilityZones: this.availabilityZones,
      availabilityZoneIds: this.availabilityZoneIds,
      endpointSecurityGroupId: this.endpointSecurityGroupId,
      interfaceEndpointIds: this.interfaceEndpointIds,
      privateZoneId: this.privateZoneId,
      privateZoneName: this.privateZoneName,
      serviceEndpoints: this.serviceEndpoints,
      flowLogGroupName: this.flowLogGroupName,
      flowLogGroupArn: this.flowLogGroupArn,
      logsKmsKeyArn: this.logsKmsKeyArn,
      resolverInboundEndpointId: this.resolverInboundEndpointId,
      resolverInboundAddresses: this.resolverInboundAddresses,
      privateLinkEndpointId: this.privateLinkEndpointId,
      privateLinkDnsName: this.privateLinkDnsName,
      s3PrefixListId: this.s3PrefixListId,
    });
  }
}
