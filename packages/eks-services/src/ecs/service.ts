import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { PlatformServiceOutputs, ServiceContext } from "./args";
import { createDiscoveryService } from "./cluster";
import { createServiceRouting } from "./routing";
import { createServiceScaling } from "./scaling";
import { createServiceRoles } from "./service-roles";
import { createTaskDefinition } from "./task-definition";
import type { PlatformServiceSpec } from "./validation";
import { DEFAULT_MIN_CAPACITY } from "./validation";

/**
 * One enabled platform service: its log group, roles, task definition, Cloud Map name, routing
 * (if any), the ECS service in the private subnets and its scaling. `index` is the service's
 * position in the args (the default rule priority).
 */
export function createPlatformService(
  parent: pulumi.Resource,
  name: string,
  spec: PlatformServiceSpec,
  index: number,
  ctx: ServiceContext,
): PlatformServiceOutputs {
  const { args } = ctx;
  const naming = args.naming;
  const child = { parent };
  const svc = spec.name;
  const prefix = `${name}-${svc}`;

  const logGroup = new aws.cloudwatch.LogGroup(
    `${prefix}-logs`,
    {
      name: naming.logGroupName(`ecs/${svc}`),
      retentionInDays: ctx.retention,
      kmsKeyId: args.logsKmsKeyArn,
    },
    child,
  );

  // The service's own SSM path: the execution role reads nothing else (seed "Service Parameters").
  const ssmPath = naming.ssmPath("ECS", svc);
  const { executionRole, taskRole } = createServiceRoles(parent, prefix, spec, ctx, {
    ssmPath,
    logGroupArn: logGroup.arn,
  });
  const taskDefinition = createTaskDefinition(parent, prefix, spec, ctx, {
    ssmPath,
    logGroupName: logGroup.name,
    executionRoleArn: executionRole.arn,
    taskRoleArn: taskRole.arn,
  });
  const discovery = createDiscoveryService(parent, prefix, svc, ctx.namespaceId);
  const routing = createServiceRouting(parent, prefix, spec, index, args);
  const targetGroup = routing?.targetGroup;
  const rule = routing?.rule;

  const service = new aws.ecs.Service(
    `${prefix}-service`,
    {
      name: svc,
      cluster: ctx.clusterArn,
      taskDefinition: taskDefinition.arn,
      desiredCount: spec.minCapacity ?? DEFAULT_MIN_CAPACITY,
      capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
      platformVersion: "LATEST",
      networkConfiguration: {
        subnets: args.privateSubnetIds,
        securityGroups: [ctx.tasksSecurityGroupId],
        assignPublicIp: false,
      },
      loadBalancers: targetGroup
        ? [{ targetGroupArn: targetGroup.arn, containerName: svc, containerPort: spec.port! }]
        : [],
      healthCheckGracePeriodSeconds: targetGroup ? 60 : undefined,
      serviceRegistries: { registryArn: discovery.arn },
      deploymentCircuitBreaker: { enable: true, rollback: true },
      propagateTags: "SERVICE",
      enableEcsManagedTags: true,
      waitForSteadyState: false,
    },
    {
      ...child,
      // Autoscaling owns the running count after creation.
      ignoreChanges: ["desiredCount"],
      // ECS has no name prefix and refuses a second service of the same name in the cluster (also
      // while the old one drains), and the cluster, launch settings, service registries and
      // deployment controller force a replacement: the old service is deleted first.
      deleteBeforeReplace: true,
      dependsOn: [ctx.capacityProviders, ...(rule ? [rule] : [])],
    },
  );

  createServiceScaling(parent, prefix, spec, ctx, service, targetGroup);

  return {
    serviceName: service.name,
    taskDefinitionArn: taskDefinition.arn,
    taskRoleArn: taskRole.arn,
    executionRoleArn: executionRole.arn,
    logGroupName: logGroup.name,
    discoveryName: `${svc}.${ctx.namespaceName}`,
    targetGroupArn: targetGroup?.arn,
  };
}
