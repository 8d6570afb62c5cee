import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The service-linked roles seed 001 pre-deployment task 6 creates by hand. */
export const SERVICE_LINKED_ROLE_SERVICES = {
  /** AWSServiceRoleForECS: ECS manages ENIs and load-balancer targets for the services. */
  ecs: "ecs.amazonaws.com",
  /** AWSServiceRoleForAmazonOpenSearchService: OpenSearch places the domain in the VPC. */
  openSearch: "opensearchservice.amazonaws.com",
  /**
   * AWSServiceRoleForAutoScaling: the data layer's compute key names it in its policy (it encrypts
   * the volumes the groups launch), and KMS refuses a policy naming a role that does not exist.
   */
  autoScaling: "autoscaling.amazonaws.com",
} as const;

export type ServiceLinkedRoleName = keyof typeof SERVICE_LINKED_ROLE_SERVICES;

export interface ServiceLinkedRolesArgs {
  /**
   * Create the ECS service-linked role. An account has one per service: if it already exists
   * (ECS was used before), creation fails with "has been taken in this account"; set this false.
   * @default true
   */
  ecs?: boolean;
  /** Create the OpenSearch service-linked role; same "already exists" rule. @default true */
  openSearch?: boolean;
  /**
   * Create the Auto Scaling service-linked role; same rule (any Auto Scaling group or EKS node
   * group the account ever had created it). @default true
   */
  autoScaling?: boolean;
}

/**
 * The account's service-linked roles for ECS and OpenSearch (seed 001 pre-deployment task 6, in
 * code), and for Auto Scaling (named by the compute key's policy). They are account-wide and other workloads may rely on them, so a deletion of the stack
 * leaves them in place.
 */
export class ServiceLinkedRoles extends pulumi.ComponentResource {
  /** The role ARNs created by this stack, by service (absent when the setting is off). */
  readonly arns: Partial<Record<ServiceLinkedRoleName, pulumi.Output<string>>>;
  /** The roles, for `dependsOn` of the ECS services and the OpenSearch domain. */
  readonly roles: aws.iam.ServiceLinkedRole[];
  /** The roles created, by service (absent when the setting is off). */
  readonly byService: Partial<Record<ServiceLinkedRoleName, aws.iam.ServiceLinkedRole>>;

  constructor(name: string, args: ServiceLinkedRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:data:ServiceLinkedRoles", name, {}, opts);
    const arns: Partial<Record<ServiceLinkedRoleName, pulumi.Output<string>>> = {};
    const roles: aws.iam.ServiceLinkedRole[] = [];
    const byService: Partial<Record<ServiceLinkedRoleName, aws.iam.ServiceLinkedRole>> = {};
    for (const [key, service] of Object.entries(SERVICE_LINKED_ROLE_SERVICES) as [
      ServiceLinkedRoleName,
      string,
    ][]) {
      if (args[key] === false) {
        continue;
      }
      const role = new aws.iam.ServiceLinkedRole(
        `${name}-${key.toLowerCase()}`,
        { awsServiceName: service, description: `Created by the TDP stack for ${service}` },
        { parent: this, retainOnDelete: true },
      );
      roles.push(role);
      byService[key] = role;
      arns[key] = role.arn;
    }
    this.arns = arns;
    this.roles = roles;
    this.byService = byService;
    this.registerOutputs({ arns });
  }
}
