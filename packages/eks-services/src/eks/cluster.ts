import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import {
  KEY_ADMIN_ACTIONS,
  LOG_RETENTION_DAYS,
  ServiceRole,
  allow,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

import type { EndpointAccess, EksAmiType, NodeGroupSpec } from "./validation";
import {
  CLUSTER_LOG_TYPES,
  DEFAULT_EKS_AMI_TYPE,
  DEFAULT_KUBERNETES_VERSION,
  DEFAULT_NODE_GROUP,
  DEFAULT_NODE_METADATA_HOP_LIMIT,
  DEFAULT_SERVICE_IPV4_CIDR,
  isArmInstanceType,
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

/** The data-processing workers' access to the datalake: one bucket prefix, nothing else. */
export interface DataProcessingWorkload {
  /** @default "data-processing" */
  namespace?: string;
  /** @default "worker" */
  serviceAccount?: string;
  /** ARN of the datalake bucket. */
  bucketArn: pulumi.Input<string>;
  /** The bucket's KMS key (SSE-KMS): decrypt and generate data keys through S3 only. */
  kmsKeyArn: pulumi.Input<string>;
  /** The key prefix the workers read and write, ending in `/`. @default "processing/" */
  prefix?: string;
}

/** The platform workloads that get IRSA roles from the component. */
export interface PlatformWorkloads {
  /** The cluster autoscaler (kube-system/cluster-autoscaler) scales the managed node groups. @default true */
  clusterAutoscaler?: boolean;
  /** Data-processing workers with read/write on one datalake prefix. @default none */
  dataProcessing?: DataProcessingWorkload;
}

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

/** Cluster administrators get the EKS cluster-admin access policy on the whole cluster. */
const CLUSTER_ADMIN_POLICY = "cluster-access-policy/AmazonEKSClusterAdminPolicy";

/**
 * Access-entry keys of the admin roles: `admin-<role name>` (path dropped, lowercased), with the
 * position appended only when two roles of different accounts or paths share a name.
 */
export function accessEntryKeys(roleArns: readonly string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  roleArns.forEach((arn, i) => {
    const roleName = (arn.split("/").pop() ?? arn).toLowerCase().replace(/[^a-z0-9-]/g, "-");
    const key = Object.hasOwn(keys, `admin-${roleName}`) ? `admin-${roleName}-${i}` : `admin-${roleName}`;
    keys[key] = arn;
  });
  return keys;
}

/** The fields of the kubeconfig the component reads (pulumi-eks types it `any`). */
interface Kubeconfig {
  clusters?: { cluster?: Record<string, string> }[];
}

/**
 * nodeadm configuration for a customer AMI (the EKS-optimised images bootstrap themselves; a
 * custom image in a managed node group must be told where its cluster is).
 */
export function nodeadmUserData(cluster: {
  name: string;
  endpoint: string;
  certificateAuthority: string;
  serviceIpv4Cidr: string;
}): string {
  const document = [
    "MIME-Version: 1.0",
    'Content-Type: multipart/mixed; boundary="//"',
    "",
    "--//",
    "Content-Type: application/node.eks.aws",
    "",
    "---",
    "apiVersion: node.eks.aws/v1alpha1",
    "kind: NodeConfig",
    "spec:",
    "  cluster:",
    `    name: ${cluster.name}`,
    `    apiServerEndpoint: ${cluster.endpoint}`,
    `    certificateAuthority: ${cluster.certificateAuthority}`,
    `    cidr: ${cluster.serviceIpv4Cidr}`,
    "",
    "--//--",
    "",
  ].join("\n");
  return Buffer.from(document).toString("base64");
}

/**
 * The platform's EKS cluster (seed 001 Service Layer): an `@pulumi/eks` cluster in the private
 * subnets with a private API endpoint (the seed's manual post-deployment task 3, done here), all
 * five control-plane log types into a KMS-encrypted log group with retention, secrets encrypted
 * with KMS, access entries (authentication mode API) for the admin roles, and an OIDC provider for
 * IRSA; managed node groups on launch templates (IMDSv2, encrypted gp3 root volumes, SSM access,
 * no SSH ingress); IRSA roles for the platform workloads.
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
    const publicAccess = args.endpoint?.publicAccess ?? false;
    const hopLimit = args.metadataHopLimit ?? DEFAULT_NODE_METADATA_HOP_LIMIT;
    const nodeGroups = args.nodeGroups ?? [
      { ...DEFAULT_NODE_GROUP, instanceTypes: [...DEFAULT_NODE_GROUP.instanceTypes] },
    ];
    const clusterName = naming.name("eksCluster", "eks");
    const accountId =
      args.accountId !== undefined
        ? pulumi.output(args.accountId)
        : aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const managed = (policy: string) => `arn:${partition}:iam::aws:policy/${policy}`;
    this.kubernetesVersion = version;

    // Explicit roles through ServiceRole, so IAMRolePrefix and the boundary hold for them too.
    const clusterRole = new ServiceRole(
      `${name}-cluster-role`,
      {
        naming,
        purpose: "eks-cluster",
        iam: args.iam,
        services: ["eks.amazonaws.com"],
        description: `EKS control plane of ${clusterName}`,
        managedPolicyArns: [managed("AmazonEKSClusterPolicy")],
      },
      { parent: this },
    );
    const nodeRole = new ServiceRole(
      `${name}-node-role`,
      {
        naming,
        purpose: "eks-node",
        iam: args.iam,
        services: ["ec2.amazonaws.com"],
        description: `Managed node groups of ${clusterName}`,
        managedPolicyArns: [
          managed("AmazonEKSWorkerNodePolicy"),
          managed("AmazonEKS_CNI_Policy"),
          // Pull-only (no ECR listing or describing beyond what a pull needs).
          managed("AmazonEC2ContainerRegistryPullOnly"),
          // Remote access through Session Manager instead of SSH (seed pre-deployment task 7).
          managed("AmazonSSMManagedInstanceCore"),
        ],
      },
      { parent: this },
    );

    // The control-plane log group exists before the cluster, so EKS writes into ours (retention,
    // KMS) rather than creating one that keeps logs forever.
    const logGroupName = `/aws/eks/${clusterName}/cluster`;
    const logGroupArn = pulumi.interpolate`arn:${partition}:logs:${args.region}:${accountId}:log-group:${logGroupName}`;

    let key: aws.kms.Key | undefined;
    if (args.secretsKmsKeyArn === undefined || args.logsKmsKeyArn === undefined) {
      const statements: PolicyStatement[] = [
        {
          Sid: "KeyAdministration",
          Effect: "Allow",
          Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
          Action: KEY_ADMIN_ACTIONS,
          Resource: "*",
        },
        {
          Sid: "ClusterSecretsEncryption",
          Effect: "Allow",
          Principal: { AWS: clusterRole.arn },
          Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*"],
          Resource: "*",
        },
        {
          Sid: "ClusterGrantsForAwsResources",
          Effect: "Allow",
          Principal: { AWS: clusterRole.arn },
          Action: ["kms:CreateGrant", "kms:ListGrants"],
          Resource: "*",
          Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
        },
        {
          Sid: "ControlPlaneLogGroup",
          Effect: "Allow",
          Principal: { Service: `logs.${args.region}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: { ArnEquals: { "kms:EncryptionContext:aws:logs:arn": logGroupArn } },
        },
      ];
      key = new aws.kms.Key(
        `${name}-key`,
        {
          description: `EKS ${clusterName}: Kubernetes secrets and control-plane logs`,
          enableKeyRotation: true,
          rotationPeriodInDays: 365,
          deletionWindowInDays: 30,
          policy: policyJson(policyDocument(...statements)),
        },
        statefulResourceOptions({ parent: this }),
      );
      new aws.kms.Alias(
        `${name}-key-alias`,
        { name: `alias/${naming.base}-eks`, targetKeyId: key.keyId },
        { parent: this },
      );
    }
    const secretsKeyArn =
      args.secretsKmsKeyArn !== undefined ? pulumi.output(args.secretsKmsKeyArn) : key!.arn;
    const logsKeyArn = args.logsKmsKeyArn !== undefined ? pulumi.output(args.logsKmsKeyArn) : key!.arn;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane-logs`,
      { name: logGroupName, retentionInDays: args.logRetentionDays ?? 90, kmsKeyId: logsKeyArn },
      { parent: this },
    );

    const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {};
    // Keyed by role name (not position), so reordering the list replaces nothing.
    for (const [key, principalArn] of Object.entries(accessEntryKeys(args.adminRoleArns ?? []))) {
      accessEntries[key] = {
        principalArn,
        type: "STANDARD",
        accessPolicies: {
          clusterAdmin: {
            policyArn: `arn:${partition}:eks::aws:${CLUSTER_ADMIN_POLICY}`,
            accessScope: { type: "cluster" },
          },
        },
      };
    }

    this.cluster = new eks.Cluster(
      `${name}-cluster`,
      {
        // Named explicitly so the log group above is the one EKS writes to.
        name: clusterName,
        version,
        vpcId: args.vpcId,
        privateSubnetIds: args.privateSubnetIds,
        nodeAssociatePublicIpAddress: false,
        endpointPrivateAccess: true,
        endpointPublicAccess: publicAccess,
        publicAccessCidrs: publicAccess ? args.endpoint?.publicAccessCidrs : undefined,
        enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
        encryptionConfigKeyArn: secretsKeyArn,
        authenticationMode: "API",
        accessEntries,
        serviceRole: clusterRole.role,
        // Nodes come from the managed node groups below, on our launch templates.
        skipDefaultNodeGroup: true,
        createInstanceRole: false,
        // The EKS-created cluster security group serves control plane and nodes; pulumi-eks's own
        // groups would open 443 and 1025-65535 more widely than needed.
        skipDefaultSecurityGroups: true,
        createOidcProvider: true,
        kubernetesServiceIpAddressRange: serviceIpv4Cidr,
        deletionProtection: true,
        upgradePolicy: { supportType: args.supportType ?? "STANDARD" },
      },
      { parent: this, dependsOn: [logGroup] },
    );
    const cluster = this.cluster;
    // Outputs that resolve once the cluster exists, so consumers wait for it.
    const created = cluster.kubeconfigJson;
    this.clusterName = created.apply(() => clusterName);
    this.endpoint = cluster.core.endpoint;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcIssuer = cluster.oidcIssuer;
    this.clusterSecurityGroupId = cluster.clusterSecurityGroupId;
    this.kubeconfigJson = pulumi.secret(cluster.kubeconfigJson);
    this.oidc = { arn: this.oidcProviderArn, issuer: this.oidcIssuer };

    const nodeSg = new aws.ec2.SecurityGroup(
      `${name}-node-sg`,
      {
        namePrefix: `${naming.name("securityGroup", "eks-nodes")}-`,
        description: `Worker nodes of ${clusterName}: the source the database and search admit; no rules of its own`,
        vpcId: args.vpcId,
        ingress: [],
        egress: [],
        tags: { Name: naming.name("securityGroup", "eks-nodes") },
      },
      { parent: this, deleteBeforeReplace: false },
    );
    this.nodeSecurityGroupId = nodeSg.id;

    const certificateAuthority = cluster.kubeconfig.apply(
      (k: Kubeconfig) => k.clusters?.[0]?.cluster?.["certificate-authority-data"] ?? "",
    );
    this.nodeGroupNames = nodeGroups.map((group) => {
      const role = `eks-${group.name}`;
      const customAmi = group.amiId !== undefined;
      const template = new aws.ec2.LaunchTemplate(
        `${name}-${group.name}-lt`,
        {
          name: naming.name("launchTemplate", role),
          description: `Nodes of ${clusterName}, group ${group.name}`,
          updateDefaultVersion: true,
          imageId: group.amiId,
          userData: customAmi
            ? pulumi
                .all([this.endpoint, certificateAuthority])
                .apply(([endpoint, ca]) =>
                  nodeadmUserData({ name: clusterName, endpoint, certificateAuthority: ca, serviceIpv4Cidr }),
                )
            : undefined,
          // Seed pre-deployment task 7: the key pair is attached, but no security group opens 22;
          // administrators reach the nodes through Session Manager.
          keyName: group.keyPairName,
          vpcSecurityGroupIds: [this.clusterSecurityGroupId, nodeSg.id],
          metadataOptions: {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: hopLimit,
            instanceMetadataTags: "disabled",
          },
          blockDeviceMappings: [
            {
              deviceName: "/dev/xvda",
              ebs: {
                volumeSize: group.diskSizeGiB ?? DEFAULT_NODE_GROUP.diskSizeGiB,
                volumeType: "gp3",
                encrypted: "true",
                kmsKeyId: args.ebsKmsKeyArn,
                deleteOnTermination: "true",
              },
            },
          ],
          monitoring: { enabled: true },
          tagSpecifications: [
            { resourceType: "instance", tags: { Name: naming.name("generic", role) } },
            { resourceType: "volume", tags: { Name: naming.name("generic", role) } },
          ],
        },
        { parent: this },
      );
      const instanceTypes = group.instanceTypes ?? [...DEFAULT_NODE_GROUP.instanceTypes];
      const amiType: EksAmiType | "CUSTOM" = customAmi
        ? "CUSTOM"
        : (group.amiType ??
          (instanceTypes.every(isArmInstanceType) ? "AL2023_ARM_64_STANDARD" : DEFAULT_EKS_AMI_TYPE));
      const nodeGroup = new aws.eks.NodeGroup(
        `${name}-${group.name}`,
        {
          clusterName: this.clusterName,
          nodeGroupName: naming.name("generic", role),
          nodeRoleArn: nodeRole.arn,
          subnetIds: args.privateSubnetIds,
          instanceTypes,
          capacityType: group.capacityType ?? DEFAULT_NODE_GROUP.capacityType,
          amiType,
          // A customer AMI carries its own kubelet version; EKS refuses a version with it.
          version: customAmi ? undefined : version,
          scalingConfig: {
            minSize: group.minSize ?? DEFAULT_NODE_GROUP.minSize,
            maxSize: group.maxSize ?? DEFAULT_NODE_GROUP.maxSize,
            desiredSize: group.desiredSize ?? DEFAULT_NODE_GROUP.desiredSize,
          },
          updateConfig: { maxUnavailable: 1 },
          launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
          labels: { "tdp/node-group": group.name, ...(group.labels ?? {}) },
        },
        // The cluster autoscaler owns the desired size after creation.
        { parent: this, dependsOn: [cluster], ignoreChanges: ["scalingConfig.desiredSize"] },
      );
      return nodeGroup.nodeGroupName;
    });

    this.clusterRoleArn = clusterRole.arn;
    this.nodeRoleArn = nodeRole.arn;
    this.secretsKmsKeyArn = secretsKeyArn;
    this.logGroupName = logGroup.name;

    this.workloadRoleArns = {};
    const workloads = args.workloads ?? { clusterAutoscaler: true };
    if (workloads.clusterAutoscaler ?? true) {
      this.workloadRole("cluster-autoscaler", {
        namespace: "kube-system",
        serviceAccount: "cluster-autoscaler",
        description: `Cluster autoscaler of ${clusterName}: scales only this cluster's node groups`,
        policy: policyDocument(
          // Describe calls have no resource-level permissions in IAM.
          allow(
            [
              "autoscaling:DescribeAutoScalingGroups",
              "autoscaling:DescribeAutoScalingInstances",
              "autoscaling:DescribeLaunchConfigurations",
              "autoscaling:DescribeScalingActivities",
              "autoscaling:DescribeTags",
              "ec2:DescribeImages",
              "ec2:DescribeInstanceTypes",
              "ec2:DescribeLaunchTemplateVersions",
              "ec2:GetInstanceTypesFromInstanceRequirements",
            ],
            "*",
          ),
          // Managed node groups' Auto Scaling groups are named eks-<group>-<uuid> and tagged with
          // the cluster's name: both the ARN and the tag hold the role to this cluster's groups.
          allow(
            ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
            pulumi.interpolate`arn:${partition}:autoscaling:${args.region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/eks-*`,
            { Condition: { StringEquals: { "aws:ResourceTag/eks:cluster-name": clusterName } } },
          ),
          allow(
            "eks:DescribeNodegroup",
            pulumi.interpolate`arn:${partition}:eks:${args.region}:${accountId}:nodegroup/${clusterName}/*`,
          ),
        ),
      });
    }
    const data = workloads.dataProcessing;
    if (data !== undefined) {
      const prefix = data.prefix ?? "processing/";
      this.workloadRole("data-processing", {
        namespace: data.namespace ?? "data-processing",
        serviceAccount: data.serviceAccount ?? "worker",
        description: `Data-processing workers of ${clusterName}: the datalake prefix ${prefix} only`,
        policy: policyDocument(
          allow(
            ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
            pulumi.interpolate`${data.bucketArn}/${prefix}*`,
          ),
          allow("s3:ListBucket", data.bucketArn, {
            Condition: { StringLike: { "s3:prefix": `${prefix}*` } },
          }),
          allow(["kms:Decrypt", "kms:GenerateDataKey"], data.kmsKeyArn, {
            Condition: { StringEquals: { "kms:ViaService": `s3.${args.region}.amazonaws.com` } },
          }),
        ),
      });
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
