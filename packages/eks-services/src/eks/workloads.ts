import * as pulumi from "@pulumi/pulumi";
import { allow, policyDocument } from "@tdp/core";

import type { WorkloadRoleArgs } from "./workload-role";

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
  /**
   * The platform-settings String parameters (TaskThroughput, ConnectorMaxMemory, ...;
   * PlatformIntegrations' settingsParameterArns) the workers may read by name, and nothing else
   * under their path. @default [] (no SSM access)
   */
  settingsParameterArns?: pulumi.Input<string>[];
}

/** The platform workloads that get IRSA roles from the component. */
export interface PlatformWorkloads {
  /** The cluster autoscaler (kube-system/cluster-autoscaler) scales the managed node groups. @default true */
  clusterAutoscaler?: boolean;
  /** Data-processing workers with read/write on one datalake prefix. @default none */
  dataProcessing?: DataProcessingWorkload;
}

/** The cluster autoscaler's IRSA role: it scales only this cluster's node groups. */
export function clusterAutoscalerRoleArgs(cluster: {
  clusterName: string;
  region: string;
  partition: string;
  accountId: pulumi.Input<string>;
}): WorkloadRoleArgs {
  const { clusterName, region, partition, accountId } = cluster;
  return {
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
        pulumi.interpolate`arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/eks-*`,
        { Condition: { StringEquals: { "aws:ResourceTag/eks:cluster-name": clusterName } } },
      ),
      allow(
        "eks:DescribeNodegroup",
        pulumi.interpolate`arn:${partition}:eks:${region}:${accountId}:nodegroup/${clusterName}/*`,
      ),
    ),
  };
}

/** The data-processing workers' IRSA role: read/write on one datalake prefix through S3 only. */
export function dataProcessingRoleArgs(
  data: DataProcessingWorkload,
  cluster: { clusterName: string; region: string },
): WorkloadRoleArgs {
  const prefix = data.prefix ?? "processing/";
  return {
    namespace: data.namespace ?? "data-processing",
    serviceAccount: data.serviceAccount ?? "worker",
    description: `Data-processing workers of ${cluster.clusterName}: the datalake prefix ${prefix} only`,
    policy: policyDocument(
      allow(
        ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"],
        pulumi.interpolate`${data.bucketArn}/${prefix}*`,
      ),
      allow("s3:ListBucket", data.bucketArn, {
        Condition: { StringLike: { "s3:prefix": `${prefix}*` } },
      }),
      allow(["kms:Decrypt", "kms:GenerateDataKey"], data.kmsKeyArn, {
        Condition: { StringEquals: { "kms:ViaService": `s3.${cluster.region}.amazonaws.com` } },
      }),
      // The platform settings the ECS services read too (plain String parameters, no key).
      ...((data.settingsParameterArns ?? []).length > 0
        ? [
            allow(["ssm:GetParameter", "ssm:GetParameters"], data.settingsParameterArns!, {
              Sid: "PlatformSettings",
            }),
          ]
        : []),
    ),
  };
}
