import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, ServiceRole } from "@tdp/core";
import { LOG_RETENTION_DAYS } from "@tdp/core";

import { createControlPlane } from "./control-plane";
import { createClusterKey } from "./key";
import { createNodeGroups } from "./node-groups";
import { createClusterRoles } from "./roles";
import type { EndpointAccess, NodeGroupSpec } from "./validation";
import {
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_NODE_GROUP,
  DEFAULT_NODE_METADATA_HOP_LIMIT,
  DEFAULT_SERVICE_IPV4_CIDR,
  validateAdminRoleArns,
  validateBucketPrefix,
  validateEndpointAccess,
  validateHopLimit,
  validateKubernetesName,
  validateKubernetesVersion,
  validateNodeGroups,
  validateServiceIpv4Cidr,
  validateSupportType,
} from "./validation";
import type { OidcProvider, WorkloadRoleArgs } from "./workload-role";
import { createWorkloadRole, validateWorkloadName } from "./workload-role";
import type { PlatformWorkloads } from "./workloads";
import { clusterAutoscalerRoleArgs, dataProcessingRoleArgs } from "./workloads";

export { accessEntryKeys } from "./access-entries";
export { withoutClusterCreatorAdmin } from "./control-plane";
export { nodeadmUserData } from "./user-data";
export type { DataProcessingWorkload, PlatformWorkloads } from "./workloads";

export interface PlatformClusterArgs {
  /** Physical names of the deployment: the cluster is `<base>-eks`. */
  naming: Naming;
  /** Seed IAMRolePrefix and IAMBoundaryPolicy, applied to the cluster, node and workload roles. */
  iam: IamSettings;
  /** The region (log group and KMS conditions). */
  region: string;
  /** The account (ARNs in policies). @default the caller's account */
  accountId?: pulumi.Input<string>;
  /** The AWS partition. @default "aws" */
  partition?: string;
  vpcId: pulumi.Input<string>;
  /** Private subnets of the control-plane network interfaces and the nodes (at least two zones). */
  privateSubnetIds: pulumi.Input<string>[];
  /** Kubernetes minor version (FSBP EKS.2). @default DEFAULT_KUBERNETES_VERSION ("1.35") */
  kubernetesVersion?: string;
  /**
   * EKS upgrade policy. STANDARD: when the version leaves standard support EKS upgrades the
   * control plane, so the cluster never runs an unsupported version (FSBP EKS.2) and never pays
   * for extended support. EXTENDED postpones that by 12 months at an extra hourly charge.
   * @default "STANDARD"
   */
  supportType?: "STANDARD" | "EXTENDED";
  /** API endpoint access: private always; public only on request and only for listed CIDRs. @default private only */
  endpoint?: EndpointAccess;
  /** IAM roles given cluster-admin access entries (authentication mode API). @default [] */
  adminRoleArns?: string[];
  /** Kubernetes service address range. @default "172.20.0.0/16" */
  serviceIpv4Cidr?: string;
  /** KMS key encrypting Kubernetes secrets (CKV_AWS_58). @default a key the component creates */
  secretsKmsKeyArn?: pulumi.Input<string>;
  /** KMS key of the control-plane log group; its policy must admit CloudWatch Logs. @default the component's key */
  logsKmsKeyArn?: pulumi.Input<string>;
  /** Seed LogRetentionDays for the control-plane log group. @default 90 */
  logRetentionDays?: number;
  /** Managed node groups. @default one group "general": m6i.large, 2-6 nodes, 3 desired */
  nodeGroups?: NodeGroupSpec[];
  /** IMDSv2 hop limit of the nodes (1 keeps pods away from the node role). @default 1 */
  metadataHopLimit?: number;
  /** KMS key of the node volumes. @default the account's EBS default key (aws/ebs) */
  ebsKmsKeyArn?: pulumi.Input<string>;
  /** IRSA roles for the platform's workloads. @default { clusterAutoscaler: true } */
  workloads?: PlatformWorkloads;
  /**
   * CoreDNS as a managed EKS add-on, created once the node groups can run it (the cluster has no
   * default node group, so `@pulumi/eks` leaves CoreDNS self-managed and never upgraded).
   * @default the add-on, at EKS's default version for kubernetesVersion, taking over the self-managed one
   */
  coreDns?: CoreDnsAddonArgs;
}

