import {
  eksControlPlaneLogging,
  eksNodesNotExposed,
  eksPrivateEndpoint,
  eksSecretsEncryption,
  eksSupportedVersion,
} from "../../src/services/eks";
import { KEY_ARN } from "../fixtures";
import { res, urnOf, type PolicyCase } from "../harness";

const LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The offline plan's shape: @pulumi/eks's component with flat inputs (as PlatformCluster sets them). */
const component = (inputs: Record<string, unknown> = {}) =>
  res("eks:index:Cluster", "eks-cluster", {
    name: "tdp-eks",
    endpointPrivateAccess: true,
    endpointPublicAccess: false,
    enabledClusterLogTypes: LOGS,
    encryptionConfigKeyArn: KEY_ARN,
    nodeAssociatePublicIpAddress: false,
    skipDefaultNodeGroup: true,
    version: "1.35",
    ...inputs,
  });

/** A real preview's shape: the provider's cluster the component creates. */
const cluster = (inputs: Record<string, unknown> = {}, vpcConfig: Record<string, unknown> = {}) =>
  res("aws:eks/cluster:Cluster", "eks-cluster-eksCluster", {
    name: "tdp-eks",
    roleArn: "arn:aws:iam::111111111111:role/tdp-eks-cluster",
    vpcConfig: {
      endpointPrivateAccess: true,
      endpointPublicAccess: false,
      subnetIds: ["subnet-1", "subnet-2"],
      ...vpcConfig,
    },
    enabledClusterLogTypes: LOGS,
    encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: ["secrets"] },
    version: "1.35",
    ...inputs,
  });

const nodeGroup = (inputs: Record<string, unknown> = {}) =>
  res("aws:eks/nodeGroup:NodeGroup", "eks-general", {
    clusterName: "tdp-eks",
    nodeRoleArn: "arn:aws:iam::111111111111:role/tdp-eks-node",
    subnetIds: ["subnet-1", "subnet-2"],
    scalingConfig: { desiredSize: 2, maxSize: 3, minSize: 1 },
    version: "1.35",
    ...inputs,
  });

export const eksCases: PolicyCase[] = [
  {
    policy: eksPrivateEndpoint,
    passes: [
      [component()],
      [cluster()],
      [component({ endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] })],
      [cluster({}, { endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.10/32"] })],
      // Not known yet in a preview: never a failure.
      [cluster({ vpcConfig: "[unknown]" })],
    ],
    fails: [
      {
        fixture: [component({ endpointPublicAccess: undefined })],
        message: /cluster tdp-eks has a public API endpoint open to 0.0.0.0\/0 \(no publicAccessCidrs\)/,
      },
      {
        fixture: [component({ endpointPrivateAccess: false })],
        message: /cluster tdp-eks has no private API endpoint/,
      },
      {
        fixture: [component({ endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] })],
        message: /public API endpoint open to 0.0.0.0\/0.*endpointPrivateAccess true/,
      },
      {
        fixture: [cluster({}, { endpointPrivateAccess: undefined, endpointPublicAccess: undefined })],
        message: /cluster tdp-eks has no private API endpoint/,
      },
      {
        fixture: [cluster({}, { endpointPublicAccess: true, publicAccessCidrs: ["10.0.0.0/8", "::/0"] })],
        message: /public API endpoint open to ::\/0/,
      },
    ],
  },
  {
    policy: eksSupportedVersion,
    passes: [[component()], [cluster()], [nodeGroup()], [component({ version: undefined })]],
    fails: [
      {
        fixture: [component({ version: "1.29" })],
        message: /eks-cluster runs Kubernetes 1.29, older than 1.33/,
      },
      { fixture: [cluster({ version: "1.31" })], message: /runs Kubernetes 1.31, older than 1.33/ },
      { fixture: [nodeGroup({ version: "1.32" })], message: /eks-general runs Kubernetes 1.32/ },
    ],
  },
  {
    policy: eksControlPlaneLogging,
    passes: [[component()], [cluster()], [cluster({ enabledClusterLogTypes: "[unknown]" })]],
    fails: [
      {
        fixture: [component({ enabledClusterLogTypes: ["api", "audit"] })],
        message: /cluster tdp-eks does not log authenticator, controllerManager, scheduler/,
      },
      {
        fixture: [cluster({ enabledClusterLogTypes: undefined })],
        message: /does not log api, audit, authenticator, controllerManager, scheduler/,
      },
    ],
  },
  {
    policy: eksSecretsEncryption,
    passes: [
      [component()],
      [cluster()],
      [cluster({ encryptionConfig: "[unknown]" })],
      // A first preview: the key is created by the same program, so both shapes see it undefined;
      // the component's own cluster (its child) decides.
      [
        component({ encryptionConfigKeyArn: undefined }),
        res(
          "aws:eks/cluster:Cluster",
          "eks-cluster-eksCluster",
          { name: "tdp-eks", encryptionConfig: { provider: {}, resources: ["secrets"] } },
          { parent: urnOf("eks:index:Cluster", "eks-cluster") },
        ),
      ],
    ],
    fails: [
      {
        fixture: [component({ encryptionConfigKeyArn: undefined })],
        message: /cluster tdp-eks does not encrypt secrets with KMS/,
      },
      {
        fixture: [cluster({ encryptionConfig: undefined })],
        message: /cluster tdp-eks does not encrypt secrets with KMS/,
      },
      {
        fixture: [cluster({ encryptionConfig: { provider: { keyArn: KEY_ARN }, resources: [] } })],
        message: /encryption config does not cover secrets/,
      },
      {
        fixture: [
          component({ encryptionConfigKeyArn: undefined }),
          res(
            "aws:eks/cluster:Cluster",
            "eks-cluster-eksCluster",
            { name: "tdp-eks-preview" },
            { parent: urnOf("eks:index:Cluster", "eks-cluster") },
          ),
        ],
        message: /cluster tdp-eks-preview does not encrypt secrets with KMS/,
      },
    ],
  },
  {
    policy: eksNodesNotExposed,
    passes: [
      [component()],
      [nodeGroup()],
      [nodeGroup({ remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-bastion"] } })],
    ],
    fails: [
      {
        fixture: [nodeGroup({ remoteAccess: { ec2SshKey: "ops" } })],
        message: /node group eks-general allows SSH from 0.0.0.0\/0/,
      },
      {
        fixture: [component({ nodeAssociatePublicIpAddress: true })],
        message: /eks-cluster gives its nodes public IP addresses/,
      },
      {
        fixture: [
          res("eks:index:ManagedNodeGroup", "eks-extra", {
            cluster: "tdp-eks",
            remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: [] },
          }),
        ],
        message: /node group eks-extra allows SSH/,
      },
    ],
  },
];
