import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyDocument } from "@tdp/core";
import { ServiceRole } from "@tdp/core";

import type { WindowsServiceEndpoint } from "./validation";
import {
  DEFAULT_WINDOWS_AMI_PARAMETER,
  DEFAULT_WINDOWS_INSTANCE_TYPE,
  DEFAULT_WINDOWS_SIZES,
  DEFAULT_WINDOWS_VOLUME_GIB,
  WINDOWS_SERVICE_ENDPOINTS,
  validateWindowsWorkersArgs,
} from "./validation";

export interface WindowsWorkersArgs {
  /** Physical names: the group, template, role and security group are `<base>-windows-workers`. */
  naming: Naming;
  /** Seed IAMRolePrefix and IAMBoundaryPolicy, applied to the instance role. */
  iam: IamSettings;
  /** The AWS partition (managed policy ARNs). @default "aws" */
  partition?: string;
  vpcId: pulumi.Input<string>;
  /** The VPC CIDR: the only destination of the workers' egress (HTTPS to the interface endpoints). */
  vpcCidrBlock: pulumi.Input<string>;
  /** Seed IsolatedSubnetIds: subnets without a route to the internet; at least one, ideally one per zone. */
  isolatedSubnetIds: pulumi.Input<string>[];
  /** Seed WindowsInstanceType: x86_64, 4 GiB or more. @default "t3.medium" */
  instanceType?: string;
  /**
   * Further instance types the group may launch when the first is short in a zone, in order of
   * preference (FSBP AutoScaling.6: several types across several zones); same rules as
   * instanceType. @default [] (one type, the seed's)
   */
  additionalInstanceTypes?: string[];
  /** @default 1 */
  minSize?: number;
  /** @default 2 */
  maxSize?: number;
  /** @default 1 */
  desiredSize?: number;
  /** Encrypted gp3 root volume size (GiB), 30 or more. @default 50 */
  volumeSizeGiB?: number;
  /**
   * KMS key of the root volumes. Its policy must let the Auto Scaling service-linked role
   * (AWSServiceRoleForAutoScaling) create grants and use the key. @default the account's aws/ebs key
   */
  ebsKmsKeyArn?: pulumi.Input<string>;
  /**
   * Public SSM parameter of the Windows Server image; read at every deployment, so a new image
   * makes a new launch template version and an instance refresh.
   * @default "/aws/service/ami-windows-latest/Windows_Server-2025-English-Full-Base" (2022 allowed)
   */
  amiParameterName?: string;
  /**
   * Prefix list of the S3 gateway endpoint: adds HTTPS egress to S3 (SSM agent and CloudWatch agent
   * updates, task-script artefacts). @default none (VPC CIDR only)
   */
  s3PrefixListId?: pulumi.Input<string>;
  /**
   * Seed LogsEndpoint, MonitoringEndpoint, SqsEndpoint, CloudformationEndpoint: host names of the
   * endpoints the workers use, set as the AWS SDKs' service endpoint variables
   * (AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, ...). Unneeded with private DNS on the interface endpoints.
   * @default {} (the services' standard names)
   */
  serviceEndpoints?: Partial<Record<WindowsServiceEndpoint, string>>;
  /** The workers' own permissions (queues, stacks, buckets), as inline policies; no `*` actions. @default {} */
  inlinePolicies?: Record<string, PolicyDocument>;
  /** PowerShell run at first boot, after the endpoint variables are set. @default none */
  bootstrapScript?: string;
}

/**
 * EC2 user data: PowerShell that sets the seed's endpoint parameters as machine-wide SDK endpoint
 * variables, then runs the caller's script. Base64, as launch templates take it.
 */
export function windowsUserData(
  endpoints: Partial<Record<WindowsServiceEndpoint, string>>,
  bootstrapScript?: string,
): string | undefined {
  const lines = Object.entries(endpoints)
    .filter((entry): entry is [WindowsServiceEndpoint, string] => entry[1] !== undefined)
    .map(
      ([service, host]) =>
        `[Environment]::SetEnvironmentVariable("${WINDOWS_SERVICE_ENDPOINTS[service]}", "https://${host}", "Machine")`,
    );
  if (bootstrapScript !== undefined && bootstrapScript.trim() !== "") {
    lines.push(bootstrapScript.trim());
  }
  if (lines.length === 0) {
    return undefined;
  }
  return Buffer.from(["<powershell>", ...lines, "</powershell>", ""].join("\n")).toString("base64");
}

/**
 * The seed's Windows task-script workers (EnableWinTaskScriptService): an Auto Scaling group of
 * Windows Server instances (current AMI from AWS's public SSM parameter) in the isolated subnets,
 * from a launch template with IMDSv2 required, encrypted gp3 volumes and no public address; an
 * instance role for Session Manager and the CloudWatch agent; a security group with no inbound rule
 * and HTTPS out only to the VPC (the interface endpoints: logs, monitoring, sqs, cloudformation,
 * ssm). A new image or template rolls the instances through an instance refresh.
 */
export class WindowsWorkers extends pulumi.ComponentResource {
  readonly autoScalingGroupName: pulumi.Output<string>;
  readonly autoScalingGroupArn: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;
  readonly instanceProfileArn: pulumi.Output<string>;
  /** The image the current launch template version runs. */
  readonly amiId: pulumi.Output<string>;

