/**
 * Pure validation of the EKS cluster and its node groups (seed 001 Service Layer and its planning
 * options: public/private endpoint, sizing, EKS worker AMI; pre-deployment task 7: EC2 key pair).
 * Every error names the field, the value and the rule, so the stack's config phase reports it
 * before any resource is registered; the components call the same functions.
 */
import { isCidr, parseCidr } from "@tdp/core";

/**
 * Kubernetes minor versions Amazon EKS supports, with the end of standard support (after which a
 * cluster runs on paid extended support) and the end of extended support (after which EKS upgrades
 * it by force). From the EKS version calendar; add a row when EKS releases a version, and remove
 * one when its extended support ends (FSBP EKS.2: clusters run a supported version).
 */
export const KUBERNETES_VERSIONS = {
  "1.33": { standardSupportEnds: "2026-07-29", extendedSupportEnds: "2027-07-29" },
  "1.34": { standardSupportEnds: "2026-12-02", extendedSupportEnds: "2027-12-02" },
  "1.35": { standardSupportEnds: "2027-03-27", extendedSupportEnds: "2028-03-27" },
} as const;

export type KubernetesVersion = keyof typeof KUBERNETES_VERSIONS;

/** The newest version in standard support: new clusters start there. */
export const DEFAULT_KUBERNETES_VERSION: KubernetesVersion = "1.35";

/** The five control-plane log types (FSBP EKS.8, checkov CKV_AWS_37: all of them). */
export const CLUSTER_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;

/** Kubernetes service addresses; outside 10.40.0.0/16 (the prod VPC) and the RFC 1918 10/8 VPC blocks people pick. */
export const DEFAULT_SERVICE_IPV4_CIDR = "172.20.0.0/16";

/**
 * IMDSv2 hop limit of the nodes. 1: a pod (in its own network namespace, one hop further) cannot
 * reach the instance metadata service, so it cannot take the node role's credentials; pods get
 * their own roles through IRSA instead. The VPC CNI and kube-proxy run in the host network and
 * are not affected. 2 lets pods read metadata (some agents need it); choose it knowingly.
 */
export const DEFAULT_NODE_METADATA_HOP_LIMIT = 1;

/** The AWS EKS-optimised Amazon Linux 2023 images (seed: "strongly recommended"). */
export const EKS_AMI_TYPES = ["AL2023_x86_64_STANDARD", "AL2023_ARM_64_STANDARD"] as const;
export type EksAmiType = (typeof EKS_AMI_TYPES)[number];
export const DEFAULT_EKS_AMI_TYPE: EksAmiType = "AL2023_x86_64_STANDARD";

export const DEFAULT_NODE_GROUP = {
  name: "general",
  instanceTypes: ["m6i.large"],
  minSize: 2,
  maxSize: 6,
  desiredSize: 3,
  diskSizeGiB: 50,
  capacityType: "ON_DEMAND",
} as const;

/** Managed node groups allow at most 450 nodes per group (EKS service quota). */
export const MAX_NODE_GROUP_SIZE = 450;

/**
 * An EC2 instance type such as `m6i.large`, `c7a.2xlarge`, `t3.medium` or `m5.metal`: family
 * (letters, generation digit, attributes), a dot, then a size.
 */
export const INSTANCE_TYPE_PATTERN =
  /^[a-z]+[0-9][a-z0-9-]*\.(nano|micro|small|medium|large|xlarge|[1-9][0-9]*xlarge|metal(-[0-9]+xl)?)$/;
export const AMI_ID_PATTERN = /^ami-[0-9a-f]{8,17}$/;
/** EC2 key pair names: up to 255 ASCII characters (no control characters). */
export const KEY_PAIR_NAME_PATTERN = /^[\x20-\x7e]{1,255}$/;
/** Node group names are part of physical names: short lowercase labels. */
export const NODE_GROUP_NAME_PATTERN = /^[a-z][a-z0-9-]{0,18}[a-z0-9]$/;
/** Kubernetes namespaces and service accounts: DNS-1123 labels. */
export const KUBERNETES_NAME_PATTERN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function validateKubernetesVersion(version: string, field = "kubernetesVersion"): void {
  if (!Object.hasOwn(KUBERNETES_VERSIONS, version)) {
    throw new Error(
      `${field} "${version}" is not a Kubernetes version Amazon EKS supports (FSBP EKS.2); ` +
        `use one of ${Object.keys(KUBERNETES_VERSIONS).join(", ")} (default ${DEFAULT_KUBERNETES_VERSION})`,
    );
  }
}

