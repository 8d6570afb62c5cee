import { ofTypes } from "../companions";
import { resourcePolicy, stackPolicy, type StackResource } from "../define";
import { asRecord, get, isFalse, isTrue, isUnknown, strings, isPending } from "../props";

/**
 * Both shapes of a cluster: `@pulumi/eks`'s component as one registration (the offline plan,
 * flat inputs such as endpointPrivateAccess) and the plain provider resource it creates (a real
 * preview: vpcConfig.endpointPrivateAccess, encryptionConfig.provider.keyArn).
 */
export const EKS_COMPONENT = "eks:index:Cluster";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
export const EKS_CLUSTER_TYPES = [EKS_COMPONENT, EKS_CLUSTER];

/** Where each shape keeps the endpoint settings, and the defaults both apply when they are absent. */
function endpointSettings(type: string, props: Record<string, unknown>): Record<string, unknown> | undefined {
  return type === EKS_COMPONENT ? props : asRecord(props["vpcConfig"]);
}

function clusterName(name: string, props: Record<string, unknown>): string {
  const physical = props["name"];
  return typeof physical === "string" && !isUnknown(physical) ? physical : name;
}

/** CIDRs that admit the whole internet, or nearly (broader than /8, the cluster component's own limit). */
function tooBroad(cidr: string): boolean {
  const prefix = Number(cidr.split("/")[1]);
  return (
    cidr === "0.0.0.0/0" || cidr === "::/0" || (cidr.includes(".") && Number.isFinite(prefix) && prefix < 8)
  );
}

