import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ServiceRole, allow, policyDocument } from "@tdp/core";

import type { KeyedContext } from "./context";
import type { DashboardFileSystem } from "./file-system";
import type { DashboardSecrets } from "./secrets";
import { renderUserData } from "./user-data";

export interface InstancesInputs {
  secrets: DashboardSecrets;
  /** The credentials secret's first value, read at boot. */
  dbSecretValue: aws.secretsmanager.SecretVersion;
  fileSystem: DashboardFileSystem;
  targetGroup: aws.lb.TargetGroup;
  /** The dashboard image (the image pipeline's output, or a prebuilt one). */
  imageId: pulumi.Input<string>;
  /** The log group the CloudWatch agent ships to. */
  logGroup: aws.cloudwatch.LogGroup;
  /** The rotation that creates the application user: instances launch after it is turned on. */
  rotation: aws.secretsmanager.SecretRotation;
}

export interface DashboardInstances {
  /** A client of the file system (its policy names it). */
  role: ServiceRole;
  launchTemplate: aws.ec2.LaunchTemplate;
  asg: aws.autoscaling.Group;
  /** The group's physical name, known before the group exists (for ARNs in policies). */
  asgName: string;
}

/** The instances: role and profile, launch template (IMDSv2, encrypted gp3, no public IP), the group. */
export function createInstances(
  ctx: KeyedContext,
  securityGroupId: pulumi.Input<string>,
  { secrets, dbSecretValue, fileSystem, targetGroup, imageId, logGroup, rotation }: InstancesInputs,
): DashboardInstances {
  const { parent, name, args, s, naming, iam, d, region, child, physical, keyArn } = ctx;
  const instanceRole = new ServiceRole(
    `${name}-instance-role`,
    {
      naming,
      iam,
      purpose: `${d}-instance`,
      services: ["ec2.amazonaws.com"],
      description: "Panintelligence dashboard instances: Session Manager, this deployment's secrets, EFS",
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
      inlinePolicies: {
        "read-deployment-secrets": policyDocument(
          allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], secrets.arns),
          allow("kms:Decrypt", keyArn, {
            Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
          }),
        ),
        "efs-through-access-point": policyDocument(fileSystem.clientPolicy),
        // The CloudWatch agent: streams in the deployment's instance log group only.
        "ship-logs": policyDocument(
          allow(
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            pulumi.interpolate`${logGroup.arn}:*`,
          ),
        ),
      },
    },
    child,
  );
  const instanceProfile = new aws.iam.InstanceProfile(
    `${name}-instance-profile`,
    { name: naming.roleName(`${d}-instance`), role: instanceRole.roleName },
    child,
  );
  const userData = pulumi
    .all([
      secrets.db.arn,
      secrets.licence?.arn ?? "",
      fileSystem.fileSystem.id,
      fileSystem.accessPoint.id,
      logGroup.name,
    ])
    .apply(([dbSecretArn, licenceSecretArn, fileSystemId, accessPointId, logGroupName]) =>
      Buffer.from(
        renderUserData({
          region,
          dbSecretArn,
          licenceSecretArn,
          fileSystemId,
          accessPointId,
          dashboardEnvFile: s.dashboardService.dashboardEnvFile,
          schedulerEnvFile: s.dashboardService.schedulerEnvFile,
          serviceUnits: s.dashboardService.serviceUnits,
          dbTlsEnv: s.dashboardService.dbTlsEnv,
          logGroupName,
        }),
      ).toString("base64"),
    );
  const launchTemplate = new aws.ec2.LaunchTemplate(
    `${name}-launch-template`,
    {
      name: physical("launchTemplate", "instances"),
      description: "Panintelligence dashboard (the dashboard image: Marketplace AMI plus boot tools)",
      imageId,
      instanceType: s.instances.instanceType,
      keyName: s.instances.keyPairName,
      iamInstanceProfile: { arn: instanceProfile.arn },
      userData,
      updateDefaultVersion: true,
      ebsOptimized: "true",
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        // 2 hops: the dashboard runs in containers on the instance.
        httpPutResponseHopLimit: 2,
        instanceMetadataTags: "disabled",
      },
      blockDeviceMappings: [
        {
          deviceName: s.instances.rootDeviceName,
          ebs: {
            volumeSize: s.instances.rootVolumeSizeGiB,
            volumeType: "gp3",
            encrypted: "true",
            // Absent, EC2 uses the account's default EBS key (aws/ebs).
            kmsKeyId: args.ebsKmsKeyArn,
            deleteOnTermination: "true",
          },
        },
      ],
      networkInterfaces: [
        { associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [securityGroupId] },
      ],
      monitoring: { enabled: true },
      tagSpecifications: [
        { resourceType: "instance", tags: { Name: physical("generic", "dashboard") } },
        { resourceType: "volume", tags: { Name: physical("generic", "dashboard") } },
      ],
    },
    // The instances need the database, the file system's mount targets, the secret value and the
    // application user (created by the rotation turned on before them) at boot.
    { parent, dependsOn: [...fileSystem.mountTargets, dbSecretValue, rotation] },
  );
  const asgName = physical("autoScalingGroup", "asg");
  const asg = new aws.autoscaling.Group(
    `${name}-asg`,
    {
      name: asgName,
      vpcZoneIdentifiers: args.privateSubnetIds,
      minSize: s.scaling.minSize,
      maxSize: s.scaling.maxSize,
      desiredCapacity: s.scaling.desiredCapacity,
      launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
      targetGroupArns: [targetGroup.arn],
      healthCheckType: "ELB",
      healthCheckGracePeriod: s.scaling.healthCheckGracePeriodSeconds,
      defaultCooldown: s.scaling.cooldownSeconds,
      defaultInstanceWarmup: s.scaling.healthCheckGracePeriodSeconds,
      // The reference replaced every instance after 30 days (fresh OS state, patched image).
      maxInstanceLifetime: s.scaling.maxInstanceLifetimeDays * 86400,
      enabledMetrics: ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupTotalInstances"],
      instanceRefresh: {
        strategy: "Rolling",
        preferences: {
          minHealthyPercentage: 100,
          maxHealthyPercentage: 200,
          instanceWarmup: String(s.scaling.healthCheckGracePeriodSeconds),
        },
      },
      tags: [{ key: "Name", value: physical("generic", "dashboard"), propagateAtLaunch: true }],
    },
    // The scaling policies own the desired capacity after creation.
    { parent, ignoreChanges: ["desiredCapacity"] },
  );
  return { role: instanceRole, launchTemplate, asg, asgName };
}
