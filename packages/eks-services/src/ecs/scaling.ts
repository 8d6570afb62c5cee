import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { ServiceContext } from "./args";
import type { PlatformServiceSpec } from "./validation";
import { DEFAULT_CPU_TARGET_PERCENT, DEFAULT_MAX_CAPACITY, DEFAULT_MIN_CAPACITY } from "./validation";

/**
 * Target-tracking scaling of one service between its MinCapacity and MaxCapacity: on CPU always,
 * and on ALB requests per target when asked for and the service has a target group.
 */
export function createServiceScaling(
  parent: pulumi.Resource,
  prefix: string,
  spec: PlatformServiceSpec,
  ctx: ServiceContext,
  service: aws.ecs.Service,
  targetGroup: aws.lb.TargetGroup | undefined,
): void {
  const { args } = ctx;
  const naming = args.naming;
  const child = { parent };
  const svc = spec.name;
  const min = spec.minCapacity ?? DEFAULT_MIN_CAPACITY;
  const max = spec.maxCapacity ?? DEFAULT_MAX_CAPACITY;

  const scaling = spec.autoscaling ?? {};
  const target = new aws.appautoscaling.Target(
    `${prefix}-scaling-target`,
    {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: pulumi.interpolate`service/${ctx.clusterName}/${service.name}`,
      minCapacity: min,
      maxCapacity: max,
    },
    child,
  );
  const cooldowns = {
    scaleInCooldown: scaling.scaleInCooldownSeconds ?? 300,
    scaleOutCooldown: scaling.scaleOutCooldownSeconds ?? 60,
  };
  new aws.appautoscaling.Policy(
    `${prefix}-scale-cpu`,
    {
      name: naming.name("generic", `${svc}-cpu`),
      policyType: "TargetTrackingScaling",
      serviceNamespace: target.serviceNamespace,
      scalableDimension: target.scalableDimension,
      resourceId: target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: scaling.cpuTargetPercent ?? DEFAULT_CPU_TARGET_PERCENT,
        predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
        ...cooldowns,
      },
    },
    child,
  );
  if (scaling.requestsPerTarget !== undefined && targetGroup) {
    new aws.appautoscaling.Policy(
      `${prefix}-scale-requests`,
      {
        name: naming.name("generic", `${svc}-requests`),
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: scaling.requestsPerTarget,
          predefinedMetricSpecification: {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: pulumi.interpolate`${args.web!.loadBalancerArnSuffix}/${targetGroup.arnSuffix}`,
          },
          ...cooldowns,
        },
      },
      child,
    );
  }
}
