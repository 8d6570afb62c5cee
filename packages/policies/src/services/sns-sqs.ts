import { absent, allowsAnyone, CALLER_SCOPING_KEYS, knownText, sidOf, testsAnyOf } from "../conditions";
import { resourcePolicy } from "../define";
import { isTrue, policyStatements, strings } from "../props";

export const TOPIC_TYPES = ["aws:sns/topic:Topic"];
export const QUEUE_TYPES = ["aws:sqs/queue:Queue"];

/** An AWS-managed key (alias/aws/sns, alias/aws/sqs): no key policy of ours, and services such as CloudWatch alarms cannot use it. */
function awsManaged(key: unknown): boolean {
  return typeof key === "string" && /(^|:)alias\/aws\//.test(key);
}

function label(kind: string, resource: { name: string; props: Record<string, unknown> }): string {
  return `${kind} ${knownText(resource.props["name"]) ?? resource.name}`;
}

export const snsTopicKms = resourcePolicy({
  name: "sns-topic-kms",
  satisfiedBy: [
    "packages/data/src/alerts.ts",
    "packages/bi-dashboard/src/alarm-topic.ts",
    "packages/data/src/keys.ts",
  ],
  description: "Every SNS topic encrypts its messages with a customer-managed KMS key.",
  module: "sns-sqs",
  controls: { fsbp: ["SNS.1"], checkov: ["CKV_AWS_26"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set kmsMasterKeyId on the topic to the messaging key, whose policy lets the publishing services (cloudwatch, events, backup) use it",
  types: TOPIC_TYPES,
  check(resource, report) {
    const key = resource.props["kmsMasterKeyId"];
    if (absent(key)) report(`${label("topic", resource)} is not encrypted`);
    else if (awsManaged(key))
      report(`${label("topic", resource)} is encrypted with the AWS-managed key ${String(key)}`);
  },
});

export const sqsQueueEncrypted = resourcePolicy({
  name: "sqs-queue-encrypted",
  satisfiedBy: [
    "packages/bi-dashboard/src/dead-letter-queue.ts",
    "packages/data/src/search.ts",
    "packages/data/src/keys.ts",
  ],
  description:
    "Every SQS queue encrypts its messages at rest: with a KMS key (preferred) or SQS-managed encryption.",
  module: "sns-sqs",
  controls: { fsbp: ["SQS.1"], checkov: ["CKV_AWS_27"] },
  enforcementLevel: "mandatory",
  remediation: "Set kmsMasterKeyId on the queue to the messaging key (or sqsManagedSseEnabled true)",
  types: QUEUE_TYPES,
  check(resource, report) {
    if (absent(resource.props["kmsMasterKeyId"]) && !isTrue(resource.props["sqsManagedSseEnabled"]))
      report(`${label("queue", resource)} is not encrypted at rest`);
  },
});

/** Topic and queue access policies, whether set on the resource or as a separate policy resource. */
const POLICY_TYPES = [
  "aws:sns/topicPolicy:TopicPolicy",
  "aws:sns/topic:Topic",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:sqs/queue:Queue",
];

export const snsSqsNoPublicPolicy = resourcePolicy({
  name: "sns-sqs-no-public-policy",
  satisfiedBy: [
    "packages/data/src/alerts.ts",
    "packages/bi-dashboard/src/alarm-topic.ts",
    "packages/bi-dashboard/src/dead-letter-queue.ts",
  ],
  description:
    "No topic or queue policy allows anyone (Principal *) without a condition naming the caller (aws:SourceAccount, aws:SourceArn, aws:SourceOwner, aws:PrincipalOrgID).",
  module: "sns-sqs",
  controls: { fsbp: ["SNS.4", "SQS.3"], checkov: ["CKV_AWS_168", "CKV_AWS_169"] },
  enforcementLevel: "mandatory",
  remediation:
    "Name the principal (the publishing service or role), or keep the grant to a caller with aws:SourceAccount or aws:SourceArn",
  types: POLICY_TYPES,
  check(resource, report) {
    for (const statement of policyStatements(resource.props["policy"]) ?? []) {
      if (allowsAnyone(statement) && !testsAnyOf(statement, CALLER_SCOPING_KEYS))
        report(
          `${resource.name}: statement ${sidOf(statement)} allows ${strings(statement.Action).join(", ")} to anyone`,
        );
    }
  },
});

export const snsSqsPolicies = [snsTopicKms, sqsQueueEncrypted, snsSqsNoPublicPolicy];
