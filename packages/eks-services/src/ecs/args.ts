import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";

import type { IamUserCreationArgs } from "./iam-users";
import type { PlatformServiceSpec } from "./validation";

export const DEFAULT_PRIVATE_DOMAIN = "ts-dip.internal";

/** The web entry point's pieces the routed services attach to. */
export interface ServiceWebAttachment {
  /** The listener the services' rules go on (HTTPS, or HTTP in the acknowledged plain-HTTP mode). */
  listenerArn: pulumi.Input<string>;
  /** The load balancer's security group: the only source the tasks admit on their ports. */
  securityGroupId: pulumi.Input<string>;
  /** Host names of the `web` and `api` routes (PublicDomain and api.PublicDomain). */
  hostNames: { web: pulumi.Input<string>; api: pulumi.Input<string> };
  /** ARN suffix of the load balancer, for ALB request-count scaling. */
  loadBalancerArnSuffix: pulumi.Input<string>;
}

export interface PlatformServicesArgs {
  /** Physical names of the deployment; SSM paths use its environment. */
  naming: Naming;
  /** IAMRolePrefix and IAMBoundaryPolicy for the task and execution roles. */
  iam: IamSettings;
  /** The region (awslogs, SSM and KMS conditions). */
  region: string;
  /** The account (SSM parameter ARNs, trust conditions). @default the caller's account */
  accountId?: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The VPC CIDR: task egress inside the VPC (database, search, other services). */
  vpcCidrBlock: pulumi.Input<string>;
  /** Private subnets the tasks run in (no public IPs). */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Seed PrivateDomain. @default "ts-dip.internal" */
  privateDomain?: string;
  /** The Cloud Map namespace is `<subdomain>.<privateDomain>`. @default "svc" */
  serviceDiscoverySubdomain?: string;
  /** The platform services (seed `<service>` MinCapacity/MaxCapacity rows). */
  services: PlatformServiceSpec[];
  /** Seed LogRetentionDays for the services' log groups. @default 90 */
  logRetentionDays?: number;
  /** KMS key of the log groups (the data layer's logs key). */
  logsKmsKeyArn: pulumi.Input<string>;
  /** KMS key of the SecureString parameters (the data layer's secrets key): execution roles decrypt with it. */
  secretsKmsKeyArn: pulumi.Input<string>;
  /** Where routed services attach; required when any enabled service has routing. @default none */
  web?: ServiceWebAttachment;
  /**
   * The platform settings' SSM path, given to every container as `PLATFORM_SETTINGS_PATH`.
   * @default `/tetrascience/<environment>/ECS/platform-settings` (PlatformIntegrations' settingsPath)
   */
  settingsPath?: string;
  /** ARNs of the platform-settings String parameters every task role may read (and nothing else under the path). @default [] */
  settingsParameterArns?: pulumi.Input<string>[];
  /** Secrets added to a service's container: service → env var → SSM parameter ARN under its path. @default {} */
  injectedSecrets?: Record<string, Record<string, pulumi.Input<string>>>;
  /**
   * Plain (not secret) variables added to a service's container by another component: service →
   * env var → value. A changed value is a new task definition, so the service rolls to new tasks in
   * the same update (e.g. `SSO_CONFIG_HASH`, the hash of the SSO parameters it reads). @default {}
   */
  injectedEnvironment?: Record<string, Record<string, pulumi.Input<string>>>;
  /** Seed AthenaCreateIamUser. @default { enabled: false }: every task role denies user creation */
  iamUserCreation?: IamUserCreationArgs;
  /** The user audit log group (seed UserAuditLogGroupSuffix); task roles may write to it. @default none */
  auditLogGroupArn?: pulumi.Input<string>;
  /** Further task-role statements per service (e.g. data-bucket access). @default {} */
  taskRoleStatements?: Record<string, PolicyStatement[]>;
  /** Container Insights mode (FSBP ECS.12). @default "enabled" */
  containerInsights?: "enabled" | "enhanced";
  /**
   * Resources the ECS cluster (and so every service) must wait for: the ECS service-linked role
   * when the same deployment creates it (`ServiceLinkedRoles`). CreateCluster creates that role
   * itself when it is missing, and the deployment's own creation of it then fails ("has been taken
   * in this account"). @default []
   */
  dependsOn?: pulumi.Resource[];
}

/** What a created service exposes. */
export interface PlatformServiceOutputs {
  serviceName: pulumi.Output<string>;
  taskDefinitionArn: pulumi.Output<string>;
  taskRoleArn: pulumi.Output<string>;
  executionRoleArn: pulumi.Output<string>;
  logGroupName: pulumi.Output<string>;
  /** `<service>.<namespace>`. */
  discoveryName: string;
  targetGroupArn?: pulumi.Output<string>;
}

/** What every service of the component shares: its args, resolved defaults and the cluster's pieces. */
export interface ServiceContext {
  args: PlatformServicesArgs;
  accountId: pulumi.Input<string>;
  partition: pulumi.Output<string>;
  retention: number;
  clusterArn: pulumi.Output<string>;
  clusterName: pulumi.Output<string>;
  namespaceId: pulumi.Output<string>;
  namespaceName: string;
  tasksSecurityGroupId: pulumi.Output<string>;
  capacityProviders: aws.ecs.ClusterCapacityProviders;
}
