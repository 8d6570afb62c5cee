import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@tdp/core";
import { policyDocument, policyJson } from "@tdp/core";

import type { AlarmSpec, AlarmTarget } from "./alarms";
import { createAlarm } from "./alarms";
import { validateEmail } from "./validation";

/** AWS services that publish alerts to the topic, each only on behalf of this account. */
export const ALERT_PUBLISHERS = ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"];

export interface AlertsArgs {
  /** Physical names of the deployment. */
  naming: Naming;
  /**
   * Seed NotificationEmail: subscribed to the topic by e-mail. SNS sends a confirmation message
   * that a person must click (docs/operations.md); until then nothing is delivered.
   */
  notificationEmail: string;
  /** The messaging key (`DataKeys.arns.messaging`); its policy admits the publishers above. */
  kmsKeyArn: pulumi.Input<string>;
  /** The account id; looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /**
   * The topic's name purpose (`<base>-<purpose>`): another topic of the same deployment in another
   * region names its region here, so the two never share a name. @default "alerts"
   */
  purpose?: string;
}

export function validateAlertsArgs(args: AlertsArgs): void {
  validateEmail("notificationEmail", args.notificationEmail);
  if (args.purpose !== undefined && !/^[a-z][a-z0-9-]*[a-z0-9]$/.test(args.purpose)) {
    throw new Error(
      `purpose "${args.purpose}" must be lowercase letters, digits and hyphens, starting with a letter (it ends the topic's name); such as alerts-us-east-1`,
    );
  }
}

/**
 * The alert topic (seed 001 NotificationEmail): an SNS topic encrypted with the messaging key,
 * a policy letting CloudWatch alarms, EventBridge and AWS Backup of this account publish, and an
 * e-mail subscription. Other components add alarms with {@link createAlarm} and `alarmTarget`.
 */
export class Alerts extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicArn: pulumi.Output<string>;
  readonly topicName: pulumi.Output<string>;
  /** Pass it to {@link createAlarm} (or to another package's `alarmTopicArn`). */
  readonly alarmTarget: AlarmTarget;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAlertsArgs(args);
    super("tdp:data:Alerts", name, {}, opts);
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    this.topic = new aws.sns.Topic(
      `${name}-topic`,
      {
        name: args.naming.name("snsTopic", args.purpose ?? "alerts"),
        displayName: `TDP ${args.naming.base} alerts`,
        kmsMasterKeyId: args.kmsKeyArn,
      },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: this.topic.arn,
        policy: policyJson(
          policyDocument(
            {
              Sid: "AccountManagesTheTopic",
              Effect: "Allow",
              Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
              Action: [
                "sns:GetTopicAttributes",
                "sns:SetTopicAttributes",
                "sns:AddPermission",
                "sns:RemovePermission",
                "sns:DeleteTopic",
                "sns:Subscribe",
                "sns:ListSubscriptionsByTopic",
                "sns:Publish",
              ],
              Resource: this.topic.arn,
            },
            {
              Sid: "AwsServicesOfThisAccountPublish",
              Effect: "Allow",
              Principal: { Service: ALERT_PUBLISHERS },
              Action: "sns:Publish",
              Resource: this.topic.arn,
              Condition: { StringEquals: { "aws:SourceAccount": accountId } },
            },
            {
              Sid: "DenyInsecureTransport",
              Effect: "Deny",
              Principal: "*",
              Action: "sns:Publish",
              Resource: this.topic.arn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
          ),
        ),
      },
      { parent: this },
    );
    new aws.sns.TopicSubscription(
      `${name}-email`,
      { topic: this.topic.arn, protocol: "email", endpoint: args.notificationEmail },
      { parent: this },
    );
    this.topicArn = this.topic.arn;
    this.topicName = this.topic.name;
    this.alarmTarget = { topicArn: this.topicArn, naming: args.naming };
    this.registerOutputs({ topicArn: this.topicArn, topicName: this.topicName });
  }

  /** An alarm on this topic, as a child of `parent` (a component of the caller). */
  alarm(parentName: string, spec: AlarmSpec, opts: pulumi.CustomResourceOptions): aws.cloudwatch.MetricAlarm {
    return createAlarm(parentName, this.alarmTarget, spec, opts);
  }
}
