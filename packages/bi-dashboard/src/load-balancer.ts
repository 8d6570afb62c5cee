import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { dnsValidatedCertificate } from "@tdp/core";

import type { SecureBucket } from "./buckets";
import type { DashboardContext } from "./context";
import { DASHBOARD_PORT } from "./defaults";

export interface DashboardLoadBalancer {
  alb: aws.lb.LoadBalancer;
  /** The instances' target group: the Auto Scaling group registers into it. */
  targetGroup: aws.lb.TargetGroup;
}

/** The listener's certificate: the given one, or one ACM issues for domainName (DNS-validated). */
function certificateArn(ctx: DashboardContext): pulumi.Input<string> {
  const { name, s, child } = ctx;
  const lbArgs = s.loadBalancer;
  if (lbArgs.certificateArn !== undefined) {
    return lbArgs.certificateArn;
  }
  return dnsValidatedCertificate(
    name,
    {
      domainName: lbArgs.domainName!,
      keyAlgorithm: lbArgs.certificateKeyAlgorithm,
      zoneId: lbArgs.hostedZoneId!,
    },
    child,
  );
}

/** The ALB (TLS 1.2+, HTTP redirected to HTTPS, access logs), its target group and alias record. */
export function createLoadBalancer(
  ctx: DashboardContext,
  albSecurityGroupId: pulumi.Input<string>,
  logBucket: SecureBucket,
): DashboardLoadBalancer {
  const { parent, name, args, s, child, physical } = ctx;
  const lbArgs = s.loadBalancer;
  const listenerCertificateArn = certificateArn(ctx);
  const lbSubnets = lbArgs.internetFacing
    ? (args.loadBalancer?.publicSubnetIds ?? [])
    : args.privateSubnetIds;
  const alb = new aws.lb.LoadBalancer(
    `${name}-alb`,
    {
      name: physical("loadBalancer", "alb"),
      loadBalancerType: "application",
      internal: !lbArgs.internetFacing,
      securityGroups: [albSecurityGroupId],
      subnets: lbSubnets,
      dropInvalidHeaderFields: true,
      desyncMitigationMode: "defensive",
      enableDeletionProtection: lbArgs.deletionProtection,
      idleTimeout: lbArgs.idleTimeoutSeconds,
      enableHttp2: true,
      accessLogs: { bucket: logBucket.bucketName, prefix: "alb", enabled: true },
    },
    // internetFacing (internal) replaces the load balancer, and its name is fixed (a load
    // balancer's namePrefix allows 6 characters, too few to find it by): the old one goes first.
    { parent, dependsOn: [logBucket.policy], deleteBeforeReplace: true },
  );
  const targetGroup = new aws.lb.TargetGroup(
    `${name}-tg`,
    {
      // A prefix (at most 6 characters for target groups), not a name: a changed port, protocol or
      // VPC replaces the group, and the new one is created before the old is deleted. The Name
      // tag carries the readable name.
      namePrefix: "bi-tg-",
      tags: { Name: physical("generic", "tg") },
      port: DASHBOARD_PORT,
      // TLS to the instances when the image serves it on 8224 (the default; see targetProtocol).
      protocol: lbArgs.targetProtocol,
      targetType: "instance",
      vpcId: args.vpcId,
      deregistrationDelay: 30,
      // The reference's health check: the login page answers 200 or redirects (302), with its
      // patience (65 s interval, 60 s timeout, 4/4): a dashboard busy with a long report answers
      // slowly, and an unhealthy target is replaced.
      healthCheck: {
        path: "/",
        matcher: "200,302",
        protocol: lbArgs.targetProtocol,
        port: "traffic-port",
        interval: lbArgs.healthCheck.intervalSeconds,
        timeout: lbArgs.healthCheck.timeoutSeconds,
        healthyThreshold: lbArgs.healthCheck.healthyThreshold,
        unhealthyThreshold: lbArgs.healthCheck.unhealthyThreshold,
      },
      stickiness: {
        type: "lb_cookie",
        enabled: lbArgs.stickiness.enabled,
        cookieDuration: lbArgs.stickiness.durationSeconds,
      },
    },
    child,
  );
  new aws.lb.Listener(
    `${name}-https`,
    {
      loadBalancerArn: alb.arn,
      port: 443,
      protocol: "HTTPS",
      sslPolicy: lbArgs.sslPolicy,
      certificateArn: listenerCertificateArn,
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
    },
    child,
  );
  new aws.lb.Listener(
    `${name}-http`,
    {
      loadBalancerArn: alb.arn,
      port: 80,
      protocol: "HTTP",
      defaultActions: [
        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
      ],
    },
    child,
  );
  if (lbArgs.domainName !== undefined && lbArgs.hostedZoneId !== undefined) {
    new aws.route53.Record(
      `${name}-alias`,
      {
        zoneId: lbArgs.hostedZoneId,
        name: lbArgs.domainName,
        type: "A",
        aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }],
      },
      child,
    );
  }
  return { alb, targetGroup };
}