export const eksPrivateEndpoint = resourcePolicy({
  name: "eks-private-endpoint",
  satisfiedBy: [
    "packages/eks-services/src/eks/control-plane.ts",
    "packages/eks-services/src/eks/validation.ts",
  ],
  description:
    "The EKS API endpoint is private; a public endpoint is allowed only with restricted CIDRs (never 0.0.0.0/0).",
  module: "eks",
  controls: { fsbp: ["EKS.1"], checkov: ["CKV_AWS_38", "CKV_AWS_39"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set endpointPrivateAccess true and endpointPublicAccess false (or keep the public endpoint with publicAccessCidrs naming the admin networks, never 0.0.0.0/0)",
  types: EKS_CLUSTER_TYPES,
  check(resource, report) {
    const settings = endpointSettings(resource.type, resource.props);
    const name = clusterName(resource.name, resource.props);
    // vpcConfig is required by the provider: absent or "[unknown]" means not known yet.
    if (settings === undefined) return;
    const privateAccess = settings["endpointPrivateAccess"];
    const publicAccess = settings["endpointPublicAccess"];
    // Both shapes default to a private endpoint off and a public endpoint on.
    if (privateAccess === undefined || isFalse(privateAccess))
      report(`cluster ${name} has no private API endpoint`);
    if (!isPending(publicAccess) && !isFalse(publicAccess)) {
      const cidrs = settings["publicAccessCidrs"];
      if (cidrs === undefined) {
        report(`cluster ${name} has a public API endpoint open to 0.0.0.0/0 (no publicAccessCidrs)`);
      } else if (!isUnknown(cidrs)) {
        const open = strings(cidrs).filter(tooBroad);
        if (open.length > 0) report(`cluster ${name} has a public API endpoint open to ${open.join(", ")}`);
      }
    }
  },
});

/**
 * The oldest Kubernetes minor the policy accepts: EKS's version calendar as the platform keeps it
 * (packages/eks-services KUBERNETES_VERSIONS, 1.33 to 1.35 in November 2026); older minors are past
 * standard support and at or near the end of extended support. Raise it with that table.
 */
export const OLDEST_SUPPORTED_KUBERNETES = "1.33";

function minor(version: string): [number, number] | undefined {
  const match = /^(\d+)\.(\d+)/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

export function kubernetesVersionSupported(version: string): boolean {
  const have = minor(version);
  const oldest = minor(OLDEST_SUPPORTED_KUBERNETES);
  if (!have || !oldest) return false;
  return have[0] > oldest[0] || (have[0] === oldest[0] && have[1] >= oldest[1]);
}

export const eksSupportedVersion = resourcePolicy({
  name: "eks-supported-version",
  satisfiedBy: ["packages/eks-services/src/eks/validation.ts"],
  description: `The cluster and its node groups run a Kubernetes version Amazon EKS supports (${OLDEST_SUPPORTED_KUBERNETES} or newer).`,
  module: "eks",
  controls: { fsbp: ["EKS.2"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation: `Upgrade version to ${OLDEST_SUPPORTED_KUBERNETES} or newer (eks-services' kubernetesVersion, default 1.35); unsupported versions get no security fixes`,
  types: [...EKS_CLUSTER_TYPES, "aws:eks/nodeGroup:NodeGroup"],
  check(resource, report) {
    const version = resource.props["version"];
    // Absent: EKS (and @pulumi/eks) start the cluster on the current default version.
    if (typeof version !== "string" || isUnknown(version)) return;
    if (!kubernetesVersionSupported(version))
      report(`${resource.name} runs Kubernetes ${version}, older than ${OLDEST_SUPPORTED_KUBERNETES}`);
  },
});

/** The five control-plane log types (CKV_AWS_37 wants all of them; EKS.8 wants audit). */
export const EKS_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export const eksControlPlaneLogging = resourcePolicy({
  name: "eks-control-plane-logging",
  satisfiedBy: ["packages/eks-services/src/eks/control-plane.ts"],
  description:
    "The cluster sends all five control-plane log types (api, audit, authenticator, controllerManager, scheduler) to CloudWatch.",
  module: "eks",
  controls: { fsbp: ["EKS.8"], checkov: ["CKV_AWS_37"] },
  enforcementLevel: "advisory",
  remediation: `Set enabledClusterLogTypes to ${EKS_LOG_TYPES.join(", ")}`,
  types: EKS_CLUSTER_TYPES,
  check(resource, report) {
    const value = resource.props["enabledClusterLogTypes"];
    if (isPending(value)) return;
    const enabled = new Set(strings(value));
    const missing = EKS_LOG_TYPES.filter((t) => !enabled.has(t));
    if (missing.length > 0)
      report(`cluster ${clusterName(resource.name, resource.props)} does not log ${missing.join(", ")}`);
  },
});

/** What is wrong with a provider cluster's encryption config, if anything (a key not known yet is not). */
function providerClusterEncryption(cluster: StackResource): string | undefined {
  const config = cluster.props["encryptionConfig"];
  if (isPending(config)) return undefined;
  const provider = get(config, "provider");
  const key = get(provider, "keyArn");
  const resources = get(config, "resources");
  const name = clusterName(cluster.name, cluster.props);
  // A key created by the same program is unknown in a preview: undefined inside a given provider block.
  if (config === undefined || provider === undefined || key === "")
    return `cluster ${name} does not encrypt secrets with KMS`;
  if (!isUnknown(resources) && !strings(resources).includes("secrets"))
    return `cluster ${name}'s encryption config does not cover secrets`;
  return undefined;
}

export const eksSecretsEncryption = stackPolicy({
  name: "eks-secrets-encryption",
  satisfiedBy: ["packages/eks-services/src/eks/control-plane.ts", "packages/eks-services/src/eks/key.ts"],
  description: "Kubernetes secrets are envelope-encrypted with a customer-managed KMS key.",
  module: "eks",
  controls: { fsbp: ["EKS.3"], checkov: ["CKV_AWS_58"] },
  enforcementLevel: "mandatory",
  remediation:
    'Set encryptionConfigKeyArn (eks.Cluster) or encryptionConfig { provider.keyArn, resources: ["secrets"] } (aws.eks.Cluster) to the platform\'s EKS key',
  check(resources, report) {
    const clusters = ofTypes(resources, [EKS_CLUSTER]);
    for (const cluster of clusters) {
      const problem = providerClusterEncryption(cluster);
      if (problem) report(problem, cluster.urn);
    }
    for (const component of ofTypes(resources, [EKS_COMPONENT])) {
      // In a preview the component's own cluster is there and decides: the component's key input is
      // undefined both when absent and when the key is created by the same program (unknown).
      if (clusters.some((c) => c.parentUrn === component.urn)) continue;
      const key = component.props["encryptionConfigKeyArn"];
      if (key === undefined || key === "")
        report(
          `cluster ${clusterName(component.name, component.props)} does not encrypt secrets with KMS`,
          component.urn,
        );
    }
  },
});

export const EKS_NODE_GROUP_TYPES = [
  "aws:eks/nodeGroup:NodeGroup",
  "eks:index:ManagedNodeGroup",
  "eks:index:NodeGroup",
  "eks:index:NodeGroupV2",
];

export const eksNodesNotExposed = resourcePolicy({
  name: "eks-nodes-not-exposed",
  satisfiedBy: ["packages/eks-services/src/eks/node-groups.ts"],
  description:
    "Worker nodes are not reachable from the internet: no SSH remote access without source security groups (open to 0.0.0.0/0) and no public IP addresses.",
  module: "eks",
  controls: { fsbp: ["EC2.9"], checkov: ["CKV_AWS_100"] },
  enforcementLevel: "mandatory",
  remediation:
    "Drop remoteAccess (reach nodes through SSM Session Manager) or give it sourceSecurityGroupIds, and set nodeAssociatePublicIpAddress false",
  types: [...EKS_NODE_GROUP_TYPES, EKS_COMPONENT],
  check(resource, report) {
    const remote = resource.props["remoteAccess"];
    if (remote !== undefined && !isPending(remote) && remote !== null) {
      const groups = get(remote, "sourceSecurityGroupIds");
      if (groups === undefined || (Array.isArray(groups) && groups.length === 0))
        report(
          `node group ${resource.name} allows SSH from 0.0.0.0/0 (remoteAccess without sourceSecurityGroupIds)`,
        );
    }
    if (isTrue(resource.props["nodeAssociatePublicIpAddress"]))
      report(`${resource.name} gives its nodes public IP addresses`);
  },
});

export const eksPolicies = [
  eksPrivateEndpoint,
  eksSupportedVersion,
  eksControlPlaneLogging,
  eksSecretsEncryption,
  eksNodesNotExposed,
];
