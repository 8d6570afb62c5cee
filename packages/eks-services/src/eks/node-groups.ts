import * as aws from "@pulumi/aws";
import type * as eks from "@pulumi/eks";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@tdp/core";

import { nodeadmUserData } from "./user-data";
import type { EksAmiType, NodeGroupSpec } from "./validation";
import { DEFAULT_EKS_AMI_TYPE, DEFAULT_NODE_GROUP, isArmInstanceType } from "./validation";

/** The fields of the kubeconfig the component reads (pulumi-eks types it `any`). */
interface Kubeconfig {
  clusters?: { cluster?: Record<string, string> }[];
}

/** The node groups' settings, defaults already applied, and the cluster they join. */
export interface NodeGroupsSettings {
  naming: Naming;
  /** The cluster's physical name (descriptions, nodeadm). */
  clusterName: string;
  /** The cluster's name once it exists: the node groups wait for the cluster. */
  createdClusterName: pulumi.Output<string>;
  version: string;
  serviceIpv4Cidr: string;
  hopLimit: number;
  nodeGroups: NodeGroupSpec[];
  vpcId: pulumi.Input<string>;
  privateSubnetIds: pulumi.Input<string>[];
  ebsKmsKeyArn?: pulumi.Input<string>;
  cluster: eks.Cluster;
  endpoint: pulumi.Output<string>;
  clusterSecurityGroupId: pulumi.Output<string>;
  nodeRoleArn: pulumi.Output<string>;
}

/** The nodes' security group and the names of the node groups. */
export interface NodeGroups {
  nodeSecurityGroupId: pulumi.Output<string>;
  nodeGroupNames: pulumi.Output<string>[];
  /** The node groups, for what must wait until nodes can run (the CoreDNS add-on). */
  nodeGroups: aws.eks.NodeGroup[];
}

/**
 * The nodes' own security group (no rules), and per group a launch template (IMDSv2, encrypted
 * gp3 root volume, nodeadm user data for a customer AMI) and a managed node group on it.
 */
export function createNodeGroups(
  parent: pulumi.Resource,
  name: string,
  settings: NodeGroupsSettings,
): NodeGroups {
  const { naming, clusterName, cluster } = settings;
  const nodeSg = new aws.ec2.SecurityGroup(
    `${name}-node-sg`,
    {
      namePrefix: `${naming.name("securityGroup", "eks-nodes")}-`,
      description: `Worker nodes of ${clusterName}: the source the database and search admit; no rules of its own`,
      vpcId: settings.vpcId,
      ingress: [],
      egress: [],
      tags: { Name: naming.name("securityGroup", "eks-nodes") },
    },
    { parent, deleteBeforeReplace: false },
  );

  const certificateAuthority = cluster.kubeconfig.apply(
    (k: Kubeconfig) => k.clusters?.[0]?.cluster?.["certificate-authority-data"] ?? "",
  );
  const nodeGroups = settings.nodeGroups.map((group) => {
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
          ? pulumi.all([settings.endpoint, certificateAuthority]).apply(([endpoint, ca]) =>
              nodeadmUserData({
                name: clusterName,
                endpoint,
                certificateAuthority: ca,
                serviceIpv4Cidr: settings.serviceIpv4Cidr,
              }),
            )
          : undefined,
        // Seed pre-deployment task 7: the key pair is attached, but no security group opens 22;
        // administrators reach the nodes through Session Manager.
        keyName: group.keyPairName,
        vpcSecurityGroupIds: [settings.clusterSecurityGroupId, nodeSg.id],
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: settings.hopLimit,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeSize: group.diskSizeGiB ?? DEFAULT_NODE_GROUP.diskSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              kmsKeyId: settings.ebsKmsKeyArn,
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
      { parent },
    );
    const instanceTypes = group.instanceTypes ?? [...DEFAULT_NODE_GROUP.instanceTypes];
    const amiType: EksAmiType | "CUSTOM" = customAmi
      ? "CUSTOM"
      : (group.amiType ??
        (instanceTypes.every(isArmInstanceType) ? "AL2023_ARM_64_STANDARD" : DEFAULT_EKS_AMI_TYPE));
    const nodeGroup = new aws.eks.NodeGroup(
      `${name}-${group.name}`,
      {
        clusterName: settings.createdClusterName,
        // A prefix, not a name: instance types, capacity type, AMI type, disk, subnets and the
        // node role force a replacement, which is created before the old group is deleted, and EKS
        // refuses a second group of the same name. Prefix and suffix fit EKS's 63 characters.
        nodeGroupNamePrefix: naming.namePrefix("eksNodeGroup", role),
        nodeRoleArn: settings.nodeRoleArn,
        subnetIds: settings.privateSubnetIds,
        instanceTypes,
        capacityType: group.capacityType ?? DEFAULT_NODE_GROUP.capacityType,
        amiType,
        // A customer AMI carries its own kubelet version; EKS refuses a version with it.
        version: customAmi ? undefined : settings.version,
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
      { parent, dependsOn: [cluster], ignoreChanges: ["scalingConfig.desiredSize"] },
    );
    return nodeGroup;
  });
  return {
    nodeSecurityGroupId: nodeSg.id,
    nodeGroupNames: nodeGroups.map((group) => group.nodeGroupName),
    nodeGroups,
  };
}
