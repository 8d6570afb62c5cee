import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The service-linked roles seed 001 pre-deployment task 6 creates by hand. */
export const SERVICE_LINKED_ROLE_SERVICES = {
  /** AWSServiceRoleForECS: ECS manages ENIs and load-balancer targets for the services. */
  ecs: "ecs.amazonaws.com",
  /** AWSServiceRoleForAmazonOpenSearchService: OpenSearch places the domain in the VPC. */
  openSearch: "opensearchservice.amazonaws.com",
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
}

/**
 * The account's service-linked roles for ECS and OpenSearch (seed 001 pre-deployment task 6, in
 * code). They are account-wide and other workloads may rely on them, so a deletion of the stack
 * leaves them in place.
 */
export class ServiceLinkedRoles extends pulumi.ComponentResource {
  /** The role ARNs created by this stack, by service (absent when the setting is off). */
  readonly arns: Partial<Record<ServiceLinkedRoleName, pulumi.Output<string>>>;
  /** The roles, for `dependsOn` of the ECS services and the OpenSearch domain. */
  readonly roles: aws.iam.ServiceLinkedRole[];

  constructor(name: string, args: ServiceLinkedRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:data:ServiceLinkedRoles", name, {}, opts);
    const arns: Partial<Record<ServiceLinkedRoleName, pulumi.Output<string>>> = {};
    const roles: aws.iam.ServiceLinkedRole[] = [];
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
      arns[key] = role.arn;
    }
    this.arns = arns;
    this.roles = roles;
    this.registerOutputs({ arns });
  }
}
