import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { DashboardContext } from "./context";

export interface AlarmInputs {
  alb: aws.lb.LoadBalancer;
  targetGroup: aws.lb.TargetGroup;
  db: aws.rds.Instance;
  alarmTopicArn: pulumi.Input<string>;
}

/**
 * The dashboard's alarms, to the alert topic (alarm and recovery): 5xx answers of the load
 * balancer and of the dashboard, unhealthy instances, database CPU and free storage.
 */
export function createAlarms(
  ctx: DashboardContext,
  { alb, targetGroup, db, alarmTopicArn }: AlarmInputs,
): void {
  const { name, s, child, physical } = ctx;
  const alarm = (
    role: string,
    description: string,
    args: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions" | "name" | "alarmDescription">,
  ) =>
    new aws.cloudwatch.MetricAlarm(
      `${name}-${role}-alarm`,
      {
        name: physical("generic", role),
        alarmDescription: description,
        alarmActions: [alarmTopicArn],
        okActions: [alarmTopicArn],
        ...args,
      },
      child,
    );
  const lbDimensions = { LoadBalancer: alb.arnSuffix };
  const fiveMinuteSum = {
    namespace: "AWS/ApplicationELB",
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: s.alarms.http5xxPerFiveMinutes,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  };
  alarm(
    "alb-5xx",
    `The dashboard's load balancer answered ${s.alarms.http5xxPerFiveMinutes}+ 5xx in 5 minutes (no healthy target, timeouts)`,
    {
      ...fiveMinuteSum,
      metricName: "HTTPCode_ELB_5XX_Count",
      dimensions: lbDimensions,
    },
  );
  alarm("target-5xx", `The dashboard answered ${s.alarms.http5xxPerFiveMinutes}+ 5xx in 5 minutes`, {
    ...fiveMinuteSum,
    metricName: "HTTPCode_Target_5XX_Count",
    dimensions: lbDimensions,
  });
  alarm("unhealthy-hosts", "A dashboard instance fails the load balancer's health check", {
    namespace: "AWS/ApplicationELB",
    metricName: "UnHealthyHostCount",
    dimensions: { LoadBalancer: alb.arnSuffix, TargetGroup: targetGroup.arnSuffix },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "notBreaching",
  });
  alarm("db-cpu", `The dashboard's database CPU is above ${s.alarms.dbCpuPercent} % for 15 minutes`, {
    namespace: "AWS/RDS",
    metricName: "CPUUtilization",
    dimensions: { DBInstanceIdentifier: db.identifier },
    statistic: "Average",
    period: 300,
    evaluationPeriods: 3,
    threshold: s.alarms.dbCpuPercent,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "breaching",
  });
  alarm("db-storage", `The dashboard's database has less than ${s.alarms.dbFreeStorageGiB} GiB free`, {
    namespace: "AWS/RDS",
    metricName: "FreeStorageSpace",
    dimensions: { DBInstanceIdentifier: db.identifier },
    statistic: "Minimum",
    period: 300,
    evaluationPeriods: 1,
    threshold: s.alarms.dbFreeStorageGiB * 1024 ** 3,
    comparisonOperator: "LessThanThreshold",
    treatMissingData: "breaching",
  });
}
