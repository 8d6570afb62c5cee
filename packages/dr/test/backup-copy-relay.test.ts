import { strict as assert } from "node:assert";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { BackupCopyRelayArgs } from "../src";
import { BackupCopyRelay, RELAY_RDS_ACTIONS, relayAlertsPurpose, validateBackupCopyRelayArgs } from "../src";
import { DR, PRIMARY, drNaming, sids, statement } from "./helpers";

const code = new pulumi.asset.AssetArchive({
  "index.js": new pulumi.asset.StringAsset("exports.handler=()=>{}"),
});
const DR_VAULT = "arn:aws:backup:us-west-2:222222222222:backup-vault:acme-tdp-dr-database";
const DR_VAULT_KEY = "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000004";
const ARGS: BackupCopyRelayArgs = {
  naming: drNaming,
  iam: {},
  accountId: DR,
  region: "us-east-1",
  drRegion: "us-west-2",
  primaryAccountId: PRIMARY,
  destinationVaultArn: DR_VAULT,
  destinationKmsKeyArn: DR_VAULT_KEY,
  retentionDays: 7,
  alarmTarget: { topicArn: "arn:aws:sns:us-east-1:222222222222:dr-alerts", naming: drNaming },
  code,
};

/** The relay with {@link ARGS} under the primary region's provider. */
function recordRelay(): Promise<Recording> {
  return offline.record(() => {
    const primary = new aws.Provider("primary-region", { region: "us-east-1" });
    new BackupCopyRelay("relay", ARGS, { providers: [primary] });
  });
}

