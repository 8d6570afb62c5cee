import type { ConfigProblem, IamSettings, Naming } from "@tdp/core";
import { cidrBlock, dnsName, isCidr, parseCidr, subnetId, vpcId } from "@tdp/core";
import type { AdoptedVpc, NetworkArgs } from "@tdp/network";
import {
  DEFAULT_INTERFACE_ENDPOINTS,
  DEFAULT_PRIVATE_DOMAIN,
  WINDOWS_WORKER_SERVICES,
  resolveCreateVpc,
} from "@tdp/network";
import { WINDOWS_SESSION_MANAGER_ENDPOINTS } from "@tdp/eks-services";
import { z } from "zod";

const prefixLength = z
  .number()
  .int("must be a whole number")
  .min(16, "must be at least 16: AWS subnets are /16 to /28")
  .max(28, "must be at most 28: AWS subnets are /16 to /28");

const endpointService = z
  .string()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*$/, 'must be a service short name such as "logs" or "ecr.api"')
  .refine(
    (s) => s !== "s3" && s !== "dynamodb",
    "is a gateway endpoint service; s3GatewayEndpoint covers S3",
  );

const CREATE_ONLY = [
  "networkAcl",
  "availabilityZoneCount",
  "natGateways",
  "publicSubnets",
  "isolatedSubnets",
  "subnetPrefixLengths",
] as const;
const ADOPT_ONLY = ["vpcId", "publicSubnetIds", "privateSubnetIds", "isolatedSubnetIds"] as const;

/** The keys the subnet plan is computed from. */
const LAYOUT_INPUTS = new Set(["mode", "cidr", ...CREATE_ONLY]);

/** Where a component-level layout error belongs in the config. */
const LAYOUT_FIELDS: Record<string, (string | number)[]> = {
  cidrBlock: ["cidr"],
  availabilityZoneCount: ["availabilityZoneCount"],
  natGateways: ["natGateways"],
  publicSubnets: ["publicSubnets"],
  privatePrefixLength: ["subnetPrefixLengths", "private"],
  publicPrefixLength: ["subnetPrefixLengths", "public"],
  isolatedPrefixLength: ["subnetPrefixLengths", "isolated"],
};

/**
 * `tdp:network`: the platform VPC (seed 001 Data Layer CreateVPC, VpcCIDR, VPCID, PublicSubnetIds,
 * PrivateSubnetIds, IsolatedSubnetIds, LogsEndpoint, MonitoringEndpoint, SqsEndpoint,
 * CloudformationEndpoint; Service Layer PrivateDomain). Every key is optional: an absent section
 * creates a VPC with the defaults of `@tdp/network`.
 */
