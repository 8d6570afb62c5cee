import * as aws from "@pulumi/aws";

import type { DashboardContext } from "./context";

/** Simple scaling of the group on its average CPU: one instance out or in per alarm. */
export function createScaling(ctx: DashboardContext, asg: aws.autoscaling.Group): void {
  const { name, s, child, physical } = ctx;
  const scaling = (direction: "out" | "in") => {
    const out = direction === "out";
    const policy = new aws.autoscaling.Policy(
      `${name}-scale-${direction}`,
      {
        name: physical("generic", `scale-${direction}`),
        autoscalingGroupName: asg.name,
        policyType: "SimpleScaling",
        adjustmentType: "ChangeInCapacity",
        scalingAdjustment: out ? 1 : -1,
        cooldown: s.scaling.cooldownSeconds,
      },
      child,
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-cpu-${out ? "high" : "low"}`,
      {
        name: physical("generic", `cpu-${out ? "high" : "low"}`),
        alarmDescription: out
          ? `Scale the dashboard out: average CPU above ${s.scaling.scaleOutCpuPercent} %`
          : `Scale the dashboard in: average CPU below ${s.scaling.scaleInCpuPercent} %`,
        namespace: "AWS/EC2",
        metricName: "CPUUtilization",
        dimensions: { AutoScalingGroupName: asg.name },
        statistic: "Average",
        // The reference's reaction times: out after 1 × 60 s, in after 2 × 60 s (settings).
        period: out ? s.scaling.scaleOutPeriodSeconds : s.scaling.scaleInPeriodSeconds,
        evaluationPeriods: out ? s.scaling.scaleOutEvaluationPeriods : s.scaling.scaleInEvaluationPeriods,
        threshold: out ? s.scaling.scaleOutCpuPercent : s.scaling.scaleInCpuPercent,
        comparisonOperator: out ? "GreaterThanThreshold" : "LessThanThreshold",
        alarmActions: [policy.arn],
      },
      child,
    );
  };
  scaling("out");
  scaling("in");
}