describe("BackupCopyRelay", () => {
  let rec: Recording;
  before(async () => {
    rec = await recordRelay();
  });

  it("creates every resource with the primary region's provider", () => {
    const provider = rec.one("pulumi:providers:aws", "primary-region");
    const custom = rec.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    assert.ok(custom.length > 10);
    for (const resource of custom) {
      assert.equal(resource.provider, provider.urn, `${resource.type} ${resource.name}`);
    }
  });

  it("creates a protected staging vault under its own rotating key that admits copies from the primary account only", () => {
    const vault = rec.one("aws:backup/vault:Vault", "relay-vault");
    assert.equal(vault.inputs["name"], "acme-tdp-dr-database-staging");
    assert.equal(vault.protect, true);
    const key = rec.one("aws:kms/key:Key", "relay-staging-vault-key");
    assert.equal(key.protect, true);
    assert.equal(key.inputs["enableKeyRotation"], true);
    const copyIn = statement(rec, "relay-vault-policy", "PrimaryAccountCopiesIn");
    assert.deepEqual(copyIn.Principal, { AWS: `arn:aws:iam::${PRIMARY}:root` });
    assert.equal(copyIn.Action, "backup:CopyIntoBackupVault");
    assert.deepEqual(sids(rec, "relay-vault-policy"), [
      "RecoveryPointsAreNotDeletedOrShortened",
      "PrimaryAccountCopiesIn",
    ]);
    const use = statement(rec, "relay-staging-vault-key", "AccountPrincipalsUseTheKeyThroughServices");
    assert.deepEqual(use.Condition?.["StringEquals"]?.["kms:ViaService"], [
      "backup.us-east-1.amazonaws.com",
      "rds.us-east-1.amazonaws.com",
    ]);
    assert.ok(sids(rec, "relay-staging-vault-key").includes("AccountAdministersTheKey"));
  });

  it("keeps the function's logs under a key of the primary region", () => {
    const logs = rec.one("aws:cloudwatch/logGroup:LogGroup", "relay-logs");
    assert.equal(logs.inputs["name"], "/aws/lambda/acme-tdp-dr-relay-copies");
    const key = rec.one("aws:kms/key:Key", "relay-relay-logs-key");
    assert.ok(sids(rec, "relay-relay-logs-key").includes("CloudWatchLogsEncryptsTheAccountsGroups"));
    assert.equal(key.inputs["enableKeyRotation"], true);
  });

  it("gives AWS Backup a copy role limited to the DR vault, the account's snapshots and the two keys through RDS", () => {
    const role = rec.one("aws:iam/role:Role", "relay-copy-role-role");
    assert.equal(role.inputs["name"], "acme-tdp-dr-dr-relay-copy");
    const trust = JSON.parse(String(role.inputs["assumeRolePolicy"])) as {
      Statement: { Principal: { Service: string } }[];
    };
    assert.equal(trust.Statement[0]!.Principal.Service, "backup.amazonaws.com");
    const policy = rec
      .ofType("aws:iam/rolePolicy:RolePolicy")
      .find((p) => p.name.startsWith("relay-copy-role"))!;
    assert.equal(statement(rec, policy.name, "CopyIntoTheDrVault").Resource, DR_VAULT);
    const rds = statement(rec, policy.name, "CopyTheStagingSnapshots");
    assert.deepEqual(rds.Action, RELAY_RDS_ACTIONS);
    assert.deepEqual(rds.Resource, [
      "arn:aws:rds:us-east-1:222222222222:snapshot:*",
      "arn:aws:rds:us-west-2:222222222222:snapshot:*",
    ]);
    const write = statement(rec, policy.name, "WriteUnderTheDrVaultKey");
    assert.equal(write.Resource, DR_VAULT_KEY);
    assert.deepEqual(write.Condition, { StringEquals: { "kms:ViaService": "rds.us-west-2.amazonaws.com" } });
    const read = statement(rec, policy.name, "ReadUnderTheStagingKey");
    assert.deepEqual(read.Condition, { StringEquals: { "kms:ViaService": "rds.us-east-1.amazonaws.com" } });
    assert.deepEqual(statement(rec, policy.name, "GrantRdsTheDrVaultKey").Condition?.["Bool"], {
      "kms:GrantIsForAWSResource": true,
    });
  });

  it("runs the relay hourly and on completed recovery points, with its settings, and alarms on errors", () => {
    const fn = rec.one("aws:lambda/function:Function", "relay-function");
    assert.equal(fn.inputs["name"], "acme-tdp-dr-relay-copies");
    assert.equal(fn.inputs["reservedConcurrentExecutions"], 1);
    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(variables["DESTINATION_VAULT_ARN"], DR_VAULT);
    assert.equal(variables["RETENTION_DAYS"], "7");
    assert.equal(variables["STAGING_VAULT_NAME"], "acme-tdp-dr-database-staging");
    assert.match(variables["COPY_ROLE_ARN"]!, /:role\/acme-tdp-dr-dr-relay-copy$/);
    assert.equal(
      rec.one("aws:cloudwatch/eventRule:EventRule", "relay-schedule").inputs["scheduleExpression"],
      "rate(1 hour)",
    );
    const event = JSON.parse(
      String(rec.one("aws:cloudwatch/eventRule:EventRule", "relay-event").inputs["eventPattern"]),
    ) as Record<string, unknown>;
    assert.deepEqual(event, {
      source: ["aws.backup"],
      "detail-type": ["Recovery Point State Change"],
      detail: { status: ["COMPLETED"] },
    });
    const alarm = rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", "relay-alarm-relay-copies-errors");
    assert.deepEqual(alarm.inputs["alarmActions"], ["arn:aws:sns:us-east-1:222222222222:dr-alerts"]);
  });

  it("lets the function list the staging vault and start copies with exactly the copy role", () => {
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("relay-role"))!;
    assert.deepEqual(
      statement(rec, policy.name, "CopyTheStagingRecoveryPoints").Resource,
      "arn:aws:backup:us-east-1:222222222222:recovery-point:*",
    );
    const pass = statement(rec, policy.name, "PassTheCopyRoleToBackup");
    assert.match(String(pass.Resource), /:role\/acme-tdp-dr-dr-relay-copy$/);
    assert.deepEqual(pass.Condition, { StringEquals: { "iam:PassedToService": "backup.amazonaws.com" } });
    assert.match(
      String(statement(rec, policy.name, "ListTheStagingVault").Resource),
      /:backup-vault:acme-tdp-dr-database-staging$/,
    );
  });
});