export const networkSchema = z
  .strictObject({
    /** Seed CreateVPC: create a VPC, or adopt an existing one. */
    mode: z
      .enum(["create", "adopt"], { message: 'must be "create" (seed CreateVPC=true) or "adopt" (false)' })
      .default("create"),
    /** Seed VpcCIDR. Create: the new VPC's block. Adopt: optional, checked against the VPC. */
    cidr: cidrBlock
      .refine(
        (c) => !isCidr(c) || parseCidr(c).prefixLength >= 16,
        "must be /16 or smaller: AWS VPC blocks are /16 to /28",
      )
      .optional(),
    /** Create: 2 or 3 zones; absent means 3 where the region has them. */
    availabilityZoneCount: z.union([z.literal(2), z.literal(3)], { message: "must be 2 or 3" }).optional(),
    /** Create: a NAT gateway per zone, one for the VPC, or none. */
    natGateways: z
      .enum(["perAz", "single", "none"], { message: 'must be "perAz", "single" or "none"' })
      .optional(),
    /** Create: a public tier; absent means "when NAT gateways or exposedOnInternet need it". */
    publicSubnets: z.boolean().optional(),
    /** Create: an isolated tier for the Windows workers. */
    isolatedSubnets: z.boolean().optional(),
    /** Create: subnet sizes as prefix lengths; absent ones are derived from the VPC size. */
    subnetPrefixLengths: z
      .strictObject({
        private: prefixLength.optional(),
        public: prefixLength.optional(),
        isolated: prefixLength.optional(),
      })
      .optional(),
    /** Create: a network ACL on every subnet (nothing below port 1024 from outside but 53/80/443; never 3389). */
    networkAcl: z.boolean().optional(),
    /** Adopt: seed VPCID. */
    vpcId: vpcId.optional(),
    /** Adopt: seed PublicSubnetIds (a list instead of a comma-delimited string). */
    publicSubnetIds: z.array(subnetId).optional(),
    /** Adopt: seed PrivateSubnetIds. */
    privateSubnetIds: z.array(subnetId).optional(),
    /** Adopt: seed IsolatedSubnetIds. */
    isolatedSubnetIds: z.array(subnetId).optional(),
    /** Interface endpoints by service short name. */
    interfaceEndpoints: z.array(endpointService).default([...DEFAULT_INTERFACE_ENDPOINTS]),
    /** Seed 001 post-deployment task "Use S3 gateway VPC endpoint". */
    s3GatewayEndpoint: z.boolean().default(true),
    /** Seed LogsEndpoint, MonitoringEndpoint, SqsEndpoint, CloudformationEndpoint overrides. */
    serviceEndpoints: z
      .strictObject({
        logs: dnsName.optional(),
        monitoring: dnsName.optional(),
        sqs: dnsName.optional(),
        cloudformation: dnsName.optional(),
      })
      .default({}),
    /** Seed PrivateDomain. */
    privateDomain: dnsName
      .refine(
        (d) => d !== "amazonaws.com" && !d.endsWith(".amazonaws.com"),
        "would shadow AWS service names in the VPC",
      )
      .default(DEFAULT_PRIVATE_DOMAIN),
    /** Seed 001 task 3 in code: a Resolver inbound endpoint for the customer's own DNS servers. */
    resolverInboundEndpoint: z
      .strictObject({
        enabled: z.boolean().default(false),
        allowedCidrs: z
          .array(
            cidrBlock.refine(
              (c) => !isCidr(c) || parseCidr(c).prefixLength > 0,
              "would open the resolver to the whole internet",
            ),
          )
          .default([]),
      })
      .default({ enabled: false, allowedCidrs: [] }),
    /** Seed 002: AWS PrivateLink to the TDP endpoint service TetraScience shares. */
    privateLink: z
      .strictObject({
        /** com.amazonaws.vpce.<region>.vpce-svc-…, from TetraScience; same region as the stack. */
        serviceName: z
          .string()
          .regex(
            /^com\.amazonaws\.vpce\.[a-z]{2}(-gov)?-[a-z]+-\d\.vpce-svc-[0-9a-f]{8,17}$/,
            "must be an endpoint service name (com.amazonaws.vpce.<region>.vpce-svc-<id>)",
          ),
        /** Networks allowed to reach the endpoint on 443; absent means the VPC's blocks. */
        allowedCidrs: z.array(cidrBlock).optional(),
        /** TDP hostnames resolved to the endpoint inside the VPC. */
        dnsNames: z.array(dnsName).default([]),
      })
      .optional(),
    /** VPC flow logs. */
    flowLogs: z
      .strictObject({
        trafficType: z
          .enum(["ALL", "ACCEPT", "REJECT"], { message: "must be ALL, ACCEPT or REJECT" })
          .default("ALL"),
        maxAggregationInterval: z
          .union([z.literal(60), z.literal(600)], { message: "must be 60 or 600 (seconds)" })
          .default(60),
      })
      .default({ trafficType: "ALL", maxAggregationInterval: 60 }),
  })
  .superRefine((network, ctx) => {
    const problem = (path: (string | number)[], message: string) =>
      ctx.addIssue({ code: "custom", path, message });
    if (network.mode === "adopt") {
      for (const key of CREATE_ONLY) {
        if (network[key] !== undefined) {
          problem(
            [key],
            "applies to a created VPC only (mode: create); an existing VPC's layout is the customer's",
          );
        }
      }
      if (network.vpcId === undefined) {
        problem(["vpcId"], "required when mode is adopt (seed VPCID)");
      }
      if ((network.privateSubnetIds ?? []).length < 2) {
        problem(
          ["privateSubnetIds"],
          "mode adopt needs at least 2 private subnets in different availability zones (seed 000)",
        );
      }
      const all = [
        ...(network.privateSubnetIds ?? []),
        ...(network.publicSubnetIds ?? []),
        ...(network.isolatedSubnetIds ?? []),
      ];
      const duplicates = [...new Set(all.filter((id, i) => all.indexOf(id) !== i))];
      for (const id of duplicates) {
        problem(["privateSubnetIds"], `${id} is listed more than once; each subnet serves one tier`);
      }
    } else {
      for (const key of ADOPT_ONLY) {
        if (network[key] !== undefined) {
          problem(
            [key],
            "applies to mode adopt only; a created VPC makes its own (remove it or set mode: adopt)",
          );
        }
      }
    }
    if (
      network.resolverInboundEndpoint.enabled &&
      network.resolverInboundEndpoint.allowedCidrs.length === 0
    ) {
      problem(
        ["resolverInboundEndpoint", "allowedCidrs"],
        "required when the resolver is enabled: the networks of the DNS servers that forward to it",
      );
    }
    const hasIsolated =
      network.mode === "adopt"
        ? (network.isolatedSubnetIds ?? []).length > 0
        : network.isolatedSubnets === true;
    if (hasIsolated) {
      for (const service of WINDOWS_WORKER_SERVICES) {
        if (
          !network.interfaceEndpoints.includes(service) &&
          network.serviceEndpoints[service] === undefined
        ) {
          problem(
            ["interfaceEndpoints"],
            `lacks "${service}", which the Windows workers in the isolated subnets can reach only through an endpoint; add it or set serviceEndpoints.${service}`,
          );
        }
      }
    }
    const seen = new Set<string>();
    for (const service of network.interfaceEndpoints) {
      if (seen.has(service)) {
        problem(["interfaceEndpoints"], `"${service}" is listed twice`);
      }
      seen.add(service);
    }
  })
  .superRefine(
    (network, ctx) => {
      // The subnet plan of a created VPC, checked by the component's own planner so the config and
      // the component cannot disagree. Here as if the platform were private: the section cannot
      // see tdp:platform.exposedOnInternet; networkPlatformProblems checks with its real value.
      if (network.mode !== "create") {
        return;
      }
      try {
        resolveCreateVpc(createArgsFromConfig(network), false);
      } catch (err) {
        const message = (err as Error).message;
        ctx.addIssue({ code: "custom", path: layoutKey(message), message });
      }
    },
    // Only when the fields it reads are individually valid, so a bad value is reported once.
    { when: (payload) => !payload.issues.some((issue) => LAYOUT_INPUTS.has(String(issue.path?.[0]))) },
  );