/** The broadest network a public endpoint may admit (a /8 is already 16 million addresses). */
export const MIN_PUBLIC_ACCESS_PREFIX = 8;

export const SUPPORT_TYPES = ["STANDARD", "EXTENDED"] as const;

export function validateSupportType(supportType: string, field = "supportType"): void {
  if (!(SUPPORT_TYPES as readonly string[]).includes(supportType)) {
    throw new Error(
      `${field} "${supportType}" must be STANDARD (EKS upgrades the cluster when standard support ends; the default) ` +
        "or EXTENDED (12 more months on the version, at an extra hourly charge)",
    );
  }
}

export interface EndpointAccess {
  /** Serve the Kubernetes API on a public endpoint as well as the private one. @default false */
  publicAccess?: boolean;
  /** The only networks the public endpoint answers; required with publicAccess. @default [] */
  publicAccessCidrs?: string[];
}

/**
 * The seed's post-deployment task 3 in code: the API endpoint is private. A public endpoint is an
 * opt-in and answers only listed networks, never the whole internet (FSBP EKS.1).
 */
export function validateEndpointAccess(access: EndpointAccess, field = "endpoint"): void {
  const cidrs = access.publicAccessCidrs ?? [];
  if (!access.publicAccess) {
    if (cidrs.length > 0) {
      throw new Error(
        `${field}.publicAccessCidrs lists ${cidrs.length} network(s) but ${field}.publicAccess is false: ` +
          "the CIDRs only restrict a public endpoint; remove them or enable publicAccess",
      );
    }
    return;
  }
  if (cidrs.length === 0) {
    throw new Error(
      `${field}.publicAccess is true but ${field}.publicAccessCidrs is empty: a public endpoint must be ` +
        "restricted to listed networks (an empty list means 0.0.0.0/0 to EKS)",
    );
  }
  if (cidrs.length > 40) {
    throw new Error(`${field}.publicAccessCidrs lists ${cidrs.length} networks; EKS accepts at most 40`);
  }
  cidrs.forEach((cidr, i) => {
    if (!isCidr(cidr)) {
      throw new Error(
        `${field}.publicAccessCidrs[${i}] "${cidr}" is not an IPv4 CIDR block a.b.c.d/n with no host bits set`,
      );
    }
    const { prefixLength } = parseCidr(cidr);
    if (prefixLength === 0) {
      throw new Error(
        `${field}.publicAccessCidrs[${i}] "${cidr}" opens the Kubernetes API to the whole internet; ` +
          "list the networks of your administrators and CI runners instead (FSBP EKS.1)",
      );
    }
    // Splitting 0.0.0.0/0 into halves or quarters is the same opening under another name.
    if (prefixLength < MIN_PUBLIC_ACCESS_PREFIX) {
      throw new Error(
        `${field}.publicAccessCidrs[${i}] "${cidr}" is broader than /${MIN_PUBLIC_ACCESS_PREFIX}; ` +
          "a public endpoint answers only the listed networks of your administrators and CI runners (FSBP EKS.1)",
      );
    }
  });
}

export function validateServiceIpv4Cidr(cidr: string, field = "serviceIpv4Cidr"): void {
  if (!isCidr(cidr)) {
    throw new Error(`${field} "${cidr}" is not an IPv4 CIDR block a.b.c.d/n with no host bits set`);
  }
  const { prefixLength } = parseCidr(cidr);
  if (prefixLength < 12 || prefixLength > 24) {
    throw new Error(
      `${field} "${cidr}" must be a block between /12 and /24 (EKS service address range rule)`,
    );
  }
}

