import { strict as assert } from "node:assert";

import { offline } from "@tdp/offline";

import { Alerts, AuditTrail, SenderEmail, ServiceLinkedRoles, createAlarm, createLogGroup } from "../src";
import { ACCOUNT, KEY_ARN, REGION, byName, naming, ofType, statement } from "./helpers";

describe("Alerts", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  before(async () => {
    rec = await offline.record(() => {
      const alerts = new Alerts("alerts", {
        naming,
        accountId: ACCOUNT,
        notificationEmail: "platform-alerts@acme.example.com",
        kmsKeyArn: KEY_ARN,
      });
      new Alerts("regional", {
        naming,
        accountId: ACCOUNT,
        notificationEmail: "platform-alerts@acme.example.com",
        kmsKeyArn: KEY_ARN,
        purpose: "alerts-us-west-2",
      });
      createAlarm(
        "db",
        alerts.alarmTarget,
        {
          purpose: "db-cpu",
          description: "CPU above 80%",
          namespace: "AWS/RDS",
          metricName: "CPUUtilization",
          dimensions: { DBInstanceIdentifier: "acme-db" },
          comparison: ">=",
          threshold: 80,
          evaluationPeriods: 3,
        },
        { parent: alerts },
      );
      alerts.alarm(
        "backup",
        {
          purpose: "backup-failed",
          description: "A backup job failed",
          namespace: "AWS/Backup",
          metricName: "NumberOfBackupJobsFailed",
          statistic: "Sum",
          comparison: ">",
          threshold: 0,
          treatMissingData: "notBreaching",
          notifyOnRecovery: false,
        },
        { parent: alerts },
      );
    });
  });

  it("encrypts the topic with the messaging key", () => {
    const topic = byName(rec, "alerts-topic");
    assert.equal(topic.inputs["kmsMasterKeyId"], KEY_ARN);
    assert.equal(topic.inputs["name"], "acme-tdp-production-alerts");
  });

  it("names a second topic (another region's) after its purpose", () => {
    assert.equal(byName(rec, "regional-topic").inputs["name"], "acme-tdp-production-alerts-us-west-2");
  });

  it("lets CloudWatch, EventBridge and Backup of this account publish, over TLS only", () => {
    const policy = byName(rec, "alerts-topic-policy");
    const publishers = statement(policy, "AwsServicesOfThisAccountPublish");
    assert.deepEqual(publishers.Principal, {
      Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"],
    });
    assert.equal(publishers.Action, "sns:Publish");
    assert.deepEqual(publishers.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });
    const tls = statement(policy, "DenyInsecureTransport");
    assert.equal(tls.Effect, "Deny");
    const owner = statement(policy, "AccountManagesTheTopic");
    assert.deepEqual(owner.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
  });

  it("subscribes NotificationEmail by e-mail", () => {
    const subscription = byName(rec, "alerts-email");
    assert.equal(subscription.inputs["protocol"], "email");
    assert.equal(subscription.inputs["endpoint"], "platform-alerts@acme.example.com");
  });

  it("creates alarms that notify the topic and its recovery", () => {
    const alarm = byName(rec, "db-alarm-db-cpu");
    assert.equal(alarm.inputs["name"], "acme-tdp-production-db-cpu");
    assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanOrEqualToThreshold");
    assert.equal(alarm.inputs["threshold"], 80);
    assert.equal(alarm.inputs["evaluationPeriods"], 3);
    assert.equal(alarm.inputs["datapointsToAlarm"], 3);
    assert.equal(alarm.inputs["period"], 300);
    assert.equal(alarm.inputs["statistic"], "Average");
    assert.deepEqual(alarm.inputs["dimensions"], { DBInstanceIdentifier: "acme-db" });
    const topicArn = byName(rec, "alerts-topic").inputs["arn"] ?? undefined;
    const actions = alarm.inputs["alarmActions"] as string[];
    assert.equal(actions.length, 1);
    if (topicArn !== undefined) {
      assert.deepEqual(actions, [topicArn]);
    }
    assert.deepEqual(alarm.inputs["okActions"], actions);
    const backup = byName(rec, "backup-alarm-backup-failed");
    assert.deepEqual(backup.inputs["okActions"], []);
    assert.equal(backup.inputs["treatMissingData"], "notBreaching");
    assert.equal(backup.inputs["comparisonOperator"], "GreaterThanThreshold");
  });

  it("refuses a bad address before registering", async () => {
    await assert.rejects(
      offline.record(() => {
        new Alerts("bad", { naming, notificationEmail: "nobody", kmsKeyArn: KEY_ARN });
      }),
      /notificationEmail "nobody" is not an e-mail address/,
    );
  });
});

