import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import type * as pulumi from "@pulumi/pulumi";

import { adminAccessEntries } from "./access-entries";
import type { EndpointAccess } from "./validation";
import { CLUSTER_LOG_TYPES } from "./validation";

/** The control plane's settings, defaults already applied. */
export interface ControlPlaneSettings {
  clusterName: string;
  version: string;
  partition: string;
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  endpoint?: EndpointAccess;
  adminRoleArns: string[];
  serviceIpv4Cidr: string;
  supportType: "STANDARD" | "EXTENDED";
  /** The name EKS gives the control-plane log group. */
  logGroupName: string;
  logRetentionDays: number;
  logsKeyArn: pulumi.Input<string>;
  secretsKeyArn: pulumi.Input<string>;
  /** The EKS cluster role. */
  clusterRole: aws.iam.Role;
}

/**
 * pulumi-eks creates its `aws:eks/cluster:Cluster` with
 * `accessConfig.bootstrapClusterCreatorAdminPermissions: true` (it has no argument for it), which
 * gives whoever runs the first `pulumi up` a cluster-admin access entry outside the configured
 * adminRoleArns. This transform, on the eks Cluster, turns that off in the child: the engine runs
 * a component's transforms on every child, a multi-language component's too. With
 * authenticationMode API and no storage classes, aws-auth or privileged VPC CNI patch asked for,
 * pulumi-eks deploys nothing into the cluster itself, so it does not need that entry. pulumi-eks
 * ignores later changes of the field, so a cluster created before keeps its entry
 * (docs/operations.md says how to remove it).
 */
export const withoutClusterCreatorAdmin: pulumi.ResourceTransform = (args) => {
  if (args.type !== "aws:eks/cluster:Cluster") {
    return undefined;
  }
  const accessConfig = (args.props["accessConfig"] ?? {}) as Record<string, unknown>;
  return {
    props: {
      ...args.props,
      accessConfig: { ...accessConfig, bootstrapClusterCreatorAdminPermissions: false },
    },
    opts: args.opts,
  };
};

/** The control-plane log group and the cluster it belongs to. */
export interface ControlPlane {
  logGroup: aws.cloudwatch.LogGroup;
  cluster: eks.Cluster;
}

/**
 * The control-plane log group, then the `@pulumi/eks` cluster: private endpoint, all log types,
 * KMS-encrypted secrets, access entries for the admin roles, an OIDC provider, no default nodes.
 */
export function createControlPlane(
  parent: pulumi.Resource,
  name: string,
  settings: ControlPlaneSettings,
): ControlPlane {
  const publicAccess = settings.endpoint?.publicAccess ?? false;
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane-logs`,
    {
      name: settings.logGroupName,
      retentionInDays: settings.logRetentionDays,
      kmsKeyId: settings.logsKeyArn,
    },
    { parent },
  );

  const accessEntries = adminAccessEntries(settings.adminRoleArns, settings.partition);
  const awsProvider = parent.getProvider("aws:eks/cluster:Cluster");

  const cluster = new eks.Cluster(
    `${name}-cluster`,
    {
      // Named explicitly so the log group above is the one EKS writes to.
      name: settings.clusterName,
      version: settings.version,
      vpcId: settings.vpcId,
      privateSubnetIds: settings.privateSubnetIds,
      nodeAssociatePublicIpAddress: false,
      endpointPrivateAccess: true,
      endpointPublicAccess: publicAccess,
      publicAccessCidrs: publicAccess ? settings.endpoint?.publicAccessCidrs : undefined,
      enabledClusterLogTypes: [...CLUSTER_LOG_TYPES],
      encryptionConfigKeyArn: settings.secretsKeyArn,
      authenticationMode: "API",
      accessEntries,
      serviceRole: settings.clusterRole,
      // Nodes come from the managed node groups (node-groups.ts), on our launch templates.
      skipDefaultNodeGroup: true,
      createInstanceRole: false,
      // Without a default node group pulumi-eks creates no CoreDNS add-on; the cluster component
      // adds it after its node groups (cluster.ts). Said explicitly so that never changes.
      corednsAddonOptions: { enabled: false },
      // The EKS-created cluster security group serves control plane and nodes; pulumi-eks's own
      // groups would open 443 and 1025-65535 more widely than needed.
      skipDefaultSecurityGroups: true,
      createOidcProvider: true,
      kubernetesServiceIpAddressRange: settings.serviceIpv4Cidr,
      deletionProtection: true,
      upgradePolicy: { supportType: settings.supportType },
    },
    {
      parent,
      dependsOn: [logGroup],
      transforms: [withoutClusterCreatorAdmin],
      // A multi-language component gets only the providers its own registration names (the SDK
      // does not pass a parent's on: pulumi/pulumi#10640): hand over the stack's tagged AWS
      // provider, or the cluster's resources would use the default provider.
      ...(awsProvider ? { providers: { aws: awsProvider } } : {}),
    },
  );
  return { logGroup, cluster };
}
