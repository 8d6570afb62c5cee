import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { PlatformServiceOutputs, PlatformServicesArgs, ServiceContext } from "./args";
import { createServicesCluster } from "./cluster";
import { validateIamUserCreation } from "./iam-users";
import { createPlatformService } from "./service";
import { createTasksSecurityGroup } from "./tasks-security-group";
import {
  COMPONENT_ENVIRONMENT,
  DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN,
  isServiceDisabled,
  validatePlatformServices,
  validateServiceDiscoverySubdomain,
} from "./validation";

export { DEFAULT_PRIVATE_DOMAIN } from "./args";
export type { PlatformServiceOutputs, PlatformServicesArgs, ServiceWebAttachment } from "./args";

/** Validates the arguments as a whole, before any child exists. */
export function validatePlatformServicesArgs(args: PlatformServicesArgs): void {
  validatePlatformServices(args.services);
  validateServiceDiscoverySubdomain(args.serviceDiscoverySubdomain ?? DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN);
  validateIamUserCreation(args.iamUserCreation ?? {});
  if (args.settingsPath !== undefined && !/^\/[A-Za-z0-9_.\-/]+[^/]$/.test(args.settingsPath)) {
    throw new Error(
      `settingsPath ${JSON.stringify(args.settingsPath)}: must be an SSM parameter path (/tetrascience/<environment>/ECS/platform-settings), without a trailing /`,
    );
  }
  const enabled = new Set(args.services.filter((s) => !isServiceDisabled(s)).map((s) => s.name));
  const routed = args.services.filter((s) => s.routing && enabled.has(s.name));
  if (routed.length > 0 && args.web === undefined) {
    throw new Error(
      `services ${JSON.stringify(routed.map((s) => s.name))}: have routing but no web entry point was given (args.web)`,
    );
  }
  for (const service of Object.keys(args.injectedSecrets ?? {})) {
    if (!args.services.some((s) => s.name === service)) {
      throw new Error(
        `injectedSecrets.${service}: no service of that name; the integration's service must be in the services list`,
      );
    }
  }
  for (const [service, variables] of Object.entries(args.injectedEnvironment ?? {})) {
    const spec = args.services.find((s) => s.name === service);
    if (spec === undefined) {
      throw new Error(
        `injectedEnvironment.${service}: no service of that name; the component's service must be in the services list`,
      );
    }
    for (const variable of Object.keys(variables)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
        throw new Error(
          `injectedEnvironment.${service}.${variable}: the variable name must be letters, digits and underscores`,
        );
      }
      if ((COMPONENT_ENVIRONMENT as readonly string[]).includes(variable)) {
        throw new Error(
          `injectedEnvironment.${service}.${variable}: is set by the component in every container (${COMPONENT_ENVIRONMENT.join(", ")}); use another name`,
        );
      }
    }
  }
  // One owner per variable: what a component injects is not also set by the service's own config.
  for (const [source, byService] of [
    ["injectedSecrets", args.injectedSecrets ?? {}],
    ["injectedEnvironment", args.injectedEnvironment ?? {}],
  ] as const) {
    for (const [service, variables] of Object.entries(byService)) {
      const spec = args.services.find((s) => s.name === service);
      for (const variable of Object.keys(variables)) {
        const own =
          spec?.secrets?.[variable] !== undefined
            ? "secrets"
            : spec?.environment?.[variable] !== undefined
              ? "environment"
              : undefined;
        if (own !== undefined) {
          throw new Error(
            `services[${service}].${own}.${variable}: is also set by ${source} (another component owns it); remove it from the service's ${own}`,
          );
        }
      }
    }
  }
  for (const service of Object.keys(args.taskRoleStatements ?? {})) {
    if (!args.services.some((s) => s.name === service)) {
      throw new Error(`taskRoleStatements.${service}: no service of that name`);
    }
  }
}

/**
 * The ECS platform services: a Fargate cluster with Container Insights, a Cloud Map namespace for
 * inter-service names, and per enabled service a log group, an execution role reading only its own
 * SSM path, a least-privilege task role, a task definition (read-only root, non-privileged, secrets
 * from SSM), an ECS service in the private subnets with no public IP, and target-tracking scaling.
 * Routed services get a target group and a listener rule on the web entry point's listener.
 * A service with MinCapacity = MaxCapacity = 0 is not created at all: nothing runs, nothing is granted.
 *
 * The parts live beside this file: cluster.ts (cluster, capacity providers, Cloud Map),
 * tasks-security-group.ts, and per service service.ts with service-roles.ts, task-definition.ts,
 * routing.ts and scaling.ts.
 */
export class PlatformServices extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly namespaceId: pulumi.Output<string>;
  readonly namespaceName: string;
  /** The tasks' security group: database and search admit it. */
  readonly tasksSecurityGroupId: pulumi.Output<string>;
  /** The created services by name (disabled ones are absent). */
  readonly services: Record<string, PlatformServiceOutputs>;
  /** Names of the services skipped because both capacities are 0. */
  readonly disabledServices: string[];

  constructor(name: string, args: PlatformServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePlatformServicesArgs(args);
    super("tdp:eks-services:PlatformServices", name, {}, opts);
    const child = { parent: this };
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    const retention = args.logRetentionDays ?? 90;

    const { cluster, capacityProviders, namespace, namespaceName } = createServicesCluster(this, name, args);
    this.clusterArn = cluster.arn;
    this.clusterName = cluster.name;
    this.namespaceName = namespaceName;
    this.namespaceId = namespace.id;

    const enabled = args.services.filter((s) => !isServiceDisabled(s));
    this.disabledServices = args.services.filter((s) => isServiceDisabled(s)).map((s) => s.name);
    const tasksSg = createTasksSecurityGroup(this, name, args, enabled);
    this.tasksSecurityGroupId = tasksSg.id;

    const ctx: ServiceContext = {
      args,
      accountId,
      partition,
      retention,
      clusterArn: cluster.arn,
      clusterName: cluster.name,
      namespaceId: namespace.id,
      namespaceName,
      tasksSecurityGroupId: tasksSg.id,
      capacityProviders,
    };
    this.services = {};
    args.services.forEach((spec, index) => {
      if (isServiceDisabled(spec)) {
        return;
      }
      this.services[spec.name] = createPlatformService(this, name, spec, index, ctx);
    });

    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      namespaceId: this.namespaceId,
      namespaceName: this.namespaceName,
      tasksSecurityGroupId: this.tasksSecurityGroupId,
      services: Object.keys(this.services),
      disabledServices: this.disabledServices,
    });
  }
}