/** The CoreDNS add-on. */
export interface CoreDnsAddonArgs {
  /**
   * An add-on version (`aws eks describe-addon-versions --addon-name coredns`).
   * @default EKS's default version for the cluster's Kubernetes version (aws.eks.getAddonVersion)
   */
  version?: pulumi.Input<string>;
  /**
   * On create: OVERWRITE takes over the self-managed CoreDNS EKS installed, replacing the fields
   * that differ from the add-on's defaults (NONE fails on the first conflict).
   * @default "OVERWRITE"
   */
  resolveConflictsOnCreate?: "NONE" | "OVERWRITE";
  /**
   * On update (a new version): PRESERVE keeps what an administrator changed in the add-on's
   * Kubernetes objects, OVERWRITE resets it to the add-on's values.
   * @default "PRESERVE"
   */
  resolveConflictsOnUpdate?: "NONE" | "OVERWRITE" | "PRESERVE";
}

/** Every rule of the args; runs before any child is created. */
export function validatePlatformClusterArgs(args: PlatformClusterArgs): void {
  validateKubernetesVersion(args.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION);
  validateSupportType(args.supportType ?? "STANDARD");
  validateEndpointAccess(args.endpoint ?? {});
  validateAdminRoleArns(args.adminRoleArns ?? []);
  validateServiceIpv4Cidr(args.serviceIpv4Cidr ?? DEFAULT_SERVICE_IPV4_CIDR);
  validateNodeGroups(
    args.nodeGroups ?? [{ ...DEFAULT_NODE_GROUP, instanceTypes: [...DEFAULT_NODE_GROUP.instanceTypes] }],
  );
  validateHopLimit(args.metadataHopLimit ?? DEFAULT_NODE_METADATA_HOP_LIMIT);
  const retention = args.logRetentionDays ?? 90;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(retention)) {
    throw new Error(
      `logRetentionDays ${retention} is not a retention period CloudWatch Logs accepts (${LOG_RETENTION_DAYS.join(", ")})`,
    );
  }
  if (args.privateSubnetIds.length < 2) {
    throw new Error(
      `privateSubnetIds has ${args.privateSubnetIds.length} subnet(s); EKS needs subnets in at least two Availability Zones`,
    );
  }
  const data = args.workloads?.dataProcessing;
  if (data !== undefined) {
    validateKubernetesName(data.namespace ?? "data-processing", "workloads.dataProcessing.namespace");
    validateKubernetesName(data.serviceAccount ?? "worker", "workloads.dataProcessing.serviceAccount");
    validateBucketPrefix(data.prefix ?? "processing/", "workloads.dataProcessing.prefix");
  }
}

/**
 * The platform's EKS cluster (seed 001 Service Layer): an `@pulumi/eks` cluster in the private
 * subnets with a private API endpoint (the seed's manual post-deployment task 3, done here), all
 * five control-plane log types into a KMS-encrypted log group with retention, secrets encrypted
 * with KMS, access entries (authentication mode API) for the admin roles, and an OIDC provider for
 * IRSA; managed node groups on launch templates (IMDSv2, encrypted gp3 root volumes, SSM access,
 * no SSH ingress); IRSA roles for the platform workloads.
 *
 * The parts live beside this file: roles.ts, key.ts, control-plane.ts (log group and cluster, with
 * access-entries.ts), node-groups.ts (with user-data.ts) and workloads.ts (the IRSA policies).
 */
