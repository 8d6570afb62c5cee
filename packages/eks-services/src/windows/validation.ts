/**
 * Pure validation of the Windows task-script workers (seed 001 Service Layer:
 * EnableWinTaskScriptService, WindowsInstanceType, IsolatedSubnetIds, LogsEndpoint,
 * MonitoringEndpoint, SqsEndpoint, CloudformationEndpoint). Every error names the field, the value
 * and the rule; the stack's config phase and the component call the same functions.
 */
import type { PolicyDocument } from "@tdp/core";
import { isCidr } from "@tdp/core";

import { isArmInstanceType, validateInstanceType, validateSizes } from "../eks/validation";

/** Seed WindowsInstanceType default. */
export const DEFAULT_WINDOWS_INSTANCE_TYPE = "t3.medium";

/**
 * The public SSM parameter of the current Windows Server 2025 (English, full, base) image. Windows
 * Server 2022's mainstream support ends on 2026-10-13 (security fixes only after that), so new
 * workers start on 2025; 2022 stays allowed by config
 * (`/aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base`).
 */
export const DEFAULT_WINDOWS_AMI_PARAMETER =
  "/aws/service/ami-windows-latest/Windows_Server-2025-English-Full-Base";

/**
 * The interface endpoints Session Manager needs from the isolated subnets: the SSM agent
 * registers with `ssm`, keeps its control channel through `ec2messages` and opens sessions through
 * `ssmmessages`. The workers have no key pair and no inbound rule, so without them they cannot be
 * administered at all (AmazonSSMManagedInstanceCore is their only access).
 */
export const WINDOWS_SESSION_MANAGER_ENDPOINTS = ["ssm", "ssmmessages", "ec2messages"] as const;

/** AWS publishes the current Windows AMIs under this path (one parameter per edition). */
export const WINDOWS_AMI_PARAMETER_PATTERN =
  /^\/aws\/service\/ami-windows-latest\/Windows_Server-20[0-9]{2}-[A-Za-z0-9_.-]+$/;

/**
 * Sizes below 4 GiB of memory. Windows Server 2022/2025 with the desktop experience starts in 2 GiB but
 * its own agents (SSM, CloudWatch) and the task scripts then page constantly; the seed's default
 * t3.medium (4 GiB) is the floor. Every other size of an x86 family has 4 GiB or more.
 */
export const WINDOWS_TOO_SMALL_SIZES = ["nano", "micro", "small"] as const;

/** Auto Scaling group sizes of the workers. */
export const DEFAULT_WINDOWS_SIZES = { minSize: 1, maxSize: 2, desiredSize: 1 } as const;
/** The workers are a small pool; a typo of 1000 instances should fail here, not on the bill. */
export const MAX_WINDOWS_WORKERS = 50;

/** Root volume: Windows Server (2022, 2025) needs at least 30 GiB; 50 leaves room for updates. */
export const DEFAULT_WINDOWS_VOLUME_GIB = 50;
export const MIN_WINDOWS_VOLUME_GIB = 30;

/** The seed's endpoint parameters: the AWS services the workers reach, by the SDK's endpoint variable. */
export const WINDOWS_SERVICE_ENDPOINTS = {
  /** Seed LogsEndpoint (CloudWatch Logs). */
  logs: "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS",
  /** Seed MonitoringEndpoint (CloudWatch metrics). */
  monitoring: "AWS_ENDPOINT_URL_CLOUDWATCH",
  /** Seed SqsEndpoint. */
  sqs: "AWS_ENDPOINT_URL_SQS",
  /** Seed CloudformationEndpoint. */
  cloudformation: "AWS_ENDPOINT_URL_CLOUDFORMATION",
} as const;
export type WindowsServiceEndpoint = keyof typeof WINDOWS_SERVICE_ENDPOINTS;

const FQDN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const PREFIX_LIST_ID = /^pl-[0-9a-f]{8,17}$/;

/**
 * The seed's WindowsInstanceType: an x86_64 type (Windows Server has no arm64 image on EC2), not
 * a Mac type, with at least 4 GiB of memory.
 */
export function validateWindowsInstanceType(instanceType: string, field = "instanceType"): void {
  validateInstanceType(instanceType, field);
  const [family, size] = instanceType.split(".") as [string, string];
  if (isArmInstanceType(instanceType) || /^a1$/.test(family)) {
    throw new Error(
      `${field} "${instanceType}" is an arm64 (Graviton) type; Windows Server runs only on x86_64 instance types ` +
        `such as ${DEFAULT_WINDOWS_INSTANCE_TYPE} or m6i.large`,
    );
  }
  if (family.startsWith("mac")) {
    throw new Error(`${field} "${instanceType}" is a Mac instance type; Windows Server does not run on it`);
  }
  if ((WINDOWS_TOO_SMALL_SIZES as readonly string[]).includes(size)) {
    throw new Error(
      `${field} "${instanceType}" has less than 4 GiB of memory; Windows workers need at least ` +
        `a ${DEFAULT_WINDOWS_INSTANCE_TYPE} (the seed's default)`,
    );
  }
}

