import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { policyDocument, policyJson } from "@tdp/core";

import type { DashboardContext, KeyedContext } from "./context";

export interface AlarmTopic {
  arn: pulumi.Output<string>;
  /** The topic this deployment created; undefined when args.alarmTopicArn was given. */
  created?: aws.sns.Topic;
}

export function createAlarmTopic(ctx: KeyedContext): AlarmTopic {
  const { name, args, child, physical, keyArn } = ctx;
  const created =
    args.alarmTopicArn === undefined
      ? new aws.sns.Topic(
          `${name}-alarms`,
          { name: physical("snsTopic", "alarms"), kmsMasterKeyId: keyArn },
          child,
        )
      : undefined;
  return { arn: created ? created.arn : pulumi.output(args.alarmTopicArn!), created };
}

/** Who may publish to a created topic: the account's alarms and the rotation-failed rule. */
export function createAlarmTopicPolicy(
  ctx: DashboardContext,
  topic: aws.sns.Topic,
  rotationFailedRuleArn: pulumi.Input<string>,
): void {
  const { name, account, child } = ctx;
  const publish = (
    sid: string,
    service: string,
    condition: PolicyStatement["Condition"],
  ): PolicyStatement => ({
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: service },
    Action: "sns:Publish",
    Resource: topic.arn,
    Condition: condition,
  });
  new aws.sns.TopicPolicy(
    `${name}-alarms-policy`,
    {
      arn: topic.arn,
      policy: policyJson(
        policyDocument(
          publish("AccountAlarmsPublish", "cloudwatch.amazonaws.com", {
            StringEquals: { "aws:SourceAccount": account },
          }),
          publish("RotationFailedRulePublishes", "events.amazonaws.com", {
            ArnEquals: { "aws:SourceArn": rotationFailedRuleArn },
          }),
        ),
      ),
    },
    child,
  );
}
