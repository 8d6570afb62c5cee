import { strict as assert } from "node:assert";

import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import { Alerts, DatabaseBackup } from "../src";
import { ACCOUNT, BACKUP_KEY_ARN, KEY_ARN, byName, naming, ofType, policyOf } from "./helpers";

const DB_ARN = "arn:aws:rds:us-east-1:111111111111:db:acme-tdp-production-postgres";
const DR_VAULT = "arn:aws:backup:us-west-2:222222222222:backup-vault:acme-tdp-dr-database";

describe("DatabaseBackup", () => {
  let rec: Recording;
  let backup: DatabaseBackup;
  before(async () => {
    rec = await offline.record(() => {
      const alerts = new Alerts("alerts", {
        naming,
        accountId: ACCOUNT,
        notificationEmail: "ops@acme.example.com",
        kmsKeyArn: KEY_ARN,
      });
      backup = new DatabaseBackup("database-backup", {
        naming,
        iam: {},
        accountId: ACCOUNT,
        resourceArns: [DB_ARN],
        kmsKeyArn: BACKUP_KEY_ARN,
        alarmTarget: alerts.alarmTarget,
      });
    });
  });

  it("keeps recovery points in a vault with its own key, protected", () => {
    const vault = byName(rec, "database-backup-vault");
    assert.equal(vault.type, "aws:backup/vault:Vault");
    assert.equal(vault.inputs["kmsKeyArn"], BACKUP_KEY_ARN);
    assert.equal(vault.inputs["name"], "acme-tdp-production-database");
    assert.equal(vault.inputs["forceDestroy"], false);
    assert.equal(vault.protect, true);
    assert.equal(vault.retainOnDelete, true);
  });

  it("denies deleting recovery points or shortening their retention in the vault policy", () => {
    const policy = policyOf(byName(rec, "database-backup-vault-policy"));
    const deny = policy.Statement.find((s) => s.Sid === "RecoveryPointsAreNotDeletedOrShortened");
    assert.equal(deny?.Effect, "Deny");
    assert.deepEqual(deny?.Action, ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]);
  });

  it("runs the plan at the seed's 1 AM UTC daily and keeps each snapshot 30 days", () => {
    const plan = byName(rec, "database-backup-plan");
    const [rule, ...others] = plan.inputs["rules"] as Record<string, unknown>[];
    assert.equal(others.length, 0);
    assert.equal(rule!["schedule"], "cron(0 1 * * ? *)");
    assert.equal(rule!["scheduleExpressionTimezone"], "Etc/UTC");
    assert.equal(rule!["targetVaultName"], "acme-tdp-production-database");
    assert.deepEqual(rule!["lifecycle"], { deleteAfter: 30 });
    assert.equal(rule!["startWindow"], 60);
    assert.equal(rule!["completionWindow"], 480);
    assert.deepEqual(rule!["copyActions"], []);
    assert.equal(backup.schedule, "cron(0 1 * * ? *)");
  });

  it("selects the database with a backup role trusted by AWS Backup and its managed policies", () => {
    const selection = byName(rec, "database-backup-selection");
    assert.deepEqual(selection.inputs["resources"], [DB_ARN]);
    const role = byName(rec, "database-backup-role-role");
    assert.equal(role.inputs["name"], "acme-tdp-production-backup");
    const trust = policyOf(role, "assumeRolePolicy").Statement[0]!;
    assert.deepEqual(trust.Principal, { Service: "backup.amazonaws.com" });
    assert.ok(JSON.stringify(trust.Condition).includes(ACCOUNT));
    assert.match(String(selection.inputs["iamRoleArn"]), /role\/acme-tdp-production-backup$/);
    const attached = ofType(rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("database-backup-role-"))
      .map((a) => a.inputs["policyArn"]);
    assert.deepEqual(attached.sort(), [
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
      "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
    ]);
  });

  it("sends vault events, failed jobs and a failed-jobs alarm to the alert topic", () => {
    const notifications = byName(rec, "database-backup-notifications");
    assert.deepEqual(notifications.inputs["backupVaultEvents"], [
      "COPY_JOB_FAILED",
      "RESTORE_JOB_COMPLETED",
      "RECOVERY_POINT_MODIFIED",
    ]);
    assert.match(String(notifications.inputs["snsTopicArn"]), /acme-tdp-production-alerts$/);
    const rule = byName(rec, "database-backup-job-failed");
    const pattern = JSON.parse(String(rule.inputs["eventPattern"])) as {
      source: string[];
      "detail-type": string[];
      detail: { state: string[] };
    };
    assert.deepEqual(pattern.source, ["aws.backup"]);
    assert.deepEqual(pattern["detail-type"], ["Backup Job State Change", "Copy Job State Change"]);
    assert.deepEqual(pattern.detail.state, ["FAILED", "ABORTED", "EXPIRED"]);
    const target = byName(rec, "database-backup-job-failed-alert");
    assert.match(String(target.inputs["arn"]), /acme-tdp-production-alerts$/);
    const alarm = byName(rec, "database-backup-alarm-backup-jobs-failed");
    assert.equal(alarm.inputs["namespace"], "AWS/Backup");
    assert.equal(alarm.inputs["metricName"], "NumberOfBackupJobsFailed");
    assert.equal(alarm.inputs["statistic"], "Sum");
    assert.equal(alarm.inputs["threshold"], 0);
    assert.equal(alarm.inputs["comparisonOperator"], "GreaterThanThreshold");
    assert.deepEqual(alarm.inputs["dimensions"], { BackupVaultName: "acme-tdp-production-database" });
  });

  it("exposes its outputs", async () => {
    assert.equal(await offline.outputValue(backup.vaultName), "acme-tdp-production-database");
    assert.match(
      await offline.outputValue(backup.vaultArn),
      /^arn:aws:backup:us-east-1:\d{12}:backup-vault:/,
    );
    assert.match(await offline.outputValue(backup.planArn), /^arn:aws:backup:/);
    assert.match(await offline.outputValue(backup.roleArn), /role\/acme-tdp-production-backup$/);
  });
});

