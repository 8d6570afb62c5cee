import { strict as assert } from "node:assert";

import * as pulumi from "@pulumi/pulumi";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { SnapshotCopyArgs, SnapshotShareArgs } from "../src";
import {
  SnapshotCopy,
  SnapshotShare,
  validateFunctionParts,
  validateSnapshotCopyArgs,
  validateSnapshotShareArgs,
} from "../src";
import { DR, PRIMARY, drNaming, primaryNaming, sids, statement } from "./helpers";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler=()=>{}"),
});
const DB_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000001";
const LOGS_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000003";
const DR_KEY = "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000002";
const SECRETS_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000004";
const MESSAGING_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000005";
const DR_SECRETS_KEY = "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000006";
const DR_MESSAGING_KEY = "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000007";
const SHARE: SnapshotShareArgs = {
  naming: primaryNaming,
  iam: {},
  region: "us-east-1",
  accountId: PRIMARY,
  drAccountId: DR,
  instanceIdentifier: "acme-tdp-production-postgres",
  instanceArn: "arn:aws:rds:us-east-1:111111111111:db:acme-tdp-production-postgres",
  databaseKmsKeyArn: DB_KEY,
  logsKmsKeyArn: LOGS_KEY,
  alarmTarget: { topicArn: "arn:aws:sns:us-east-1:111111111111:alerts", naming: primaryNaming },
  environmentKmsKeyArn: SECRETS_KEY,
  deadLetterQueueKmsKeyArn: MESSAGING_KEY,
  code,
};
const COPY: SnapshotCopyArgs = {
  naming: drNaming,
  iam: {},
  region: "us-west-2",
  accountId: DR,
  sourceRegion: "us-east-1",
  sourceAccountId: PRIMARY,
  kmsKeyArn: DR_KEY,
  logsKmsKeyArn: DR_KEY,
  retentionDays: 7,
  alarmTarget: { topicArn: "arn:aws:sns:us-west-2:222222222222:alerts", naming: drNaming },
  environmentKmsKeyArn: DR_SECRETS_KEY,
  deadLetterQueueKmsKeyArn: DR_MESSAGING_KEY,
  copyAgeAlarmHours: 26,
  code,
};

