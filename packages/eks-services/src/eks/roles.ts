import type * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";
import { ServiceRole } from "@tdp/core";

/** The control plane's and the nodes' roles. */
export interface ClusterRoles {
  clusterRole: ServiceRole;
  nodeRole: ServiceRole;
}

/** The EKS cluster role and the managed node groups' role, with AWS managed policies only. */
export function createClusterRoles(
  parent: pulumi.Resource,
  name: string,
  settings: { naming: Naming; iam: IamSettings; partition: string; clusterName: string },
): ClusterRoles {
  const { naming, partition, clusterName } = settings;
  const managed = (policy: string) => `arn:${partition}:iam::aws:policy/${policy}`;

  // Explicit roles through ServiceRole, so IAMRolePrefix and the boundary hold for them too.
  const clusterRole = new ServiceRole(
    `${name}-cluster-role`,
    {
      naming,
      purpose: "eks-cluster",
      iam: settings.iam,
      services: ["eks.amazonaws.com"],
      description: `EKS control plane of ${clusterName}`,
      managedPolicyArns: [managed("AmazonEKSClusterPolicy")],
    },
    { parent },
  );
  const nodeRole = new ServiceRole(
    `${name}-node-role`,
    {
      naming,
      purpose: "eks-node",
      iam: settings.iam,
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
    { parent },
  );
  return { clusterRole, nodeRole };
}
