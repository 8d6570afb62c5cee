import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { DashboardContext } from "./context";
import { DASHBOARD_PORT } from "./defaults";

/** The other side of a rule: a security group or a network. */
export interface RulePeer {
  sg?: pulumi.Input<string>;
  cidr?: pulumi.Input<string>;
}

/** Creates one TCP rule of a group: `${name}-${role}`, on `port`, from or to `peer`. */
export type RuleFactory = (
  role: string,
  groupId: pulumi.Input<string>,
  port: number,
  peer: RulePeer,
  description: string,
) => void;

export interface SecurityGroupFactories {
  sg: (role: string, description: string) => aws.ec2.SecurityGroup;
  ingress: RuleFactory;
  egress: RuleFactory;
}

export interface DashboardSecurityGroups {
  alb: aws.ec2.SecurityGroup;
  instances: aws.ec2.SecurityGroup;
  db: aws.ec2.SecurityGroup;
  efs: aws.ec2.SecurityGroup;
  rotation: aws.ec2.SecurityGroup;
  sync: aws.ec2.SecurityGroup;
}

export function securityGroupFactories(ctx: DashboardContext): SecurityGroupFactories {
  const { name, args, child, physical } = ctx;
  const rule =
    (Rule: typeof aws.vpc.SecurityGroupIngressRule | typeof aws.vpc.SecurityGroupEgressRule): RuleFactory =>
    (role, groupId, port, peer, description) =>
      new Rule(
        `${name}-${role}`,
        {
          securityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: peer.sg,
          cidrIpv4: peer.cidr,
          description,
        },
        child,
      );
  return {
    sg: (role, description) =>
      new aws.ec2.SecurityGroup(
        `${name}-${role}-sg`,
        // A prefix, not a name: a changed description or VPC replaces the group, and the new one
        // is created before the old is deleted.
        {
          namePrefix: `${physical("securityGroup", role)}-`,
          description,
          vpcId: args.vpcId,
          tags: { Name: physical("securityGroup", role) },
        },
        child,
      ),
    ingress: rule(aws.vpc.SecurityGroupIngressRule),
    egress: rule(aws.vpc.SecurityGroupEgressRule),
  };
}

/** The dashboard's groups: each admits exactly its clients (none of the reference's VPC-wide rules). */
export function createSecurityGroups(
  ctx: DashboardContext,
  { sg, ingress, egress }: SecurityGroupFactories,
): DashboardSecurityGroups {
  const { args, s } = ctx;
  const albSg = sg("alb", "Panintelligence load balancer: 80/443 from the allowed networks");
  const instanceSg = sg("instances", "Panintelligence instances: 8224 from the load balancer");
  const dbSg = sg("db", "Panintelligence MariaDB: 3306 from the instances and the rotation function");
  const efsSg = sg("efs", "Panintelligence EFS: 2049 from the instances and the sync function");
  const rotationSg = sg("rotation", "Secrets Manager rotation function: to MariaDB and the endpoints");
  const syncSg = sg("sync", "S3 to EFS sync function: to EFS and S3");

  const albCidrs: pulumi.Input<string>[] =
    s.loadBalancer.allowedCidrs ?? (s.loadBalancer.internetFacing ? ["0.0.0.0/0"] : [args.vpcCidrBlock]);
  albCidrs.forEach((cidr, i) => {
    ingress(`alb-https-${i}`, albSg.id, 443, { cidr }, "HTTPS from an allowed network");
    ingress(`alb-http-${i}`, albSg.id, 80, { cidr }, "HTTP from an allowed network, redirected to HTTPS");
  });
  egress("alb-to-instances", albSg.id, DASHBOARD_PORT, { sg: instanceSg.id }, "to the dashboard");
  ingress("instances-from-alb", instanceSg.id, DASHBOARD_PORT, { sg: albSg.id }, "from the load balancer");
  egress("instances-to-db", instanceSg.id, s.database.port, { sg: dbSg.id }, "to MariaDB");
  egress("instances-to-efs", instanceSg.id, 2049, { sg: efsSg.id }, "to EFS (NFS over TLS)");
  egress(
    "instances-https",
    instanceSg.id,
    443,
    { cidr: "0.0.0.0/0" },
    "HTTPS: AWS endpoints, the Panintelligence licence manager, packages",
  );
  egress("instances-http", instanceSg.id, 80, { cidr: "0.0.0.0/0" }, "HTTP: Ubuntu package mirrors");
  ingress("db-from-instances", dbSg.id, s.database.port, { sg: instanceSg.id }, "from the dashboard");
  ingress("db-from-rotation", dbSg.id, s.database.port, { sg: rotationSg.id }, "from the rotation function");
  ingress("efs-from-instances", efsSg.id, 2049, { sg: instanceSg.id }, "from the dashboard");
  ingress("efs-from-sync", efsSg.id, 2049, { sg: syncSg.id }, "from the sync function");
  egress("rotation-to-db", rotationSg.id, s.database.port, { sg: dbSg.id }, "to MariaDB");
  egress(
    "rotation-to-endpoints",
    rotationSg.id,
    443,
    { cidr: args.vpcCidrBlock },
    "to the Secrets Manager interface endpoint in the VPC",
  );
  egress("sync-to-efs", syncSg.id, 2049, { sg: efsSg.id }, "to EFS");
  egress("sync-to-s3", syncSg.id, 443, { cidr: "0.0.0.0/0" }, "to S3 (gateway endpoint or NAT)");
  return { alb: albSg, instances: instanceSg, db: dbSg, efs: efsSg, rotation: rotationSg, sync: syncSg };
}
