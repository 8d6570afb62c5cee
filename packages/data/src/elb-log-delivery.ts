import * as pulumi from "@pulumi/pulumi";
import { ELB_ACCOUNT_BY_REGION } from "@tdp/core";

export { ELB_ACCOUNT_BY_REGION };

/** Who writes ALB access logs in `region`. */
export function loadBalancerLogPrincipal(
  region: string,
  partition: pulumi.Input<string>,
): Record<string, pulumi.Input<string>> {
  const account = ELB_ACCOUNT_BY_REGION[region];
  return account
    ? { AWS: pulumi.interpolate`arn:${partition}:iam::${account}:root` }
    : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
}

const PREFIX = /^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/;

/** An ALB log prefix: a key prefix without leading or trailing slash and without "AWSLogs". */
export function validateLoadBalancerLogPrefix(field: string, value: string): void {
  if (!PREFIX.test(value) || value.includes("AWSLogs")) {
    throw new Error(
      `${field} "${value}" must be a key prefix such as "alb/web": no leading or trailing "/", no "AWSLogs" (ELB adds it)`,
    );
  }
}
