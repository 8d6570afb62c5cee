import * as aws from "@pulumi/aws";
import type { PolicyDocument } from "@tdp/core";
import { allow, policyDocument } from "@tdp/core";

import type { KeyedContext } from "./context";

/** The dead-letter queue of a function: the deployment's key, 14 days (SQS's longest) to look. */
export function createDeadLetterQueue(ctx: KeyedContext, role: string, purpose: string): aws.sqs.Queue {
  const { name, child, physical, keyArn } = ctx;
  return new aws.sqs.Queue(
    `${name}-${role}`,
    {
      name: physical("sqsQueue", purpose),
      kmsMasterKeyId: keyArn,
      kmsDataKeyReusePeriodSeconds: 300,
      messageRetentionSeconds: 1209600,
    },
    child,
  );
}

/** What a function needs to send to its dead-letter queue (encrypted with the deployment's key). */
export function deadLetterQueuePolicy(ctx: KeyedContext, queue: aws.sqs.Queue): PolicyDocument {
  const { region, keyArn } = ctx;
  return policyDocument(
    allow("sqs:SendMessage", queue.arn),
    allow(["kms:GenerateDataKey", "kms:Decrypt"], keyArn, {
      Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
    }),
  );
}
