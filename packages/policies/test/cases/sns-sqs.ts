import { snsSqsNoPublicPolicy, snsTopicKms, sqsQueueEncrypted } from "../../src/services/sns-sqs";
import { ACCOUNT, KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`;

function topic(inputs: Record<string, unknown> = {}) {
  return [
    res("aws:sns/topic:Topic", "alerts-topic", { name: "tdp-alerts", kmsMasterKeyId: KEY_ARN, ...inputs }),
  ];
}

function queue(inputs: Record<string, unknown> = {}) {
  return [
    res("aws:sqs/queue:Queue", "sync-dlq", { name: "tdp-sync-dlq", kmsMasterKeyId: KEY_ARN, ...inputs }),
  ];
}

function topicPolicy(...statements: object[]) {
  return [
    res("aws:sns/topicPolicy:TopicPolicy", "alerts-topic-policy", {
      arn: TOPIC_ARN,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    }),
  ];
}

const SERVICES_PUBLISH = {
  Sid: "AwsServicesOfThisAccountPublish",
  Effect: "Allow",
  Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
  Action: "sns:Publish",
  Resource: TOPIC_ARN,
  Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
};
const DENY_INSECURE = {
  Sid: "DenyInsecureTransport",
  Effect: "Deny",
  Principal: "*",
  Action: "sns:Publish",
  Resource: TOPIC_ARN,
  Condition: { Bool: { "aws:SecureTransport": "false" } },
};

export const snsSqsCases: PolicyCase[] = [
  {
    policy: snsTopicKms,
    passes: [topic(), topic({ kmsMasterKeyId: "[unknown]" })],
    fails: [
      { fixture: topic({ kmsMasterKeyId: undefined }), message: /topic tdp-alerts is not encrypted/ },
      {
        fixture: topic({ kmsMasterKeyId: "alias/aws/sns" }),
        message: /encrypted with the AWS-managed key alias\/aws\/sns/,
      },
    ],
  },
  {
    policy: sqsQueueEncrypted,
    passes: [queue(), queue({ kmsMasterKeyId: undefined, sqsManagedSseEnabled: true })],
    fails: [
      {
        fixture: queue({ kmsMasterKeyId: undefined }),
        message: /queue tdp-sync-dlq is not encrypted at rest/,
      },
      {
        fixture: queue({ kmsMasterKeyId: "", sqsManagedSseEnabled: false }),
        message: /not encrypted at rest/,
      },
    ],
  },
  {
    policy: snsSqsNoPublicPolicy,
    passes: [
      topicPolicy(SERVICES_PUBLISH, DENY_INSECURE),
      topicPolicy({
        ...SERVICES_PUBLISH,
        Sid: "AnyoneOfTheAccount",
        Principal: { AWS: "*" },
        Condition: { StringEquals: { "AWS:SourceOwner": ACCOUNT } },
      }),
      topic(),
    ],
    fails: [
      {
        fixture: topicPolicy(SERVICES_PUBLISH, {
          Sid: "Open",
          Effect: "Allow",
          Principal: "*",
          Action: ["sns:Subscribe", "sns:Publish"],
          Resource: TOPIC_ARN,
        }),
        message: /alerts-topic-policy: statement Open allows sns:Subscribe, sns:Publish to anyone/,
      },
      {
        fixture: [
          res("aws:sqs/queuePolicy:QueuePolicy", "dlq-policy", {
            queueUrl: "https://sqs.us-east-1.amazonaws.com/111111111111/tdp-sync-dlq",
            policy: {
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { AWS: "*" },
                  Action: "sqs:SendMessage",
                  Condition: { Bool: { "aws:SecureTransport": "true" } },
                },
              ],
            },
          }),
        ],
        message: /dlq-policy: statement \(no Sid\) allows sqs:SendMessage to anyone/,
      },
      {
        fixture: queue({
          policy: JSON.stringify({
            Statement: [{ Sid: "Inline", Effect: "Allow", Principal: "*", Action: "sqs:*" }],
          }),
        }),
        message: /sync-dlq: statement Inline allows sqs:\* to anyone/,
      },
    ],
  },
];