describe("BackupCopyRelay: hardening", () => {
  let rec: Recording;
  const keyOf = (purpose: string) => rec.one("aws:kms/key:Key", `relay-${purpose}-key`);
  before(async () => {
    rec = await recordRelay();
  });

  it("encrypts the function's environment with a key of its own that Lambda alone may use", () => {
    const fn = rec.one("aws:lambda/function:Function", "relay-function");
    assert.match(String(fn.inputs["kmsKeyArn"]), /^arn:aws:kms:us-east-1:\d{12}:key\//);
    assert.ok(fn.dependencies.includes(keyOf("relay-secrets").urn), "the function's key is relay-secrets");
    const use = statement(rec, "relay-relay-secrets-key", "AccountPrincipalsUseTheKeyThroughServices");
    assert.deepEqual(use.Condition?.["StringEquals"]?.["kms:ViaService"], ["lambda.us-east-1.amazonaws.com"]);
    assert.equal(keyOf("relay-secrets").protect, true);
    assert.equal(
      rec.one("aws:kms/alias:Alias", "relay-relay-secrets-alias").inputs["name"],
      "alias/acme-tdp-dr-relay-secrets",
    );
  });

  it("keeps failed events in a dead-letter queue under the messaging key, and alarms on it", () => {
    const queue = rec.one("aws:sqs/queue:Queue", "relay-dlq");
    assert.equal(queue.inputs["name"], "acme-tdp-dr-relay-copies-dlq");
    assert.ok(queue.dependencies.includes(keyOf("relay-messaging").urn));
    const fn = rec.one("aws:lambda/function:Function", "relay-function");
    // The offline engine's ARNs carry its own account: the region and name are what matter.
    assert.match(
      String((fn.inputs["deadLetterConfig"] as { targetArn: string }).targetArn),
      /^arn:aws:sqs:us-east-1:\d{12}:acme-tdp-dr-relay-copies-dlq$/,
    );
    const use = statement(rec, "relay-relay-messaging-key", "AccountPrincipalsUseTheKeyThroughServices");
    assert.deepEqual(use.Condition?.["StringEquals"]?.["kms:ViaService"], [
      "sns.us-east-1.amazonaws.com",
      "sqs.us-east-1.amazonaws.com",
    ]);
    assert.deepEqual(statement(rec, "relay-relay-messaging-key", "ServicePrincipal0").Principal, {
      Service: "cloudwatch.amazonaws.com",
    });
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("relay-role"))!;
    assert.deepEqual(statement(rec, policy.name, "EncryptThroughSqs").Condition, {
      StringEquals: { "kms:ViaService": "sqs.us-east-1.amazonaws.com" },
    });
    const alarm = rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", "relay-alarm-relay-copies-dlq");
    assert.deepEqual(alarm.inputs["alarmActions"], ["arn:aws:sns:us-east-1:222222222222:dr-alerts"]);
  });

  it("builds no topic and no copy-age alarm of its own when given alarmTarget alone", () => {
    assert.equal(rec.ofType("aws:sns/topic:Topic").length, 0);
    assert.equal(rec.named("relay-alarm-database-copy-age"), undefined);
    const fn = rec.one("aws:lambda/function:Function", "relay-function");
    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(variables["METRIC_NAMESPACE"], undefined);
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("relay-role"))!;
    assert.ok(!sids(rec, policy.name).includes("PublishTheNewestCopysAge"));
    assert.ok(!sids(rec, policy.name).includes("ListTheDrVault"));
  });
});

describe("BackupCopyRelay: its own alert topic and the copy-age alarm", () => {
  let rec: Recording;
  const TOPIC = /^arn:aws:sns:us-east-1:\d{12}:acme-tdp-dr-alerts-us-east-1$/;
  before(async () => {
    rec = await offline.record(() => {
      const primary = new aws.Provider("primary-region", { region: "us-east-1" });
      const { alarmTarget: _, ...rest } = ARGS;
      new BackupCopyRelay(
        "relay",
        { ...rest, notificationEmail: "dr-alerts@acme.example.com", copyAgeAlarmHours: 26 },
        { providers: [primary] },
      );
    });
  });

  it("creates an alert topic in the primary region under the messaging key, named apart from the DR region's", () => {
    const topic = rec.one("aws:sns/topic:Topic", "relay-alerts-topic");
    assert.equal(topic.inputs["name"], "acme-tdp-dr-alerts-us-east-1");
    assert.match(String(topic.inputs["kmsMasterKeyId"]), /^arn:aws:kms:us-east-1:\d{12}:key\//);
    assert.ok(topic.dependencies.includes(rec.one("aws:kms/key:Key", "relay-relay-messaging-key").urn));
    assert.equal(topic.provider, rec.one("pulumi:providers:aws", "primary-region").urn);
    const email = rec.one("aws:sns/topicSubscription:TopicSubscription", "relay-alerts-email");
    assert.equal(email.inputs["endpoint"], "dr-alerts@acme.example.com");
  });

  it("sends every alarm of the relay to that topic", () => {
    const alarms = rec.ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
    assert.deepEqual(alarms.map((a) => a.name).sort(), [
      "relay-alarm-database-copy-age",
      "relay-alarm-relay-copies-dlq",
      "relay-alarm-relay-copies-errors",
    ]);
    for (const alarm of alarms) {
      const actions = alarm.inputs["alarmActions"] as string[];
      assert.equal(actions.length, 1, alarm.name);
      assert.match(actions[0]!, TOPIC, alarm.name);
    }
  });

  it("alarms when the DR vault's newest copy is older than copyAgeAlarmHours or the relay stops reporting", () => {
    const alarm = rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", "relay-alarm-database-copy-age");
    assert.equal(alarm.inputs["namespace"], "TDP/DR");
    assert.equal(alarm.inputs["metricName"], "NewestCopyAgeHours");
    assert.deepEqual(alarm.inputs["dimensions"], { FunctionName: "acme-tdp-dr-relay-copies" });
    assert.equal(alarm.inputs["threshold"], 26);
    assert.equal(alarm.inputs["statistic"], "Minimum");
    assert.equal(alarm.inputs["treatMissingData"], "breaching");
    assert.equal(alarm.inputs["evaluationPeriods"], 2);
    assert.equal(alarm.inputs["period"], 3600);
  });

  it("lets the function list the DR vault and publish into its own namespace only", () => {
    const fn = rec.one("aws:lambda/function:Function", "relay-function");
    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(variables["METRIC_NAMESPACE"], "TDP/DR");
    const policy = rec.ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.startsWith("relay-role"))!;
    const list = statement(rec, policy.name, "ListTheDrVault");
    assert.equal(list.Action, "backup:ListRecoveryPointsByBackupVault");
    assert.equal(list.Resource, DR_VAULT);
    assert.deepEqual(statement(rec, policy.name, "PublishTheNewestCopysAge").Condition, {
      StringEquals: { "cloudwatch:namespace": "TDP/DR" },
    });
  });
});

