import { strict as assert } from "node:assert";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { BackupCopyRelayArgs } from "../src";
import { BackupCopyRelay, RELAY_RDS_ACTIONS, validateBackupCopyRelayArgs } from "../src";
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

describe("BackupCopyRelay", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => {
      const primary = new aws.Provider("primary-region", { region: "us-east-1" });
      new BackupCopyRelay("relay", ARGS, { providers: [primary] });
    });
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
});