export function validateAdminRoleArns(arns: readonly string[], field = "adminRoleArns"): void {
  arns.forEach((arn, i) => {
    if (!IAM_ROLE_ARN.test(arn)) {
      throw new Error(
        `${field}[${i}] "${arn}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>); ` +
          "cluster administrators are roles, never IAM users",
      );
    }
  });
  const seen = new Set<string>();
  for (const arn of arns) {
    if (seen.has(arn)) {
      throw new Error(`${field} lists "${arn}" twice; each role gets one access entry`);
    }
    seen.add(arn);
  }
}

export function validateInstanceType(instanceType: string, field = "instanceType"): void {
  if (!INSTANCE_TYPE_PATTERN.test(instanceType)) {
    throw new Error(
      `${field} "${instanceType}" is not an EC2 instance type (family.size, such as m6i.large or t3.medium)`,
    );
  }
}

/** Graviton (arm64) families carry a "g" among the attributes after the generation: m7g, c6gn, t4g. */
export function isArmInstanceType(instanceType: string): boolean {
  return /^[a-z]+[0-9][a-z0-9]*g[a-z0-9]*(-[a-z]+)?\./.test(instanceType);
}

export function validateAmiId(amiId: string, field = "amiId"): void {
  if (!AMI_ID_PATTERN.test(amiId)) {
    throw new Error(`${field} "${amiId}" is not an AMI id (ami- followed by 8 or 17 hexadecimal digits)`);
  }
}

export function validateKeyPairName(name: string, field = "keyPairName"): void {
  if (!KEY_PAIR_NAME_PATTERN.test(name)) {
    throw new Error(`${field} "${name}" is not an EC2 key pair name (1 to 255 printable ASCII characters)`);
  }
}

export function validateHopLimit(hopLimit: number, field = "metadataHopLimit"): void {
  if (hopLimit !== 1 && hopLimit !== 2) {
    throw new Error(
      `${field} ${hopLimit} must be 1 (pods cannot reach the node's credentials; the default) or 2 ` +
        "(pods can read instance metadata)",
    );
  }
}

/** Min, desired and max sizes of an Auto Scaling or node group. */
export function validateSizes(
  sizes: { minSize: number; maxSize: number; desiredSize?: number },
  field: string,
  limit = MAX_NODE_GROUP_SIZE,
): void {
  const { minSize, maxSize, desiredSize } = sizes;
  for (const [key, value] of Object.entries({ minSize, maxSize, desiredSize })) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > limit)) {
      throw new Error(`${field}.${key} ${value} must be a whole number from 0 to ${limit}`);
    }
  }
  if (maxSize < 1) {
    throw new Error(`${field}.maxSize ${maxSize} must be at least 1`);
  }
  if (minSize > maxSize) {
    throw new Error(
      `${field}.minSize ${minSize} is greater than maxSize ${maxSize}; min must not exceed max`,
    );
  }
  if (desiredSize !== undefined && (desiredSize < minSize || desiredSize > maxSize)) {
    throw new Error(
      `${field}.desiredSize ${desiredSize} must lie between minSize ${minSize} and maxSize ${maxSize}`,
    );
  }
}

/** One managed node group. */
export interface NodeGroupSpec {
  /** Label of the group; part of its physical name. */
  name: string;
  /** Instance types, first preferred. @default ["m6i.large"] */
  instanceTypes?: string[];
  /** @default 2 */
  minSize?: number;
  /** @default 6 */
  maxSize?: number;
  /** Initial size; the cluster autoscaler changes it afterwards. @default 3 */
  desiredSize?: number;
  /** Encrypted gp3 root volume size (GiB). @default 50 */
  diskSizeGiB?: number;
  /** @default "ON_DEMAND" */
  capacityType?: "ON_DEMAND" | "SPOT";
  /** The AWS EKS-optimised image family. @default "AL2023_x86_64_STANDARD" */
  amiType?: EksAmiType;
  /**
   * The seed's option: a customer AMI, 100% compatible with the EKS-optimised Amazon Linux 2023
   * image (nodeadm bootstrap). The customer carries the risk of running it. @default none
   */
  amiId?: string;
  /** Seed pre-deployment task 7: an existing EC2 key pair. No SSH ingress is opened. @default none */
  keyPairName?: string;
  /** Kubernetes labels of the nodes. @default {} */
  labels?: Record<string, string>;
}