describe("SnapshotShare and SnapshotCopy", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => {
      new SnapshotShare("share", SHARE);
      new SnapshotCopy("copy", COPY);
    });
  });

  it("runs the share function hourly and after each completed RDS backup, with its settings", () => {
    const fn = rec.one("aws:lambda/function:Function", "share-function");
    assert.equal(fn.inputs["runtime"], "nodejs22.x");
    assert.equal(fn.inputs["reservedConcurrentExecutions"], 1);
    assert.deepEqual((fn.inputs["environment"] as { variables: Record<string, string> }).variables, {
      DB_INSTANCE_IDENTIFIER: "acme-tdp-production-postgres",
      DR_ACCOUNT_ID: DR,
      KMS_KEY_ID: DB_KEY,
      SNAPSHOT_PREFIX: "ts-platform",
      RETENTION_DAYS: "2",
    });
    assert.equal(
      rec.one("aws:cloudwatch/eventRule:EventRule", "share-schedule").inputs["scheduleExpression"],
      "rate(1 hour)",
    );
    const event = JSON.parse(
      String(rec.one("aws:cloudwatch/eventRule:EventRule", "share-event").inputs["eventPattern"]),
    ) as {
      detail: Record<string, string[]>;
    };
    assert.deepEqual(event.detail, { state: ["COMPLETED"], resourceType: ["RDS"] });
    assert.equal(rec.one("aws:cloudwatch/logGroup:LogGroup", "share-logs").inputs["kmsKeyId"], LOGS_KEY);
    rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", "share-alarm-share-snapshots-errors");
  });

  it("lets the share function modify and delete only its own copies, and use the key only through RDS", () => {
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("share-"))!;
    assert.equal(
      statement(rec, policy.name, "ShareAndExpireItsCopies").Resource,
      "arn:aws:rds:us-east-1:111111111111:snapshot:ts-platform-*",
    );
    assert.deepEqual(statement(rec, policy.name, "UseTheDatabaseKeyThroughRds").Condition, {
      StringEquals: { "kms:ViaService": "rds.us-east-1.amazonaws.com" },
    });
  });

  it("runs the copy function hourly in the DR region with the seed's settings", () => {
    const fn = rec.one("aws:lambda/function:Function", "copy-function");
    assert.equal(fn.inputs["name"], "acme-tdp-dr-copy-snapshots");
    assert.deepEqual((fn.inputs["environment"] as { variables: Record<string, string> }).variables, {
      METRIC_NAMESPACE: "TDP/DR",
      SOURCE_REGION: "us-east-1",
      SOURCE_ACCOUNT_ID: PRIMARY,
      KMS_KEY_ID: DR_KEY,
      SNAPSHOT_PATTERN: "ts-platform.*",
      RETENTION_DAYS: "7",
    });
    assert.equal(rec.named("copy-event"), undefined);
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("copy-"))!;
    assert.deepEqual(statement(rec, policy.name, "CopySharedSnapshots").Resource, [
      "arn:aws:rds:us-east-1:111111111111:snapshot:*",
      "arn:aws:rds:us-west-2:222222222222:snapshot:*",
    ]);
  });

  for (const [fn, prefix, region, envKey, queueKey, queueName] of [
    ["share", "share", "us-east-1", SECRETS_KEY, MESSAGING_KEY, "acme-tdp-production-share-snapshots-dlq"],
    ["copy", "copy", "us-west-2", DR_SECRETS_KEY, DR_MESSAGING_KEY, "acme-tdp-dr-copy-snapshots-dlq"],
  ] as const) {
    it(`encrypts the ${fn} function's environment with the given key and keeps its failed events in an encrypted queue`, () => {
      const lambda = rec.one("aws:lambda/function:Function", `${prefix}-function`);
      assert.equal(lambda.inputs["kmsKeyArn"], envKey);
      const queue = rec.one("aws:sqs/queue:Queue", `${prefix}-dlq`);
      assert.equal(queue.inputs["name"], queueName);
      assert.equal(queue.inputs["kmsMasterKeyId"], queueKey);
      assert.equal(queue.inputs["messageRetentionSeconds"], 1209600);
      assert.ok(lambda.dependencies.includes(queue.urn));
      assert.match(
        String((lambda.inputs["deadLetterConfig"] as { targetArn: string }).targetArn),
        /^arn:aws:sqs:/,
      );
    });

    it(`lets the ${fn} function send to its queue only, with the queue's key through SQS`, () => {
      const policy = rec
        .ofType("aws:iam/rolePolicy:RolePolicy")
        .find((p) => p.name.startsWith(`${prefix}-`))!;
      assert.match(
        String(statement(rec, policy.name, "SendFailedEventsToItsQueue").Resource),
        /^arn:aws:sqs:/,
      );
      const encrypt = statement(rec, policy.name, "EncryptThroughSqs");
      assert.equal(encrypt.Resource, queueKey);
      assert.deepEqual(encrypt.Condition, {
        StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` },
      });
    });

    it(`alarms when an event of the ${fn} function waits in its queue`, () => {
      const alarm = rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", `${prefix}-alarm-${fn}-snapshots-dlq`);
      assert.equal(alarm.inputs["namespace"], "AWS/SQS");
      assert.equal(alarm.inputs["metricName"], "ApproximateNumberOfMessagesVisible");
      assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
      assert.equal(alarm.inputs["threshold"], 0);
      assert.equal(alarm.inputs["treatMissingData"], "notBreaching");
      assert.deepEqual(alarm.inputs["dimensions"], { QueueName: queueName });
      rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", `${prefix}-alarm-${fn}-snapshots-errors`);
    });
  }

  it("alarms when the newest DR copy is older than copyAgeAlarmHours or the function stops reporting", () => {
    const alarm = rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", "copy-alarm-database-copy-age");
    assert.equal(alarm.inputs["name"], "acme-tdp-dr-database-copy-age");
    assert.equal(alarm.inputs["namespace"], "TDP/DR");
    assert.equal(alarm.inputs["metricName"], "NewestCopyAgeHours");
    assert.deepEqual(alarm.inputs["dimensions"], { FunctionName: "acme-tdp-dr-copy-snapshots" });
    assert.equal(alarm.inputs["threshold"], 26);
    assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
    assert.equal(alarm.inputs["treatMissingData"], "breaching");
    assert.equal(alarm.inputs["period"], 3600);
    assert.equal(alarm.inputs["evaluationPeriods"], 2);
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("copy-"))!;
    assert.deepEqual(statement(rec, policy.name, "PublishTheNewestCopysAge").Condition, {
      StringEquals: { "cloudwatch:namespace": "TDP/DR" },
    });
  });

  it("without the keys keeps the AWS-managed environment key and no queue; without a target, no alarm", async () => {
    const bare = await offline.record(() => {
      new SnapshotCopy("bare", {
        ...COPY,
        alarmTarget: undefined,
        environmentKmsKeyArn: undefined,
        deadLetterQueueKmsKeyArn: undefined,
        copyAgeAlarmHours: undefined,
      });
      // A queue without an alarm target: kept, but no alarm.
      new SnapshotCopy("quiet", { ...COPY, alarmTarget: undefined, copyAgeAlarmHours: undefined });
    });
    const fn = bare.one("aws:lambda/function:Function", "bare-function");
    assert.equal(fn.inputs["kmsKeyArn"], undefined);
    assert.equal(fn.inputs["deadLetterConfig"], undefined);
    assert.equal(bare.named("bare-dlq"), undefined);
    bare.one("aws:sqs/queue:Queue", "quiet-dlq");
    assert.equal(bare.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
    assert.equal(
      (fn.inputs["environment"] as { variables: Record<string, string> }).variables["METRIC_NAMESPACE"],
      undefined,
    );
    const policy = bare.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("bare-"))!;
    assert.ok(!sids(bare, policy.name).includes("PublishTheNewestCopysAge"));
  });

  it("needs the function's region for the key statements", () => {
    const parts = {
      naming: drNaming,
      iam: {},
      accountId: DR,
      fn: "copy-snapshots" as const,
      description: "d",
      statements: [],
      environment: {},
      logsKmsKeyArn: DR_KEY,
      scheduleExpression: "rate(1 hour)",
    };
    validateFunctionParts(parts);
    validateFunctionParts({ ...parts, region: "us-west-2", deadLetterQueueKmsKeyArn: DR_MESSAGING_KEY });
    assert.throws(
      () => validateFunctionParts({ ...parts, environmentKmsKeyArn: DR_SECRETS_KEY }),
      /function copy-snapshots: region "" must be the function's AWS region/,
    );
    assert.throws(
      () => validateFunctionParts({ ...parts, region: "west", deadLetterQueueKmsKeyArn: DR_MESSAGING_KEY }),
      /region "west"/,
    );
  });

  it("validates the arguments", () => {
    assert.throws(() => validateSnapshotShareArgs({ ...SHARE, drAccountId: PRIMARY }), /drAccountId/);
    assert.throws(() => validateSnapshotShareArgs({ ...SHARE, retentionDays: 0 }), /retentionDays 0/);
    assert.throws(
      () => validateSnapshotCopyArgs({ ...COPY, sourceRegion: "us-west-2" }),
      /sourceRegion "us-west-2"/,
    );
    assert.throws(() => validateSnapshotCopyArgs({ ...COPY, sourceAccountId: DR }), /sourceAccountId/);
    assert.throws(() => validateSnapshotCopyArgs({ ...COPY, snapshotPattern: "(" }), /snapshotPattern "\("/);
    assert.throws(() => validateSnapshotCopyArgs({ ...COPY, retentionDays: 4000 }), /retentionDays 4000/);
    for (const hours of [1, 2.5, 8761]) {
      assert.throws(
        () => validateSnapshotCopyArgs({ ...COPY, copyAgeAlarmHours: hours }),
        new RegExp(`copyAgeAlarmHours ${hours} must be a whole number of hours from 2 to 8760`),
      );
    }
    assert.throws(
      () => validateSnapshotCopyArgs({ ...COPY, alarmTarget: undefined }),
      /copyAgeAlarmHours 26 needs alarmTarget/,
    );
  });
});