describe("SenderEmail, ServiceLinkedRoles, log groups", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  before(async () => {
    rec = await offline.record(() => {
      new SenderEmail("sender-email", { sourceAddress: "tdp-notifications@acme.example.com" });
      new ServiceLinkedRoles("slr", {});
      new ServiceLinkedRoles("slr-existing-ecs", { ecs: false });
      createLogGroup("audit", "/tdp/acme/audit", { kmsKeyArn: KEY_ARN, retentionDays: 365 }, {});
      createLogGroup("app", "/tdp/acme/app", { kmsKeyArn: KEY_ARN }, {});
    });
  });

  it("creates the SES identity of SourceNotificationEmail", () => {
    assert.equal(
      byName(rec, "sender-email-identity").inputs["emailIdentity"],
      "tdp-notifications@acme.example.com",
    );
    assert.equal(byName(rec, "sender-email-identity").type, "aws:sesv2/emailIdentity:EmailIdentity");
  });

  it("creates the ECS, OpenSearch and Auto Scaling service-linked roles, retained on delete", () => {
    assert.equal(byName(rec, "slr-ecs").inputs["awsServiceName"], "ecs.amazonaws.com");
    assert.equal(byName(rec, "slr-opensearch").inputs["awsServiceName"], "opensearchservice.amazonaws.com");
    assert.equal(byName(rec, "slr-autoscaling").inputs["awsServiceName"], "autoscaling.amazonaws.com");
    for (const role of ofType(rec, "aws:iam/serviceLinkedRole:ServiceLinkedRole")) {
      assert.equal(role.retainOnDelete, true, role.name);
    }
  });

  it("skips a role that already exists in the account", () => {
    const names = ofType(rec, "aws:iam/serviceLinkedRole:ServiceLinkedRole").map((r) => r.name);
    assert.ok(!names.includes("slr-existing-ecs-ecs"));
    assert.ok(names.includes("slr-existing-ecs-opensearch"));
  });

  it("gives every log group retention and the logs key", () => {
    assert.equal(byName(rec, "audit").inputs["retentionInDays"], 365);
    assert.equal(byName(rec, "app").inputs["retentionInDays"], 90);
    assert.equal(byName(rec, "app").inputs["kmsKeyId"], KEY_ARN);
  });
});

describe("AuditTrail", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  const trailArn = `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/acme-tdp-production-trail`;
  before(async () => {
    rec = await offline.record(() => {
      new AuditTrail("cloudtrail", {
        naming,
        region: REGION,
        accountId: ACCOUNT,
        accessLogsBucketName: "acme-tdp-production-access-logs",
      });
    });
  });

  it("records every region with log file validation, encrypted with its own key", () => {
    const trail = byName(rec, "cloudtrail-trail");
    assert.equal(trail.inputs["isMultiRegionTrail"], true);
    assert.equal(trail.inputs["enableLogFileValidation"], true);
    assert.equal(trail.inputs["includeGlobalServiceEvents"], true);
    assert.equal(trail.inputs["s3BucketName"], "acme-tdp-production-cloudtrail");
    assert.ok(typeof trail.inputs["kmsKeyId"] === "string");
    assert.ok(trail.dependencies?.includes(byName(rec, "cloudtrail-bucket-policy").urn));
  });

  it("lets CloudTrail use the key only for this trail", () => {
    const key = byName(rec, "cloudtrail-key-key");
    assert.equal(key.inputs["enableKeyRotation"], true);
    const write = statement(key, "ServicePrincipal0");
    assert.deepEqual(write.Principal, { Service: "cloudtrail.amazonaws.com" });
    assert.deepEqual(write.Condition?.["StringEquals"], { "aws:SourceArn": trailArn });
    assert.equal(
      write.Condition?.["StringLike"]?.["kms:EncryptionContext:aws:cloudtrail:arn"],
      `arn:aws:cloudtrail:*:${ACCOUNT}:trail/*`,
    );
  });

  it("keeps the trail bucket's old versions 90 days by default", () => {
    const rules = byName(rec, "cloudtrail-bucket-lifecycle").inputs["rules"] as Record<string, unknown>[];
    assert.deepEqual(
      rules.find((r) => r["id"] === "expire-noncurrent-versions")!["noncurrentVersionExpiration"],
      {
        noncurrentDays: 90,
      },
    );
  });

  it("takes a lifecycle override merged over the defaults", async () => {
    const other = await offline.record(() => {
      new AuditTrail("cloudtrail", {
        naming,
        region: REGION,
        accountId: ACCOUNT,
        accessLogsBucketName: "acme-tdp-production-access-logs",
        lifecycle: { noncurrentVersionExpirationDays: 400 },
      });
    });
    const rules = byName(other, "cloudtrail-bucket-lifecycle").inputs["rules"] as Record<string, unknown>[];
    const byId = Object.fromEntries(rules.map((r) => [r["id"], r]));
    assert.deepEqual(byId["expire-noncurrent-versions"]!["noncurrentVersionExpiration"], {
      noncurrentDays: 400,
    });
    assert.deepEqual(byId["abort-incomplete-multipart-uploads"]!["abortIncompleteMultipartUpload"], {
      daysAfterInitiation: 7,
    });
  });

  it("admits only this trail to its SecureBucket", () => {
    const policy = byName(rec, "cloudtrail-bucket-policy");
    const write = statement(policy, "CloudTrailWritesThisAccountsLogs");
    assert.equal(write.Resource, `arn:aws:s3:::acme-tdp-production-cloudtrail/AWSLogs/${ACCOUNT}/*`);
    assert.equal(write.Condition?.["StringEquals"]?.["aws:SourceArn"], trailArn);
    statement(policy, "CloudTrailChecksTheBucketAcl");
    statement(policy, "DenyInsecureTransport");
    statement(policy, "DenyUploadsWithAnotherKmsKey");
    assert.equal(
      byName(rec, "cloudtrail-bucket-access-logs").inputs["targetBucket"],
      "acme-tdp-production-access-logs",
    );
  });
});