describe("DatabaseBackup every N hours, with a DR copy and a vault lock", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => {
      new DatabaseBackup("db-backup", {
        naming,
        iam: {},
        resourceArns: [DB_ARN],
        kmsKeyArn: BACKUP_KEY_ARN,
        intervalHours: 12,
        retentionDays: 14,
        copyTargetVaultArn: DR_VAULT,
        copyRetentionDays: 35,
        vaultLock: { minRetentionDays: 7, maxRetentionDays: 365 },
      });
    });
  });

  it("turns RDSBackupInterval into a schedule from 1 AM UTC", () => {
    const rule = (byName(rec, "db-backup-plan").inputs["rules"] as Record<string, unknown>[])[0]!;
    assert.equal(rule["schedule"], "cron(0 1,13 * * ? *)");
    assert.deepEqual(rule["lifecycle"], { deleteAfter: 14 });
  });

  it("copies each recovery point to the DR vault (copyTargetVaultArn)", () => {
    const rule = (byName(rec, "db-backup-plan").inputs["rules"] as Record<string, unknown>[])[0]!;
    assert.deepEqual(rule["copyActions"], [
      { destinationVaultArn: DR_VAULT, lifecycle: { deleteAfter: 35 } },
    ]);
  });

  it("locks the vault when asked (governance mode without changeableForDays)", () => {
    const lock = byName(rec, "db-backup-vault-lock");
    assert.equal(lock.inputs["minRetentionDays"], 7);
    assert.equal(lock.inputs["maxRetentionDays"], 365);
    assert.equal(lock.inputs["changeableForDays"], undefined);
  });

  it("creates no notifications or alarms without an alert target", () => {
    assert.equal(ofType(rec, "aws:backup/vaultNotifications:VaultNotifications").length, 0);
    assert.equal(ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
  });

  it("rejects too many snapshots before creating anything", async () => {
    let thrown: Error | undefined;
    const empty = await offline.record(() => {
      try {
        new DatabaseBackup("bad", {
          naming,
          iam: {},
          resourceArns: [DB_ARN],
          kmsKeyArn: BACKUP_KEY_ARN,
          intervalHours: 4,
          retentionDays: 30,
        });
      } catch (err) {
        thrown = err as Error;
      }
    });
    assert.match(String(thrown?.message), /every 4 h = 6 per day × 30 days = 180 > 100/);
    assert.equal(empty.resources.filter((r) => r.name.startsWith("bad")).length, 0);
  });
});