export function validateNodeGroup(spec: NodeGroupSpec, field = `nodeGroups[${spec.name}]`): void {
  if (!NODE_GROUP_NAME_PATTERN.test(spec.name)) {
    throw new Error(
      `${field}.name "${spec.name}" must be 2 to 20 lowercase letters, digits and hyphens, starting with a letter`,
    );
  }
  const instanceTypes = spec.instanceTypes ?? [...DEFAULT_NODE_GROUP.instanceTypes];
  if (instanceTypes.length === 0) {
    throw new Error(`${field}.instanceTypes is empty; give at least one instance type`);
  }
  instanceTypes.forEach((t, i) => validateInstanceType(t, `${field}.instanceTypes[${i}]`));
  validateSizes(
    {
      minSize: spec.minSize ?? DEFAULT_NODE_GROUP.minSize,
      maxSize: spec.maxSize ?? DEFAULT_NODE_GROUP.maxSize,
      desiredSize: spec.desiredSize ?? DEFAULT_NODE_GROUP.desiredSize,
    },
    field,
  );
  const disk = spec.diskSizeGiB ?? DEFAULT_NODE_GROUP.diskSizeGiB;
  if (!Number.isInteger(disk) || disk < 20 || disk > 16384) {
    throw new Error(`${field}.diskSizeGiB ${disk} must be a whole number of GiB from 20 to 16384`);
  }
  if (spec.amiType !== undefined && !(EKS_AMI_TYPES as readonly string[]).includes(spec.amiType)) {
    throw new Error(`${field}.amiType "${spec.amiType}" must be one of ${EKS_AMI_TYPES.join(", ")}`);
  }
  const arm = instanceTypes.map(isArmInstanceType);
  if (arm.some((a) => a !== arm[0])) {
    throw new Error(
      `${field}.instanceTypes ${JSON.stringify(instanceTypes)} mix arm64 (Graviton) and x86_64 types; one image serves one architecture`,
    );
  }
  if (spec.amiType !== undefined && spec.amiType.includes("ARM") !== arm[0]) {
    throw new Error(
      `${field}.amiType "${spec.amiType}" does not match the architecture of instanceTypes ${JSON.stringify(instanceTypes)}`,
    );
  }
  if (spec.amiId !== undefined) {
    validateAmiId(spec.amiId, `${field}.amiId`);
    if (spec.amiType !== undefined) {
      throw new Error(
        `${field} sets both amiId "${spec.amiId}" and amiType "${spec.amiType}": a customer AMI replaces the ` +
          "EKS-optimised image; give one of them",
      );
    }
  }
  if (spec.keyPairName !== undefined) {
    validateKeyPairName(spec.keyPairName, `${field}.keyPairName`);
  }
}

export function validateNodeGroups(groups: readonly NodeGroupSpec[], field = "nodeGroups"): void {
  if (groups.length === 0) {
    throw new Error(`${field} is empty; the cluster needs at least one managed node group`);
  }
  const seen = new Set<string>();
  groups.forEach((group, i) => {
    validateNodeGroup(group, `${field}[${i}]`);
    if (seen.has(group.name)) {
      throw new Error(`${field}[${i}].name "${group.name}" is used twice; node group names are unique`);
    }
    seen.add(group.name);
  });
}

export function validateKubernetesName(value: string, field: string): void {
  if (!KUBERNETES_NAME_PATTERN.test(value)) {
    throw new Error(
      `${field} "${value}" is not a Kubernetes name (DNS-1123 label: up to 63 lowercase letters, digits and hyphens)`,
    );
  }
}

/** A datalake prefix a workload may use: relative, ending in `/`, no wildcards. */
export function validateBucketPrefix(prefix: string, field: string): void {
  if (!/^[A-Za-z0-9!_.()'-]+(\/[A-Za-z0-9!_.()'-]+)*\/$/.test(prefix)) {
    throw new Error(
      `${field} "${prefix}" must be an S3 key prefix such as "processing/" (no leading slash, ends with "/", no "*")`,
    );
  }
}
