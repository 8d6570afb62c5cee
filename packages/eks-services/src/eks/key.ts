import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming, PolicyStatement } from "@tdp/core";
import {
  KEY_ADMIN_ACTIONS,
  cloudWatchLogsKeyStatement,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

/** What the cluster's KMS key needs to know: the given keys, and who and what uses it. */
export interface ClusterKeySettings {
  naming: Naming;
  region: string;
  partition: string;
  accountId: pulumi.Input<string>;
  clusterName: string;
  /** The EKS cluster role: encrypts Kubernetes secrets and makes grants for AWS resources. */
  clusterRoleArn: pulumi.Input<string>;
  /** The control-plane log group (CloudWatch Logs encrypts it with the key). */
  logGroupArn: pulumi.Input<string>;
  /** Given by the caller: no key is created when both are. */
  secretsKmsKeyArn?: pulumi.Input<string>;
  logsKmsKeyArn?: pulumi.Input<string>;
}

/**
 * The cluster's own KMS key (with rotation) and its alias, created only when the caller gives no
 * key for the Kubernetes secrets or for the control-plane logs. Returns the keys the cluster uses:
 * the caller's where given, else the created one.
 */
export function createClusterKey(
  parent: pulumi.Resource,
  name: string,
  settings: ClusterKeySettings,
): { secretsKeyArn: pulumi.Output<string>; logsKeyArn: pulumi.Output<string> } {
  const { naming, partition, accountId, clusterName } = settings;
  let key: aws.kms.Key | undefined;
  if (settings.secretsKmsKeyArn === undefined || settings.logsKmsKeyArn === undefined) {
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
        Principal: { AWS: settings.clusterRoleArn },
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey*"],
        Resource: "*",
      },
      {
        Sid: "ClusterGrantsForAwsResources",
        Effect: "Allow",
        Principal: { AWS: settings.clusterRoleArn },
        Action: ["kms:CreateGrant", "kms:ListGrants"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
      },
      cloudWatchLogsKeyStatement("ControlPlaneLogGroup", settings.region, settings.logGroupArn),
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
      statefulResourceOptions({ parent }),
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${naming.base}-eks`, targetKeyId: key.keyId },
      { parent },
    );
  }
  const secretsKeyArn =
    settings.secretsKmsKeyArn !== undefined ? pulumi.output(settings.secretsKmsKeyArn) : key!.arn;
  const logsKeyArn = settings.logsKmsKeyArn !== undefined ? pulumi.output(settings.logsKmsKeyArn) : key!.arn;
  return { secretsKeyArn, logsKeyArn };
}
