import {
  ec2DefaultSecurityGroupClosed,
  ec2EbsEncrypted,
  ec2Imdsv2Required,
  ec2NaclNoOpenAdminPorts,
  ec2NoOpenAdminPorts,
  ec2NoPublicIp,
  ec2SubnetNoPublicIpOnLaunch,
  ec2VpcFlowLogs,
  ec2InterfaceEndpoints,
} from "../../src/services/ec2";
import { KEY_ARN } from "../fixtures";
import { res, urnOf, type PolicyCase } from "../harness";

/** A launch template as the node groups and the dashboard register it (booleans as strings). */
const launchTemplate = (inputs: Record<string, unknown> = {}, ebs: Record<string, unknown> = {}) =>
  res("aws:ec2/launchTemplate:LaunchTemplate", "nodes-lt", {
    name: "tdp-nodes",
    blockDeviceMappings: [
      {
        deviceName: "/dev/xvda",
        ebs: { deleteOnTermination: "true", encrypted: "true", volumeSize: 50, volumeType: "gp3", ...ebs },
      },
    ],
    metadataOptions: { httpEndpoint: "enabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
    networkInterfaces: [{ associatePublicIpAddress: "false", deleteOnTermination: "true" }],
    ...inputs,
  });

const instance = (inputs: Record<string, unknown> = {}) =>
  res("aws:ec2/instance:Instance", "bastion", {
    ami: "ami-0123456789abcdef0",
    instanceType: "t3.micro",
    associatePublicIpAddress: false,
    metadataOptions: { httpTokens: "required" },
    rootBlockDevice: { encrypted: true, kmsKeyId: KEY_ARN, volumeType: "gp3" },
    ...inputs,
  });

// ---- VPC shapes: awsx's component (plan) and the provider's VPC with its subnets (preview) ----
const AWSX = "awsx:ec2:Vpc";
const awsxVpc = (inputs: Record<string, unknown> = {}) =>
  res(AWSX, "network-vpc", {
    cidrBlock: "10.40.0.0/16",
    natGateways: { strategy: "OnePerAz" },
    subnetSpecs: [
      { name: "private", type: "Private", cidrMask: 19 },
      { name: "public", type: "Public", cidrMask: 22 },
    ],
    ...inputs,
  });
const onAwsx = { dependencies: [urnOf(AWSX, "network-vpc")] };
const flowLog = (inputs: Record<string, unknown> = {}, options = onAwsx) =>
  res(
    "aws:ec2/flowLog:FlowLog",
    "network-flow-log",
    { vpcId: "vpc-1", trafficType: "ALL", logDestinationType: "cloud-watch-logs", ...inputs },
    options,
  );
const endpoint = (service: string, inputs: Record<string, unknown> = {}) =>
  res(
    "aws:ec2/vpcEndpoint:VpcEndpoint",
    `network-endpoint-${service}`,
    {
      serviceName: `com.amazonaws.us-east-1.${service}`,
      vpcEndpointType: "Interface",
      privateDnsEnabled: true,
      ...inputs,
    },
    onAwsx,
  );
const defaultSg = (inputs: Record<string, unknown> = {}, options = onAwsx) =>
  res(
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
    "network-default-sg",
    {
      vpcId: "vpc-1",
      ingress: [],
      egress: [],
      ...inputs,
    },
    options,
  );

/** A preview: awsx's children, the VPC parented by the component, companions depending on the component. */
const previewVpc = res(
  "aws:ec2/vpc:Vpc",
  "network-vpc",
  { cidrBlock: "10.40.0.0/16" },
  {
    parent: urnOf(AWSX, "network-vpc"),
  },
);
const subnet = (name: string, inputs: Record<string, unknown> = {}) =>
  res("aws:ec2/subnet:Subnet", name, {
    vpcId: "[unknown]",
    cidrBlock: "10.40.0.0/19",
    mapPublicIpOnLaunch: false,
    tags: { Name: name },
    ...inputs,
  });

const sg = (ingress: Record<string, unknown>[]) =>
  res("aws:ec2/securityGroup:SecurityGroup", "app-sg", { vpcId: "vpc-1", ingress, egress: [] });
const ingressRule = (inputs: Record<string, unknown>) =>
  res("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "app-in", {
    securityGroupId: "sg-1",
    ipProtocol: "tcp",
    ...inputs,
  });