describe("BackupCopyRelay without an alert topic", () => {
  it("still encrypts the environment and keeps a dead-letter queue, with no alarm and no topic", async () => {
    let relay: BackupCopyRelay | undefined;
    const rec = await offline.record(() => {
      const primary = new aws.Provider("primary-region", { region: "us-east-1" });
      relay = new BackupCopyRelay("relay", { ...ARGS, alarmTarget: undefined }, { providers: [primary] });
    });
    const fn = rec.one("aws:lambda/function:Function", "relay-function");
    assert.ok(fn.inputs["kmsKeyArn"]);
    assert.ok(fn.inputs["deadLetterConfig"]);
    assert.deepEqual(rec.ofType("aws:cloudwatch/metricAlarm:MetricAlarm"), []);
    assert.deepEqual(rec.ofType("aws:sns/topic:Topic"), []);
    assert.equal(relay!.alertTopicArn, undefined);
  });
});

describe("validateBackupCopyRelayArgs", () => {
  it("accepts the example", () => validateBackupCopyRelayArgs(ARGS));
  it("refuses the DR account as the primary", () =>
    assert.throws(
      () => validateBackupCopyRelayArgs({ ...ARGS, primaryAccountId: DR }),
      /primaryAccountId "222222222222": the primary and the DR account are the same/,
    ));
  it("refuses the DR region as the relay's region", () =>
    assert.throws(
      () => validateBackupCopyRelayArgs({ ...ARGS, region: "us-west-2" }),
      /region "us-west-2": the primary and the DR region are the same/,
    ));
  it("refuses a retention out of range", () =>
    assert.throws(
      () => validateBackupCopyRelayArgs({ ...ARGS, retentionDays: 0 }),
      /retentionDays 0 must be a whole number of days from 1 to 3650/,
    ));
  it("refuses both an alert topic and an address to build one for", () =>
    assert.throws(() => validateBackupCopyRelayArgs({ ...ARGS, notificationEmail: "ops@acme.example.com" }), {
      message:
        'notificationEmail "ops@acme.example.com" and alarmTarget are both set: the relay\'s alarms go to one topic; give alarmTarget (a topic of the primary region) or notificationEmail (the relay builds one), not both',
    }));
  it("refuses a notificationEmail that is no address", () =>
    assert.throws(
      () => validateBackupCopyRelayArgs({ ...ARGS, alarmTarget: undefined, notificationEmail: "ops" }),
      /notificationEmail "ops" is not an e-mail address/,
    ));
  it("refuses a copy-age alarm with nowhere to go", () =>
    assert.throws(
      () => validateBackupCopyRelayArgs({ ...ARGS, alarmTarget: undefined, copyAgeAlarmHours: 26 }),
      {
        message:
          "copyAgeAlarmHours 26 needs alarmTarget or notificationEmail: the alarm has nowhere to go; give one or leave copyAgeAlarmHours out",
      },
    ));
  it("refuses a copy-age threshold out of range", () =>
    assert.throws(
      () => validateBackupCopyRelayArgs({ ...ARGS, copyAgeAlarmHours: 1 }),
      /copyAgeAlarmHours 1 must be a whole number of hours from 2 to 8760/,
    ));
  it("names the relay's topic after its region", () =>
    assert.equal(relayAlertsPurpose("eu-west-1"), "alerts-eu-west-1"));
});