export type NetworkConfig = z.output<typeof networkSchema>;

/** The config key (under `tdp:network`) of a layout setting named in a component message. */
function layoutKey(message: string): (string | number)[] {
  const field = Object.keys(LAYOUT_FIELDS).find((f) => message.startsWith(f));
  return field ? LAYOUT_FIELDS[field]! : ["cidr"];
}

function valueAtPath(root: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>(
    (value, segment) =>
      value !== null && typeof value === "object" ? (value as Record<string, unknown>)[segment] : undefined,
    root,
  );
}

/**
 * The subnet plan of a created VPC checked with the real `tdp:platform.exposedOnInternet` (the
 * section's own check cannot see it): an internet-facing platform needs a public tier, and public
 * subnets of /27 or larger for its load balancer. Returns the problems, named by their tdp: keys;
 * run once both sections are valid, before any resource is registered.
 */
export function networkPlatformProblems(network: NetworkConfig, exposedOnInternet: boolean): ConfigProblem[] {
  if (network.mode !== "create" || !exposedOnInternet) {
    return [];
  }
  const exposed = "tdp:platform.exposedOnInternet is true";
  try {
    resolveCreateVpc(createArgsFromConfig(network), true);
    return [];
  } catch (err) {
    const message = (err as Error).message;
    if (message.startsWith("publicSubnets is false but the platform is exposed")) {
      return [
        {
          key: "tdp:network.publicSubnets",
          value: false,
          rule: `must not be false when ${exposed}: the internet-facing load balancer lives in the public subnets`,
        },
      ];
    }
    const tooSmall = /^publicPrefixLength (\d+) is too small for an internet-facing platform: (.*)$/.exec(
      message,
    );
    if (tooSmall) {
      const alb = `too small when ${exposed}: ${tooSmall[2]}`;
      if (network.subnetPrefixLengths?.public !== undefined) {
        return [
          {
            key: "tdp:network.subnetPrefixLengths.public",
            value: network.subnetPrefixLengths.public,
            rule: `is ${alb}`,
          },
        ];
      }
      return [
        {
          key: "tdp:network.cidr",
          value: network.cidr,
          rule:
            `leaves public subnets of /${tooSmall[1]} (the default size, a sixteenth of each zone's share), ${alb}; ` +
            "set tdp:network.subnetPrefixLengths.public to 27 or less, or use a larger block",
        },
      ];
    }
    const path = layoutKey(message);
    return [
      {
        key: ["tdp:network", ...path].join("."),
        value: valueAtPath(network, path),
        rule: `${message} (with the public subnets ${exposed} requires)`,
      },
    ];
  }
}