export function validateWindowsAmiParameter(name: string, field = "amiParameterName"): void {
  if (!WINDOWS_AMI_PARAMETER_PATTERN.test(name)) {
    throw new Error(
      `${field} "${name}" is not a public Windows Server AMI parameter ` +
        `(/aws/service/ami-windows-latest/Windows_Server-<year>-<edition>, e.g. ${DEFAULT_WINDOWS_AMI_PARAMETER})`,
    );
  }
}

/** A seed endpoint parameter: a host name (no scheme, no path), e.g. logs.us-east-1.amazonaws.com. */
export function validateEndpointHost(host: string, field: string): void {
  if (!FQDN.test(host)) {
    throw new Error(
      `${field} "${host}" is not a host name; give the endpoint's DNS name without https:// or a path ` +
        "(e.g. vpce-0abc-1234.logs.us-east-1.vpce.amazonaws.com)",
    );
  }
}

/** What the validator needs of the args (plain values; inputs are checked where they are plain). */
export interface WindowsWorkersSettings {
  instanceType?: string;
  additionalInstanceTypes?: readonly string[];
  isolatedSubnetIds: readonly unknown[];
  vpcCidrBlock?: unknown;
  minSize?: number;
  maxSize?: number;
  desiredSize?: number;
  volumeSizeGiB?: number;
  amiParameterName?: string;
  s3PrefixListId?: unknown;
  serviceEndpoints?: Partial<Record<string, string>>;
  inlinePolicies?: Record<string, PolicyDocument>;
}

export function validateWindowsWorkersArgs(args: WindowsWorkersSettings): void {
  const instanceType = args.instanceType ?? DEFAULT_WINDOWS_INSTANCE_TYPE;
  validateWindowsInstanceType(instanceType);
  const seen = new Set([instanceType]);
  (args.additionalInstanceTypes ?? []).forEach((t, i) => {
    validateWindowsInstanceType(t, `additionalInstanceTypes[${i}]`);
    if (seen.has(t)) {
      throw new Error(
        `additionalInstanceTypes[${i}] "${t}" is already listed; each instance type appears once`,
      );
    }
    seen.add(t);
  });
  if (args.isolatedSubnetIds.length === 0) {
    throw new Error(
      "isolatedSubnetIds is empty; the Windows workers need at least one isolated subnet (seed IsolatedSubnetIds)",
    );
  }
  if (typeof args.vpcCidrBlock === "string" && !isCidr(args.vpcCidrBlock)) {
    throw new Error(
      `vpcCidrBlock "${args.vpcCidrBlock}" is not an IPv4 CIDR block a.b.c.d/n with no host bits set`,
    );
  }
  validateSizes(
    {
      minSize: args.minSize ?? DEFAULT_WINDOWS_SIZES.minSize,
      maxSize: args.maxSize ?? DEFAULT_WINDOWS_SIZES.maxSize,
      desiredSize: args.desiredSize ?? DEFAULT_WINDOWS_SIZES.desiredSize,
    },
    "windowsWorkers",
    MAX_WINDOWS_WORKERS,
  );
  const volume = args.volumeSizeGiB ?? DEFAULT_WINDOWS_VOLUME_GIB;
  if (!Number.isInteger(volume) || volume < MIN_WINDOWS_VOLUME_GIB || volume > 16384) {
    throw new Error(
      `volumeSizeGiB ${volume} must be a whole number of GiB from ${MIN_WINDOWS_VOLUME_GIB} (Windows Server's minimum) to 16384`,
    );
  }
  validateWindowsAmiParameter(args.amiParameterName ?? DEFAULT_WINDOWS_AMI_PARAMETER);
  if (typeof args.s3PrefixListId === "string" && !PREFIX_LIST_ID.test(args.s3PrefixListId)) {
    throw new Error(`s3PrefixListId "${args.s3PrefixListId}" is not a managed prefix list id (pl-...)`);
  }
  for (const [service, host] of Object.entries(args.serviceEndpoints ?? {})) {
    if (!Object.hasOwn(WINDOWS_SERVICE_ENDPOINTS, service)) {
      throw new Error(
        `serviceEndpoints.${service} is not one of the seed's endpoints (${Object.keys(WINDOWS_SERVICE_ENDPOINTS).join(", ")})`,
      );
    }
    if (host !== undefined) {
      validateEndpointHost(host, `serviceEndpoints.${service}`);
    }
  }
  for (const [name, document] of Object.entries(args.inlinePolicies ?? {})) {
    if (!/^[A-Za-z0-9+=,.@_-]{1,128}$/.test(name)) {
      throw new Error(
        `inlinePolicies key "${name}" is not an IAM policy name (1 to 128 of A-Z a-z 0-9 +=,.@_-)`,
      );
    }
    for (const statement of document.Statement) {
      const actions = [statement.Action ?? []].flat();
      if (statement.Effect === "Allow" && (actions.includes("*") || statement.NotAction !== undefined)) {
        throw new Error(
          `inlinePolicies.${name} grants every action ("*" or NotAction); list the actions the workers need`,
        );
      }
    }
  }
}
