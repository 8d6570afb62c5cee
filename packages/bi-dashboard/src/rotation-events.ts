import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { allow, policyDocument } from "@tdp/core";

import type { DashboardContext } from "./context";
import type { DashboardInstances } from "./instances";
import { accountServiceRole } from "./roles";

/**
 * The EventBridge pattern of a rotation outcome of one secret: Secrets Manager records
 * `RotationSucceeded` and `RotationFailed` as CloudTrail service events naming the secret.
 */
export function rotationEventPattern(
  secretArn: string,
  eventName: "RotationSucceeded" | "RotationFailed" = "RotationSucceeded",
): Record<string, unknown> {
  return {
    source: ["aws.secretsmanager"],
    "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["secretsmanager.amazonaws.com"],
      eventName: [eventName],
      // The secret is named in additionalEventData (documented); some deliveries carry it in
      // serviceEventDetails or responseElements instead, so any of the three matches.
      $or: [
        { additionalEventData: { SecretId: [secretArn] } },
        { serviceEventDetails: { secretId: [secretArn] } },
        { responseElements: { arn: [secretArn] } },
      ],
    },
  };
}

export interface RotationEventsInputs {
  dbSecret: aws.secretsmanager.Secret;
  rotation: aws.secretsmanager.SecretRotation;
  instances: DashboardInstances;
  alarmTopicArn: pulumi.Input<string>;
}

/**
 * After each successful rotation, an instance refresh: new instances read the new password.
 * Returns the rule of failed rotations (the alarm topic's policy lets it publish).
 */
export function createRotationEvents(
  ctx: DashboardContext,
  { dbSecret, rotation, instances, alarmTopicArn }: RotationEventsInputs,
): aws.cloudwatch.EventRule {
  const { parent, name, s, region, account, partition, child, physical } = ctx;
  const rotationRule = (
    eventName: "RotationSucceeded" | "RotationFailed",
    role: string,
    description: string,
  ) =>
    new aws.cloudwatch.EventRule(
      `${name}-${role}`,
      {
        name: physical("eventRule", role),
        description,
        eventPattern: dbSecret.arn.apply((arn) => JSON.stringify(rotationEventPattern(arn, eventName))),
      },
      child,
    );
  const automationDocumentName = physical("generic", "instance-refresh");
  const asgArn = pulumi.interpolate`arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${instances.asgName}`;
  const automationRole = accountServiceRole(ctx, "refresh-automation-role", {
    purpose: "refresh-automation",
    service: "ssm.amazonaws.com",
    description: "Starts an instance refresh of the dashboard group after a secret rotation",
    inlinePolicies: {
      "start-instance-refresh": policyDocument(allow("autoscaling:StartInstanceRefresh", asgArn)),
    },
  });
  const automationDocument = new aws.ssm.Document(
    `${name}-refresh-document`,
    {
      name: automationDocumentName,
      documentType: "Automation",
      documentFormat: "JSON",
      content: JSON.stringify({
        schemaVersion: "0.3",
        description: "Replace the Panintelligence instances so they read the rotated DB password",
        assumeRole: "{{ AutomationAssumeRole }}",
        parameters: {
          AutoScalingGroupName: { type: "String" },
          AutomationAssumeRole: { type: "String" },
        },
        mainSteps: [
          {
            name: "StartInstanceRefresh",
            action: "aws:executeAwsApi",
            inputs: {
              Service: "autoscaling",
              Api: "StartInstanceRefresh",
              AutoScalingGroupName: "{{ AutoScalingGroupName }}",
              Strategy: "Rolling",
              Preferences: {
                MinHealthyPercentage: 100,
                MaxHealthyPercentage: 200,
                InstanceWarmup: s.scaling.healthCheckGracePeriodSeconds,
              },
            },
          },
        ],
      }),
    },
    child,
  );
  const automationDefinitionArn = pulumi.interpolate`arn:${partition}:ssm:${region}:${account}:automation-definition/${automationDocumentName}`;
  const eventsRole = accountServiceRole(ctx, "refresh-events-role", {
    purpose: "refresh-events",
    service: "events.amazonaws.com",
    description: "EventBridge starts the instance-refresh automation after a rotation",
    inlinePolicies: {
      "start-refresh-automation": policyDocument(
        allow("ssm:StartAutomationExecution", pulumi.interpolate`${automationDefinitionArn}:*`),
        allow("iam:PassRole", automationRole.arn, {
          Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
        }),
      ),
    },
  });
  const succeededRule = rotationRule(
    "RotationSucceeded",
    "rotation-succeeded",
    "The DB secret rotated: refresh the dashboard instances",
  );
  new aws.cloudwatch.EventTarget(
    `${name}-rotation-refresh`,
    {
      rule: succeededRule.name,
      arn: pulumi.interpolate`${automationDefinitionArn}:$DEFAULT`,
      roleArn: eventsRole.arn,
      input: pulumi
        .all([instances.asg.name, automationRole.arn])
        .apply(([group, roleArn]) =>
          JSON.stringify({ AutoScalingGroupName: [group], AutomationAssumeRole: [roleArn] }),
        ),
    },
    { parent, dependsOn: [automationDocument, rotation] },
  );

  // A failed rotation keeps the old password (staging labels) but must reach a person.
  const failedRule = rotationRule(
    "RotationFailed",
    "rotation-failed",
    "The DB secret's rotation failed: notify the alarm topic",
  );
  new aws.cloudwatch.EventTarget(
    `${name}-rotation-failed-notify`,
    { rule: failedRule.name, arn: alarmTopicArn },
    child,
  );
  return failedRule;
}
