import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { PlatformServicesArgs } from "./args";
import type { PlatformServiceSpec } from "./validation";
import { DEFAULT_HEALTH_CHECK_PATH, routePriority } from "./validation";

/** A routed service's target group and its rule on the web entry point's listener. */
export interface ServiceRouting {
  targetGroup: aws.lb.TargetGroup;
  rule: aws.lb.ListenerRule;
}

/**
 * The target group and listener rule of a routed service (host and path conditions); undefined
 * for a service without routing. `index` is the service's position (the default rule priority).
 */
export function createServiceRouting(
  parent: pulumi.Resource,
  prefix: string,
  spec: PlatformServiceSpec,
  index: number,
  args: PlatformServicesArgs,
): ServiceRouting | undefined {
  if (spec.routing === undefined) {
    return undefined;
  }
  const naming = args.naming;
  const svc = spec.name;
  const child = { parent };
  const web = args.web!;
  const targetGroup = new aws.lb.TargetGroup(
    `${prefix}-tg`,
    {
      // A prefix (at most 6 characters for target groups), not a name: a changed port or VPC
      // replaces the group, and the new one is created before the old is deleted. The Name tag
      // carries the readable name.
      namePrefix: "ecs-",
      tags: { Name: naming.name("generic", svc) },
      port: spec.port!,
      protocol: "HTTP",
      targetType: "ip",
      vpcId: args.vpcId,
      deregistrationDelay: 30,
      healthCheck: {
        enabled: true,
        path: spec.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
        matcher: "200-399",
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        interval: 15,
        timeout: 5,
      },
    },
    child,
  );
  const hosts = (spec.routing.hosts ?? ["web"]).map((host) => web.hostNames[host]);
  const rule = new aws.lb.ListenerRule(
    `${prefix}-rule`,
    {
      listenerArn: web.listenerArn,
      priority: routePriority(spec, index),
      actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      conditions: [
        { hostHeader: { values: hosts } },
        { pathPattern: { values: spec.routing.pathPatterns ?? ["/*"] } },
      ],
    },
    child,
  );
  return { targetGroup, rule };
}
