import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@tdp/core";

/** How a metric is compared with the threshold. */
export type AlarmComparison = ">" | ">=" | "<" | "<=";

const COMPARISON_OPERATORS: Record<AlarmComparison, string> = {
  ">": "GreaterThanThreshold",
  ">=": "GreaterThanOrEqualToThreshold",
  "<": "LessThanThreshold",
  "<=": "LessThanOrEqualToThreshold",
};

/** CloudWatch's standard statistics. */
export type AlarmStatistic = "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount";

/** What CloudWatch does when the metric has no data points. */
export type MissingDataTreatment = "missing" | "notBreaching" | "breaching" | "ignore";

/** One CloudWatch alarm on one metric, sent to the alert topic. */
export interface AlarmSpec {
  /**
   * What the alarm watches, in a few words; becomes the end of the alarm's physical name
   * (`<infrastructureName>-<environment>-<purpose>`) and of its resource name. Lowercase, digits, hyphens.
   */
  purpose: string;
  /** The sentence an operator reads in the e-mail: what is wrong and what to look at. */
  description: string;
  /** Metric namespace, e.g. `AWS/RDS`, `AWS/ES`, `AWS/Backup`. */
  namespace: string;
  /** Metric name, e.g. `CPUUtilization`. */
  metricName: string;
  /** Metric dimensions, e.g. `{ DBInstanceIdentifier: db.identifier }`. @default {} */
  dimensions?: Record<string, pulumi.Input<string>>;
  /** @default "Average" */
  statistic?: AlarmStatistic;
  /** The alarm fires when `metric <comparison> threshold`. */
  comparison: AlarmComparison;
  threshold: number;
  /** Seconds per data point: 10, 30 or a multiple of 60. @default 300 */
  periodSeconds?: number;
  /** Data points considered. @default 1 */
  evaluationPeriods?: number;
  /** Of those, how many must breach. @default evaluationPeriods */
  datapointsToAlarm?: number;
  /** @default "missing" */
  treatMissingData?: MissingDataTreatment;
  /** Also notify when the alarm returns to OK. @default true */
  notifyOnRecovery?: boolean;
}

/** Where alarms go: the alert topic of {@link Alerts} and the deployment's naming. */
export interface AlarmTarget {
  /** The SNS topic alarms notify (`Alerts.topicArn`). */
  topicArn: pulumi.Input<string>;
  /** Physical names of the deployment. */
  naming: Naming;
}

const PURPOSE = /^[a-z0-9][a-z0-9-]*[a-z0-9]$/;

/** Checks an alarm spec; throws an Error naming the field, the value and the rule. */
export function validateAlarmSpec(spec: AlarmSpec): void {
  const where = `alarm "${spec.purpose}"`;
  if (!PURPOSE.test(spec.purpose)) {
    throw new Error(`${where}: purpose "${spec.purpose}" must be lowercase letters, digits and hyphens`);
  }
  if (!(spec.comparison in COMPARISON_OPERATORS)) {
    throw new Error(`${where}: comparison "${spec.comparison}" must be one of >, >=, <, <=`);
  }
  if (!Number.isFinite(spec.threshold)) {
    throw new Error(`${where}: threshold ${spec.threshold} must be a finite number`);
  }
  const period = spec.periodSeconds ?? 300;
  if (!(period === 10 || period === 30 || (Number.isInteger(period) && period > 0 && period % 60 === 0))) {
    throw new Error(
      `${where}: periodSeconds ${period} must be 10, 30 or a multiple of 60 (CloudWatch's rule)`,
    );
  }
  const evaluations = spec.evaluationPeriods ?? 1;
  if (!Number.isInteger(evaluations) || evaluations < 1) {
    throw new Error(`${where}: evaluationPeriods ${evaluations} must be a whole number of at least 1`);
  }
  if (period * evaluations > 86400) {
    throw new Error(
      `${where}: periodSeconds × evaluationPeriods = ${period * evaluations} s exceeds CloudWatch's one-day limit (86400 s)`,
    );
  }
  const datapoints = spec.datapointsToAlarm ?? evaluations;
  if (!Number.isInteger(datapoints) || datapoints < 1 || datapoints > evaluations) {
    throw new Error(
      `${where}: datapointsToAlarm ${datapoints} must be a whole number from 1 to evaluationPeriods (${evaluations})`,
    );
  }
}

/**
 * A CloudWatch metric alarm notifying the alert topic (and, by default, its recovery). Call it
 * from inside a component with `{ parent: this }`: the resource is named `${parentName}-alarm-<purpose>`.
 */
export function createAlarm(
  parentName: string,
  target: AlarmTarget,
  spec: AlarmSpec,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm {
  validateAlarmSpec(spec);
  const evaluationPeriods = spec.evaluationPeriods ?? 1;
  return new aws.cloudwatch.MetricAlarm(
    `${parentName}-alarm-${spec.purpose}`,
    {
      name: target.naming.name("generic", spec.purpose),
      alarmDescription: spec.description,
      namespace: spec.namespace,
      metricName: spec.metricName,
      dimensions: spec.dimensions ?? {},
      statistic: spec.statistic ?? "Average",
      comparisonOperator: COMPARISON_OPERATORS[spec.comparison],
      threshold: spec.threshold,
      period: spec.periodSeconds ?? 300,
      evaluationPeriods,
      datapointsToAlarm: spec.datapointsToAlarm ?? evaluationPeriods,
      treatMissingData: spec.treatMissingData ?? "missing",
      actionsEnabled: true,
      alarmActions: [target.topicArn],
      okActions: spec.notifyOnRecovery === false ? [] : [target.topicArn],
    },
    opts,
  );
}