  constructor(name: string, args: WindowsWorkersArgs, opts?: pulumi.ComponentResourceOptions) {
    // Before super(): a bad argument registers nothing, not even the component.
    validateWindowsWorkersArgs(args);
    super("tdp:eks-services:WindowsWorkers", name, {}, opts);

    const naming = args.naming;
    const partition = args.partition ?? "aws";
    const purpose = "windows-workers";
    const instanceType = args.instanceType ?? DEFAULT_WINDOWS_INSTANCE_TYPE;
    const groupName = naming.name("autoScalingGroup", purpose);

    const role = new ServiceRole(
      `${name}-role`,
      {
        naming,
        purpose,
        iam: args.iam,
        services: ["ec2.amazonaws.com"],
        description: `Windows task-script workers ${groupName}: Session Manager and the CloudWatch agent`,
        managedPolicyArns: [
          `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
          `arn:${partition}:iam::aws:policy/CloudWatchAgentServerPolicy`,
        ],
        inlinePolicies: args.inlinePolicies,
      },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { name: naming.roleName(purpose), role: role.roleName },
      { parent: this },
    );

    // Egress is HTTPS to the VPC only (the interface endpoints). DNS to the VPC resolver and time
    // from 169.254.169.123 are not subject to security groups, so nothing else is needed.
    const egress: aws.types.input.ec2.SecurityGroupEgress[] = [
      {
        description: "HTTPS to the VPC interface endpoints",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: [args.vpcCidrBlock],
      },
    ];
    if (args.s3PrefixListId !== undefined) {
      egress.push({
        description: "HTTPS to S3 through the gateway endpoint",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        prefixListIds: [args.s3PrefixListId],
      });
    }
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        namePrefix: `${naming.name("securityGroup", purpose)}-`,
        description: "Windows task-script workers: no inbound; HTTPS out to the VPC endpoints only",
        vpcId: args.vpcId,
        ingress: [],
        egress,
        tags: { Name: naming.name("securityGroup", purpose) },
      },
      { parent: this },
    );

    const image = aws.ssm.getParameterOutput(
      { name: args.amiParameterName ?? DEFAULT_WINDOWS_AMI_PARAMETER },
      { parent: this },
    );
    // insecureValue: the provider marks `value` secret; a public AMI id is not one.
    const amiId = image.insecureValue;

    const template = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        name: naming.name("launchTemplate", purpose),
        description: `Windows task-script workers (${instanceType})`,
        updateDefaultVersion: true,
        imageId: amiId,
        instanceType,
        iamInstanceProfile: { arn: profile.arn },
        // One interface, explicitly without a public address (FSBP EC2.9, AutoScaling.5).
        networkInterfaces: [
          {
            deviceIndex: 0,
            associatePublicIpAddress: "false",
            deleteOnTermination: "true",
            securityGroups: [securityGroup.id],
          },
        ],
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // Nothing on the workers runs in a container: one hop is all the metadata client needs.
          httpPutResponseHopLimit: 1,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/sda1",
            ebs: {
              volumeSize: args.volumeSizeGiB ?? DEFAULT_WINDOWS_VOLUME_GIB,
              volumeType: "gp3",
              encrypted: "true",
              kmsKeyId: args.ebsKmsKeyArn,
              deleteOnTermination: "true",
            },
          },
        ],
        monitoring: { enabled: true },
        userData: windowsUserData(args.serviceEndpoints ?? {}, args.bootstrapScript),
        tagSpecifications: [
          { resourceType: "instance", tags: { Name: groupName } },
          { resourceType: "volume", tags: { Name: groupName } },
        ],
      },
      { parent: this },
    );

    const additionalTypes = args.additionalInstanceTypes ?? [];
    // The template's numbered version (not $Latest), so a new version starts an instance refresh.
    const templateVersion = { id: template.id, version: template.latestVersion.apply(String) };
    const group = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        name: groupName,
        minSize: args.minSize ?? DEFAULT_WINDOWS_SIZES.minSize,
        maxSize: args.maxSize ?? DEFAULT_WINDOWS_SIZES.maxSize,
        desiredCapacity: args.desiredSize ?? DEFAULT_WINDOWS_SIZES.desiredSize,
        vpcZoneIdentifiers: args.isolatedSubnetIds,
        ...(additionalTypes.length === 0
          ? { launchTemplate: templateVersion }
          : {
              // On-demand only, in the listed order; the template's type is the first choice.
              mixedInstancesPolicy: {
                launchTemplate: {
                  launchTemplateSpecification: {
                    launchTemplateId: templateVersion.id,
                    version: templateVersion.version,
                  },
                  overrides: [instanceType, ...additionalTypes].map((t) => ({ instanceType: t })),
                },
                instancesDistribution: {
                  onDemandAllocationStrategy: "prioritized",
                  onDemandBaseCapacity: 0,
                  onDemandPercentageAboveBaseCapacity: 100,
                },
              },
            }),
        healthCheckType: "EC2",
        // Windows takes minutes to boot and run its first-launch tasks.
        healthCheckGracePeriod: 600,
        defaultInstanceWarmup: 600,
        instanceRefresh: {
          strategy: "Rolling",
          preferences: { minHealthyPercentage: 50, instanceWarmup: "600", skipMatching: true },
        },
        enabledMetrics: ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupTotalInstances"],
        tags: [{ key: "Name", value: groupName, propagateAtLaunch: true }],
      },
      { parent: this },
    );

    this.autoScalingGroupName = group.name;
    this.autoScalingGroupArn = group.arn;
    this.launchTemplateId = template.id;
    this.securityGroupId = securityGroup.id;
    this.roleArn = role.arn;
    this.roleName = role.roleName;
    this.instanceProfileArn = profile.arn;
    this.amiId = amiId;
    this.registerOutputs({
      autoScalingGroupName: this.autoScalingGroupName,
      autoScalingGroupArn: this.autoScalingGroupArn,
      launchTemplateId: this.launchTemplateId,
      securityGroupId: this.securityGroupId,
      roleArn: this.roleArn,
      instanceProfileArn: this.instanceProfileArn,
      amiId: this.amiId,
    });
  }
}