/** The platform NACL: internet in on 80/443 and the ephemeral range split around 3389. */
const platformNacl = (extra: Record<string, unknown>[] = []) =>
  res("aws:ec2/networkAcl:NetworkAcl", "network-nacl", {
    vpcId: "vpc-1",
    ingress: [
      { action: "allow", cidrBlock: "10.40.0.0/16", fromPort: 0, protocol: "-1", ruleNo: 100, toPort: 0 },
      { action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 443, protocol: "tcp", ruleNo: 200, toPort: 443 },
      { action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 1024, protocol: "tcp", ruleNo: 300, toPort: 3388 },
      {
        action: "allow",
        cidrBlock: "0.0.0.0/0",
        fromPort: 3390,
        protocol: "tcp",
        ruleNo: 310,
        toPort: 65535,
      },
      {
        action: "allow",
        cidrBlock: "0.0.0.0/0",
        fromPort: 0,
        icmpCode: 4,
        icmpType: 3,
        protocol: "icmp",
        ruleNo: 340,
        toPort: 0,
      },
      ...extra,
    ],
  });

export const ec2Cases: PolicyCase[] = [
  {
    policy: ec2Imdsv2Required,
    passes: [
      [launchTemplate()],
      [instance()],
      [instance({ metadataOptions: { httpEndpoint: "disabled" } })],
      [launchTemplate({ metadataOptions: "[unknown]" })],
    ],
    fails: [
      {
        fixture: [launchTemplate({ metadataOptions: undefined })],
        message: /LaunchTemplate nodes-lt allows IMDSv1 \(httpTokens optional by default\)/,
      },
      {
        fixture: [instance({ metadataOptions: { httpTokens: "optional" } })],
        message: /Instance bastion allows IMDSv1 \(httpTokens optional\)/,
      },
    ],
  },
  {
    policy: ec2EbsEncrypted,
    passes: [[launchTemplate()], [instance()], [launchTemplate({ blockDeviceMappings: undefined })]],
    fails: [
      {
        fixture: [launchTemplate({}, { encrypted: "false" })],
        message: /LaunchTemplate nodes-lt's block device \/dev\/xvda is not encrypted/,
      },
      {
        fixture: [launchTemplate({}, { volumeType: "gp2" })],
        message: /block device \/dev\/xvda is gp2, not gp3/,
      },
      {
        fixture: [instance({ rootBlockDevice: { kmsKeyId: KEY_ARN } })],
        message: /Instance bastion's root volume is not encrypted \(kmsKeyId arn:aws:kms/,
      },
      {
        fixture: [res("aws:ebs/volume:Volume", "data", { availabilityZone: "us-east-1a", size: 10 })],
        message: /Volume data's volume is not encrypted/,
      },
    ],
  },
  {
    policy: ec2NoPublicIp,
    passes: [[launchTemplate()], [instance()]],
    fails: [
      {
        fixture: [instance({ associatePublicIpAddress: true })],
        message: /Instance bastion associates a public IP/,
      },
      {
        fixture: [launchTemplate({ networkInterfaces: [{ associatePublicIpAddress: "true" }] })],
        message: /LaunchTemplate nodes-lt's network interface #0 associates a public IP address/,
      },
    ],
  },
  {
    policy: ec2SubnetNoPublicIpOnLaunch,
    passes: [
      // Plan: awsx with public subnets for its NAT gateways.
      [awsxVpc()],
      // Preview: awsx's public subnets with mapPublicIpOnLaunch turned off by the network transform.
      [
        previewVpc,
        subnet("network-vpc-public-1", { tags: { Name: "public-1", Tier: "public" } }),
        subnet("network-vpc-private-1"),
      ],
      // No NAT gateways, but an internet-facing load balancer needs the public subnets.
      [
        awsxVpc({ natGateways: { strategy: "None" } }),
        res("aws:lb/loadBalancer:LoadBalancer", "web-alb", { internal: false }),
      ],
    ],
    fails: [
      {
        fixture: [
          previewVpc,
          subnet("network-vpc-private-1", { mapPublicIpOnLaunch: true, tags: { Tier: "private" } }),
        ],
        message: /private subnet network-vpc-private-1 assigns public IP addresses on launch/,
      },
      {
        fixture: [subnet("network-vpc-public-1", { mapPublicIpOnLaunch: true, tags: { Tier: "public" } })],
        message: /public subnet network-vpc-public-1 assigns public IP addresses on launch/,
      },
      {
        fixture: [awsxVpc({ natGateways: { strategy: "None" } })],
        message:
          /VPC network-vpc has public subnets \(public\) that no NAT gateway or internet-facing load balancer needs/,
      },
    ],
  },
  {
    policy: ec2NoOpenAdminPorts,
    passes: [
      [sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.40.0.0/16"] }])],
      [sg([{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }])],
      [sg([{ protocol: "icmp", fromPort: 3, toPort: 4, cidrBlocks: ["0.0.0.0/0"] }])],
      [ingressRule({ fromPort: 22, toPort: 22, referencedSecurityGroupId: "sg-bastion" })],
      [ingressRule({ fromPort: 80, toPort: 80, cidrIpv4: "0.0.0.0/0" })],
    ],
    fails: [
      {
        fixture: [sg([{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }])],
        message: /security group app-sg ingress #0 admits 0.0.0.0\/0 on 22 \(SSH\)/,
      },
      {
        fixture: [sg([{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["::/0"] }])],
        message: /admits ::\/0 on all ports/,
      },
      {
        fixture: [ingressRule({ fromPort: 3389, toPort: 3389, cidrIpv4: "0.0.0.0/0" })],
        message: /ingress rule app-in admits 0.0.0.0\/0 on 3389 \(RDP\)/,
      },
      {
        fixture: [ingressRule({ fromPort: 5432, toPort: 5432, cidrIpv6: "::/0" })],
        message: /admits ::\/0 on 5432 \(PostgreSQL\)/,
      },
      {
        fixture: [ingressRule({ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" })],
        message: /ingress rule app-in admits 0.0.0.0\/0 on all ports/,
      },
      {
        fixture: [ingressRule({ fromPort: 8443, toPort: 8443, cidrIpv4: "0.0.0.0/0" })],
        message: /on port 8443 \(only 80 and 443 may be open to the internet\)/,
      },
      {
        fixture: [
          res("aws:ec2/securityGroupRule:SecurityGroupRule", "ssh", {
            type: "ingress",
            protocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrBlocks: ["0.0.0.0/0"],
            securityGroupId: "sg-1",
          }),
        ],
        message: /security group rule ssh admits 0.0.0.0\/0 on 22 \(SSH\)/,
      },
    ],
  },
  {
    policy: ec2DefaultSecurityGroupClosed,
    passes: [
      [awsxVpc(), defaultSg()],
      [awsxVpc(), previewVpc, defaultSg({ vpcId: "[unknown]" })],
      [
        res("aws:ec2/vpc:Vpc", "plain", { cidrBlock: "10.0.0.0/16" }),
        defaultSg({ vpcId: "[unknown]" }, { dependencies: [urnOf("aws:ec2/vpc:Vpc", "plain")] }),
      ],
    ],
    fails: [
      { fixture: [awsxVpc()], message: /VPC network-vpc keeps its default security group's rules/ },
      {
        fixture: [
          awsxVpc(),
          defaultSg({ ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }] }),
        ],
        message: /default security group network-default-sg has ingress rules/,
      },
    ],
  },
  {
    policy: ec2VpcFlowLogs,
    passes: [
      [awsxVpc(), flowLog()],
      [awsxVpc(), previewVpc, flowLog({ vpcId: "[unknown]" })],
      [
        res("aws:ec2/vpc:Vpc", "plain", { cidrBlock: "10.0.0.0/16" }),
        flowLog({ trafficType: "REJECT" }, { dependencies: [urnOf("aws:ec2/vpc:Vpc", "plain")] }),
      ],
    ],
    fails: [
      { fixture: [awsxVpc()], message: /VPC network-vpc has no flow log/ },
      { fixture: [awsxVpc(), previewVpc], message: /VPC network-vpc has no flow log/ },
      {
        fixture: [awsxVpc(), flowLog({ trafficType: "ACCEPT" })],
        message: /VPC network-vpc's flow logs do not capture rejected traffic/,
      },
    ],
  },
  {
    policy: ec2NaclNoOpenAdminPorts,
    passes: [
      [platformNacl()],
      // Deny entries numbered before the allow-all decide for 22 and 3389.
      [
        res("aws:ec2/networkAcl:NetworkAcl", "deny-first", {
          ingress: [
            { action: "deny", cidrBlock: "0.0.0.0/0", fromPort: 22, protocol: "tcp", ruleNo: 50, toPort: 22 },
            {
              action: "deny",
              cidrBlock: "0.0.0.0/0",
              fromPort: 3389,
              protocol: "tcp",
              ruleNo: 60,
              toPort: 3389,
            },
            { action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, protocol: "-1", ruleNo: 100, toPort: 0 },
          ],
        }),
      ],
    ],
    fails: [
      {
        fixture: [
          platformNacl([
            { action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, protocol: "-1", ruleNo: 900, toPort: 0 },
          ]),
        ],
        message: /NetworkAcl network-nacl rule 900 lets the internet in on 22 \(SSH\)/,
      },
      {
        fixture: [
          res("aws:ec2/networkAclRule:NetworkAclRule", "rdp", {
            networkAclId: "acl-1",
            egress: false,
            ruleAction: "allow",
            ruleNumber: 120,
            protocol: "tcp",
            fromPort: 3389,
            toPort: 3389,
            ipv6CidrBlock: "::/0",
          }),
        ],
        message: /NetworkAclRule rdp rule 120 lets the internet in on 3389 \(RDP\)/,
      },
    ],
  },
  {
    policy: ec2InterfaceEndpoints,
    passes: [
      [awsxVpc(), ...["ecr.api", "ecr.dkr", "ssm", "ssmmessages"].map((service) => endpoint(service))],
      // A preview: ids unknown, endpoints found through their dependency on the component.
      [
        awsxVpc(),
        previewVpc,
        ...["ecr.api", "ecr.dkr", "ssm"].map((service) => endpoint(service, { vpcId: "[unknown]" })),
      ],
      // A service name not known yet is not a missing endpoint.
      [awsxVpc(), endpoint("ecr.api"), endpoint("ecr.dkr"), endpoint("x", { serviceName: "[unknown]" })],
      // awsx's own endpoint specs count too.
      [
        awsxVpc({
          vpcEndpointSpecs: ["ecr.api", "ecr.dkr", "ssm"].map((service) => ({
            serviceName: `com.amazonaws.us-east-1.${service}`,
            vpcEndpointType: "Interface",
          })),
        }),
      ],
    ],
    fails: [
      {
        fixture: [awsxVpc(), endpoint("ecr.api"), endpoint("ecr.dkr"), endpoint("ssmmessages")],
        message: /VPC network-vpc has no interface endpoint for Systems Manager \(\*\.ssm, EC2\.57\)/,
      },
      {
        // A gateway endpoint is no interface endpoint.
        fixture: [
          awsxVpc(),
          endpoint("ecr.dkr"),
          endpoint("ssm"),
          endpoint("ecr.api", { vpcEndpointType: "Gateway" }),
        ],
        message: /no interface endpoint for ECR API \(\*\.ecr\.api, EC2\.55\)/,
      },
      { fixture: [awsxVpc()], message: /no interface endpoint for ECR Docker registry/ },
    ],
  },
];