/**
 * With the Windows workers enabled (`tdp:services.windows.enabled`), the isolated subnets also need
 * the Session Manager endpoints (ssm, ssmmessages, ec2messages): the workers have no key pair and
 * no inbound rule, so Session Manager is their only administration path. The schema above checks
 * the seed's four (logs, monitoring, sqs, cloudformation) whenever there are isolated subnets;
 * this check needs the services section, so requireServicesConfig calls it.
 */
export function windowsSessionManagerEndpointProblems(network: NetworkConfig): ConfigProblem[] {
  const missing = WINDOWS_SESSION_MANAGER_ENDPOINTS.filter((s) => !network.interfaceEndpoints.includes(s));
  if (missing.length === 0) {
    return [];
  }
  return [
    {
      key: "tdp:network.interfaceEndpoints",
      value: network.interfaceEndpoints,
      rule: `lacks ${missing.map((s) => `"${s}"`).join(", ")}, which the Windows workers (tdp:services.windows.enabled: true) need: they are managed only through Session Manager (no key pair, no inbound rule), and from the isolated subnets the SSM agent reaches ssm, ssmmessages and ec2messages only through interface endpoints; add ${missing.join(", ")} or set tdp:services.windows.enabled: false`,
    },
  ];
}

function createArgsFromConfig(network: NetworkConfig): NonNullable<NetworkArgs["create"]> {
  return {
    cidrBlock: network.cidr,
    availabilityZoneCount: network.availabilityZoneCount,
    natGateways: network.natGateways,
    publicSubnets: network.publicSubnets,
    isolatedSubnets: network.isolatedSubnets,
    privatePrefixLength: network.subnetPrefixLengths?.private,
    publicPrefixLength: network.subnetPrefixLengths?.public,
    isolatedPrefixLength: network.subnetPrefixLengths?.isolated,
    networkAcl: network.networkAcl,
  };
}

/** What the stack knows besides the section: shared settings and the look-up results. */
export interface NetworkContext {
  naming: Naming;
  iam: IamSettings;
  region: string;
  /** tdp:platform.exposedOnInternet (seed ExposedOnInternet). */
  exposedOnInternet: boolean;
  /** tdp:platform.logRetentionDays (seed LogRetentionDays). */
  logRetentionDays: number;
  /** Create mode: the zones resolved from the region (`resolveAvailabilityZones`). */
  availabilityZoneNames?: string[];
  /** Adopt mode: the VPC looked up and validated (`lookupAdoptedNetwork`). */
  adopted?: AdoptedVpc;
}

/** Maps a validated `tdp:network` section to the Network component's arguments. */
export function networkArgsFromConfig(network: NetworkConfig, context: NetworkContext): NetworkArgs {
  const resolver = network.resolverInboundEndpoint;
  const overrides = Object.fromEntries(
    Object.entries(network.serviceEndpoints).filter(([, value]) => value !== undefined),
  );
  const common: NetworkArgs = {
    naming: context.naming,
    iam: context.iam,
    region: context.region,
    internetFacing: context.exposedOnInternet,
    interfaceEndpoints: network.interfaceEndpoints,
    s3GatewayEndpoint: network.s3GatewayEndpoint,
    serviceEndpoints: overrides,
    privateDomain: network.privateDomain,
    resolverInboundEndpoint: resolver.enabled ? { allowedCidrs: resolver.allowedCidrs } : undefined,
    flowLogs: network.flowLogs,
    privateLink: network.privateLink,
    logRetentionDays: context.logRetentionDays,
  };
  if (network.mode === "adopt") {
    if (context.adopted === undefined) {
      throw new Error(
        "tdp:network mode adopt: the existing VPC must be looked up (lookupAdoptedNetwork) before the Network is built",
      );
    }
    return { ...common, adopt: context.adopted };
  }
  const create = createArgsFromConfig(network);
  if (context.availabilityZoneNames !== undefined) {
    create.availabilityZoneNames = context.availabilityZoneNames;
    delete create.availabilityZoneCount;
  }
  return { ...common, create };
}