export class PlatformCluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly kubernetesVersion: string;
  /** The Kubernetes API endpoint (private unless a public one was asked for). */
  readonly endpoint: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** OIDC issuer without `https://`: the prefix of IRSA trust condition keys. */
  readonly oidcIssuer: pulumi.Output<string>;
  /** The EKS-created cluster security group (control plane and nodes). */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /**
   * The nodes' own security group, without rules: the identity the database and search security
   * groups admit (pods on the VPC CNI use the node's security groups).
   */
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  readonly clusterRoleArn: pulumi.Output<string>;
  readonly nodeRoleArn: pulumi.Output<string>;
  readonly secretsKmsKeyArn: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  readonly nodeGroupNames: pulumi.Output<string>[];
  /** The CoreDNS add-on's version. */
  readonly coreDnsVersion: pulumi.Output<string>;
  /** IRSA role ARNs by workload (clusterAutoscaler, dataProcessing, and those made with workloadRole). */
  readonly workloadRoleArns: Record<string, pulumi.Output<string>>;
  /** Kubeconfig (exec plugin `aws eks get-token`), as a secret. */
  readonly kubeconfigJson: pulumi.Output<string>;
  /** The `@pulumi/eks` cluster. */
  readonly cluster: eks.Cluster;

  private readonly componentName: string;
  private readonly naming: Naming;
  private readonly iam: IamSettings;
  private readonly oidc: OidcProvider;

  constructor(name: string, args: PlatformClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): a bad argument registers nothing, not even the component.
    validatePlatformClusterArgs(args);
    super("tdp:eks-services:PlatformCluster", name, {}, opts);
    this.componentName = name;
    this.naming = args.naming;
    this.iam = args.iam;

    const naming = args.naming;
    const partition = args.partition ?? "aws";
    const version = args.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    const serviceIpv4Cidr = args.serviceIpv4Cidr ?? DEFAULT_SERVICE_IPV4_CIDR;
    const hopLimit = args.metadataHopLimit ?? DEFAULT_NODE_METADATA_HOP_LIMIT;
    const nodeGroups = args.nodeGroups ?? [
      { ...DEFAULT_NODE_GROUP, instanceTypes: [...DEFAULT_NODE_GROUP.instanceTypes] },
    ];
    const clusterName = naming.name("eksCluster", "eks");
    const accountId =
      args.accountId !== undefined
        ? pulumi.output(args.accountId)
        : aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.kubernetesVersion = version;

    const { clusterRole, nodeRole } = createClusterRoles(this, name, {
      naming,
      iam: args.iam,
      partition,
      clusterName,
    });

    // The control-plane log group exists before the cluster, so EKS writes into ours (retention,
    // KMS) rather than creating one that keeps logs forever.
    const logGroupName = `/aws/eks/${clusterName}/cluster`;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${args.region}:${accountId}:log-group:${logGroupName}`;

    const { secretsKeyArn, logsKeyArn } = createClusterKey(this, name, {
      naming,
      region: args.region,
      partition,
      accountId,
      clusterName,
      clusterRoleArn: clusterRole.arn,
      logGroupArn,
      secretsKmsKeyArn: args.secretsKmsKeyArn,
      logsKmsKeyArn: args.logsKmsKeyArn,
    });

    const { logGroup, cluster } = createControlPlane(this, name, {
      clusterName,
      version,
      partition,
      vpcId: args.vpcId,
      privateSubnetIds: args.privateSubnetIds,
      endpoint: args.endpoint,
      adminRoleArns: args.adminRoleArns ?? [],
      serviceIpv4Cidr,
      supportType: args.supportType ?? "STANDARD",
      logGroupName,
      logRetentionDays: args.logRetentionDays ?? 90,
      logsKeyArn,
      secretsKeyArn,
      clusterRole: clusterRole.role,
    });
    this.cluster = cluster;
    // Outputs that resolve once the cluster exists, so consumers wait for it.
    const created = cluster.kubeconfigJson;
    this.clusterName = created.apply(() => clusterName);
    this.endpoint = cluster.core.endpoint;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcIssuer = cluster.oidcIssuer;
    this.clusterSecurityGroupId = cluster.clusterSecurityGroupId;
    this.kubeconfigJson = pulumi.secret(cluster.kubeconfigJson);
    this.oidc = { arn: this.oidcProviderArn, issuer: this.oidcIssuer };

    const nodes = createNodeGroups(this, name, {
      naming,
      clusterName,
      createdClusterName: this.clusterName,
      version,
      serviceIpv4Cidr,
      hopLimit,
      nodeGroups,
      vpcId: args.vpcId,
      privateSubnetIds: args.privateSubnetIds,
      ebsKmsKeyArn: args.ebsKmsKeyArn,
      cluster,
      endpoint: this.endpoint,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeRoleArn: nodeRole.arn,
    });
    this.nodeSecurityGroupId = nodes.nodeSecurityGroupId;
    this.nodeGroupNames = nodes.nodeGroupNames;

    // CoreDNS as a managed add-on, after the node groups: its pods need nodes to become active.
    const coreDns = args.coreDns ?? {};
    const coreDnsVersion =
      coreDns.version !== undefined
        ? pulumi.output(coreDns.version)
        : aws.eks
            .getAddonVersionOutput(
              { addonName: "coredns", kubernetesVersion: version, mostRecent: false },
              { parent: this },
            )
            .apply((found) => found.version);
    const coreDnsAddon = new aws.eks.Addon(
      `${name}-coredns`,
      {
        clusterName: this.clusterName,
        addonName: "coredns",
        addonVersion: coreDnsVersion,
        resolveConflictsOnCreate: coreDns.resolveConflictsOnCreate ?? "OVERWRITE",
        resolveConflictsOnUpdate: coreDns.resolveConflictsOnUpdate ?? "PRESERVE",
      },
      { parent: this, dependsOn: nodes.nodeGroups },
    );
    this.coreDnsVersion = coreDnsAddon.addonVersion;

    this.clusterRoleArn = clusterRole.arn;
    this.nodeRoleArn = nodeRole.arn;
    this.secretsKmsKeyArn = secretsKeyArn;
    this.logGroupName = logGroup.name;

    this.workloadRoleArns = {};
    const workloads = args.workloads ?? { clusterAutoscaler: true };
    if (workloads.clusterAutoscaler ?? true) {
      this.workloadRole(
        "cluster-autoscaler",
        clusterAutoscalerRoleArgs({ clusterName, region: args.region, partition, accountId }),
      );
    }
    const data = workloads.dataProcessing;
    if (data !== undefined) {
      this.workloadRole(
        "data-processing",
        dataProcessingRoleArgs(data, { clusterName, region: args.region }),
      );
    }

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      oidcProviderArn: this.oidcProviderArn,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
      clusterRoleArn: this.clusterRoleArn,
      nodeRoleArn: this.nodeRoleArn,
      secretsKmsKeyArn: this.secretsKmsKeyArn,
      logGroupName: this.logGroupName,
      nodeGroupNames: this.nodeGroupNames,
      coreDnsVersion: this.coreDnsVersion,
      kubeconfigJson: this.kubeconfigJson,
    });
  }

  /**
   * An IAM role for one Kubernetes service account of this cluster (IRSA): trusted only by that
   * namespace/serviceAccount through the cluster's OIDC provider (conditions on `sub` and `aud`).
   * Annotate the service account with `eks.amazonaws.com/role-arn: <arn>`.
   */
  workloadRole(workload: string, args: WorkloadRoleArgs): ServiceRole {
    validateWorkloadName(workload);
    const role = createWorkloadRole(
      `${this.componentName}-irsa-${workload}`,
      workload,
      { naming: this.naming, iam: this.iam, oidc: this.oidc },
      args,
      { parent: this },
    );
    const key = workload.replace(/-([a-z0-9])/g, (_m: string, c: string) => c.toUpperCase());
    this.workloadRoleArns[key] = role.arn;
    return role;
  }
}
