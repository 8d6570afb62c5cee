import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { PlatformServicesArgs } from "./args";
import type { PlatformServiceSpec } from "./validation";

/**
 * The tasks' security group: service ports from the load balancer and from each other, HTTPS out
 * and TCP inside the VPC. `enabled` are the services that run (disabled ones open nothing).
 */
export function createTasksSecurityGroup(
  parent: pulumi.Resource,
  name: string,
  args: PlatformServicesArgs,
  enabled: PlatformServiceSpec[],
): aws.ec2.SecurityGroup {
  const child = { parent };
  const naming = args.naming;
  const tasksSg = new aws.ec2.SecurityGroup(
    `${name}-tasks-sg`,
    {
      // A prefix, not a name: a replacement (another VPC or description) is created before the
      // old group is deleted, which a fixed name would make collide.
      namePrefix: naming.namePrefix("securityGroup", "ecs-tasks"),
      description: "ECS platform tasks: service ports from the load balancer and each other only",
      vpcId: args.vpcId,
      tags: { Name: naming.name("securityGroup", "ecs-tasks") },
    },
    child,
  );

  // Ingress: each distinct service port from the ALB (routed) and from the other tasks.
  const routedPorts = new Set(enabled.filter((s) => s.routing).map((s) => s.port!));
  const servicePorts = new Set(enabled.filter((s) => s.port !== undefined).map((s) => s.port!));
  for (const port of [...routedPorts].sort((a, b) => a - b)) {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-tasks-from-alb-${port}`,
      {
        securityGroupId: tasksSg.id,
        referencedSecurityGroupId: args.web!.securityGroupId,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: "from the web load balancer",
      },
      child,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-alb-to-tasks-${port}`,
      {
        securityGroupId: args.web!.securityGroupId,
        referencedSecurityGroupId: tasksSg.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: "to the platform tasks",
      },
      child,
    );
  }
  for (const port of [...servicePorts].sort((a, b) => a - b)) {
    new aws.vpc.SecurityGroupIngressRule(
      `${name}-tasks-from-tasks-${port}`,
      {
        securityGroupId: tasksSg.id,
        referencedSecurityGroupId: tasksSg.id,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        description: "inter-service calls through Cloud Map names",
      },
      child,
    );
  }
  // Egress: HTTPS out (AWS APIs, ECR, Box/Egnyte through the NAT) and TCP inside the VPC
  // (database, search, other services); nothing else.
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-tasks-https-out`,
    {
      securityGroupId: tasksSg.id,
      cidrIpv4: "0.0.0.0/0",
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      description: "HTTPS to AWS APIs and the integrations",
    },
    child,
  );
  new aws.vpc.SecurityGroupEgressRule(
    `${name}-tasks-vpc-out`,
    {
      securityGroupId: tasksSg.id,
      cidrIpv4: args.vpcCidrBlock,
      ipProtocol: "tcp",
      fromPort: 0,
      toPort: 65535,
      description: "database, search and other services inside the VPC",
    },
    child,
  );
  return tasksSg;
}
