import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { Recording } from "@tdp/offline";
import { offline, readStackFile } from "@tdp/offline";
import { parse, stringify } from "yaml";

import { loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

const PROD_FILE = path.join(__dirname, "..", "..", "Pulumi.prod.yaml");

/** The stack file's config as the CLI hands it to the program. */
function prodConfig(): Record<string, string> {
  return readStackFile(PROD_FILE).config;
}

/** Prod's config with `tdp:data.database` replaced by `database`. */
function withDatabase(database: unknown): Record<string, string> {
  const config = prodConfig();
  const data = JSON.parse(config["tdp:data"]!) as Record<string, unknown>;
  data["database"] = database;
  return { ...config, "tdp:data": JSON.stringify(data) };
}

function problemsOf(database: unknown): string[] {
  return configProblems(() => loadStackConfig(withDatabase(database)));
}

/** A copy of Pulumi.prod.yaml with `tdp:data.database` edited, written to a temporary file. */
function prodFileWithDatabase(edit: (db: Record<string, unknown>) => void): string {
  const document = parse(fs.readFileSync(PROD_FILE, "utf8")) as {
    config: Record<string, Record<string, unknown>>;
  };
  edit(document.config["tdp:data"]!["database"] as Record<string, unknown>);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-database-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(document));
  return file;
}

describe("the database in the prod stack", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  const output = (r: Recording, ...keys: string[]): unknown =>
    keys.reduce<unknown>((v, k) => (v as Record<string, unknown>)[k], r.outputs);

  it("creates the database and its backup once, with the stack's tagged provider", () => {
    const provider = rec.one("pulumi:providers:aws");
    rec.one("tdp:data:PostgresDatabase");
    rec.one("tdp:data:DatabaseBackup");
    assert.equal(rec.one("aws:rds/instance:Instance", "database-instance").provider, provider.urn);
    assert.equal(rec.one("aws:backup/vault:Vault", "database-backup-vault").provider, provider.urn);
  });

  it("puts the database in the network's private subnets and VPC", () => {
    const group = rec.one("aws:rds/subnetGroup:SubnetGroup", "database-subnets");
    assert.deepEqual(group.inputs["subnetIds"], output(rec, "network", "privateSubnetIds"));
    const sg = rec.one("aws:ec2/securityGroup:SecurityGroup", "database-sg");
    assert.equal(sg.inputs["vpcId"], output(rec, "network", "vpcId"));
    assert.match(String(output(rec, "database", "securityGroupId")), /^sg-/);
  });

  it("encrypts with the data layer's keys: database, secrets, logs, and the vault's own key", () => {
    const keys = output(rec, "data", "keyArns") as Record<string, string>;
    const i = rec.one("aws:rds/instance:Instance", "database-instance").inputs;
    assert.equal(i["kmsKeyId"], keys["database"]);
    assert.equal(i["performanceInsightsKmsKeyId"], keys["database"]);
    assert.equal(i["masterUserSecretKmsKeyId"], keys["secrets"]);
    assert.equal(
      rec.one("aws:cloudwatch/logGroup:LogGroup", "database-log-postgresql").inputs["kmsKeyId"],
      keys["logs"],
    );
    assert.equal(
      rec.one("aws:backup/vault:Vault", "database-backup-vault").inputs["kmsKeyArn"],
      keys["backup-vault"],
    );
    // Issue 4, "a vault with its own key": not the backup bucket's key.
    assert.notEqual(keys["backup-vault"], keys["backup"]);
  });

  it("takes the prod settings: current class, PostgreSQL 17, the seed's schedule and retention", () => {
    const i = rec.one("aws:rds/instance:Instance", "database-instance").inputs;
    assert.equal(i["instanceClass"], "db.m7g.large");
    assert.equal(i["engineVersion"], "17");
    assert.equal(i["multiAz"], true);
    assert.equal(i["snapshotIdentifier"], undefined);
    const rule = (rec.one("aws:backup/plan:Plan").inputs["rules"] as Record<string, unknown>[])[0]!;
    assert.equal(rule["schedule"], "cron(0 1 * * ? *)");
    assert.deepEqual(rule["lifecycle"], { deleteAfter: 30 });
  });

  it("backs up the instance and alerts the data layer's topic", () => {
    const selection = rec.one("aws:backup/selection:Selection");
    assert.deepEqual(selection.inputs["resources"], [output(rec, "database", "arn")]);
    const topic = output(rec, "data", "alertTopicArn");
    for (const name of [
      "database-alarm-db-cpu",
      "database-alarm-db-free-storage",
      "database-alarm-db-connections",
      "database-backup-alarm-backup-jobs-failed",
    ]) {
      assert.deepEqual(rec.one("aws:cloudwatch/metricAlarm:MetricAlarm", name).inputs["alarmActions"], [
        topic,
      ]);
    }
    assert.equal(rec.one("aws:backup/vaultNotifications:VaultNotifications").inputs["snsTopicArn"], topic);
    assert.equal(
      rec.one("aws:cloudwatch/eventTarget:EventTarget", "database-backup-job-failed-alert").inputs["arn"],
      topic,
    );
  });

  it("exports what the service layer and operators need", () => {
    const db = output(rec, "database") as Record<string, unknown>;
    assert.equal(db["identifier"], "acme-tdp-production-postgres");
    assert.equal(db["port"], 5432);
    assert.match(String(db["masterUserSecretArn"]), /^arn:aws:secretsmanager:/);
    assert.equal(db["backupSchedule"], "cron(0 1 * * ? *)");
    assert.equal(db["backupRetentionDays"], 30);
    assert.equal(db["backupVaultName"], "acme-tdp-production-database");
  });

  it("restores from RDSSnapShot when the stack file names one", async () => {
    const file = prodFileWithDatabase((db) => {
      db["snapshotIdentifier"] = "arn:aws:rds:us-east-1:111111111111:snapshot:tdp-recovery";
    });
    const restored = await offline.runStack({ stack: "prod", configFile: file });
    const i = restored.one("aws:rds/instance:Instance", "database-instance").inputs;
    assert.equal(i["snapshotIdentifier"], "arn:aws:rds:us-east-1:111111111111:snapshot:tdp-recovery");
    assert.equal(i["dbName"], undefined);
    assert.equal(i["username"], undefined);
  });

  it("backs up every N hours with backupIntervalHours", async () => {
    const file = prodFileWithDatabase((db) => {
      delete db["backupSchedule"];
      db["backupIntervalHours"] = 8;
    });
    const every8 = await offline.runStack({ stack: "prod", configFile: file });
    const rule = (every8.one("aws:backup/plan:Plan").inputs["rules"] as Record<string, unknown>[])[0]!;
    assert.equal(rule["schedule"], "cron(0 1,9,17 * * ? *)");
  });
});

describe("the database in the dr stack", () => {
  after(() => offline.reset());

  it("is not created: the DR stack receives copies, it runs no database of its own", async () => {
    const dr = await offline.runStackShared("dr");
    assert.equal(dr.ofType("tdp:data:PostgresDatabase").length, 0);
    assert.equal(dr.ofType("aws:rds/instance:Instance").length, 0);
    assert.equal(dr.ofType("tdp:data:DatabaseBackup").length, 0);
  });
});

describe("tdp:data.database config", () => {
  it("reads the prod block and applies defaults to the rest", () => {
    const db = loadStackConfig(prodConfig()).sections.data.database;
    assert.equal(db.instanceClass, "db.m7g.large");
    assert.equal(db.backupSchedule, "cron(0 1 * * ? *)");
    assert.equal(db.backupRetentionDays, 30);
    assert.equal(db.pointInTimeRecoveryDays, 7);
    assert.deepEqual(db.clientSecurityGroupIds, []);
    assert.deepEqual(db.alarms, { cpuPercent: 80 });
  });

  it("defaults everything when the block is absent, and treats an empty RDSSnapShot as unset", () => {
    const db = loadStackConfig(withDatabase({ snapshotIdentifier: "" })).sections.data.database;
    assert.equal(db.snapshotIdentifier, undefined);
    assert.equal(db.instanceClass, "db.m7g.large");
    assert.equal(db.engineVersion, "17");
  });

  const bad: [string, Record<string, unknown>, string][] = [
    [
      "the seed's retired db.t2.medium",
      { instanceClass: "db.t2.medium" },
      'tdp:data.database.instanceClass: "db.t2.medium" — instanceClass "db.t2.medium" is a retired RDS instance class (the previous-generation db.t2 family is no longer offered for new PostgreSQL instances); use a current class such as db.t4g.medium or the default db.m7g.large',
    ],
    [
      "the seed's cron text",
      { backupSchedule: "0 1 * ?" },
      'tdp:data.database.backupSchedule: "0 1 * ?" — backupSchedule "0 1 * ?" is not a valid AWS Backup schedule: it has 4 fields and no cron(...) around them. AWS cron has six fields: minutes (0-59) hours (0-23) day-of-month (1-31, ?, L, W) month (1-12 or JAN-DEC) day-of-week (1-7 or SUN-SAT, ?, L, #) year (1970-2199 or *), written cron(0 1 * * ? *) for 1 AM UTC every day; one of day-of-month and day-of-week must be ?',
    ],
    [
      "more than 100 snapshots",
      { backupIntervalHours: 6, backupRetentionDays: 30 },
      "tdp:data.database.backupIntervalHours: 6 — backupIntervalHours 6 with backupRetentionDays 30 keeps too many snapshots: every 6 h = 4 per day × 30 days = 120 > 100, the seed's limit per database; back up less often or keep snapshots fewer days",
    ],
    [
      "an interval that does not divide a day",
      { backupIntervalHours: 7 },
      "tdp:data.database.backupIntervalHours: 7 — backupIntervalHours 7 must divide 24 (one of 1, 2, 3, 4, 6, 8, 12, 24), so backups fall at the same hours every day",
    ],
    [
      "both a schedule and an interval",
      { backupSchedule: "cron(0 1 * * ? *)", backupIntervalHours: 24 },
      'tdp:data.database.backupSchedule: "cron(0 1 * * ? *)" — give one of backupSchedule ("cron(0 1 * * ? *)") and backupIntervalHours (24), not both: the interval is a schedule every N hours from 1 AM UTC',
    ],
    [
      "a retention of zero days",
      { backupRetentionDays: 0 },
      "tdp:data.database.backupRetentionDays: 0 — backupRetentionDays 0 must be a whole number from 1 to 3650 (days AWS Backup keeps each snapshot)",
    ],
    [
      "storage below 20 GiB",
      { allocatedStorage: 5 },
      "tdp:data.database.allocatedStorage: 5 — allocatedStorage 5 must be a whole number from 20 to 65536 (GiB of gp3 storage RDS PostgreSQL accepts)",
    ],
    [
      "a storage ceiling below the storage",
      { allocatedStorage: 500, maxAllocatedStorage: 400 },
      "tdp:data.database.maxAllocatedStorage: 400 — maxAllocatedStorage 400 must be at least 10% above allocatedStorage 500, i.e. at least 550 GiB (RDS storage autoscaling needs that headroom)",
    ],
    [
      "an unsupported PostgreSQL",
      { engineVersion: "12" },
      'tdp:data.database.engineVersion: "12" — engineVersion "12": PostgreSQL 12 is past the end of RDS standard support (RDS Extended Support is charged per vCPU-hour); use one of 14, 15, 16, 17, 18 (default 17)',
    ],
    [
      "a bad snapshot identifier",
      { snapshotIdentifier: "not a snapshot" },
      'tdp:data.database.snapshotIdentifier: "not a snapshot" — snapshotIdentifier "not a snapshot" is not a DB snapshot: give its identifier (a letter, then letters, digits and single hyphens), an AWS Backup recovery point (awsbackup:job-…) or arn:aws:rds:<region>:<account>:snapshot:<id>',
    ],
    [
      "the default administrator name",
      { masterUsername: "postgres" },
      'tdp:data.database.masterUsername: "postgres" — masterUsername "postgres" is a default or reserved administrator name (FSBP RDS.25 asks for another); use e.g. "tdpadmin"',
    ],
    [
      "enhanced monitoring off",
      { monitoringIntervalSeconds: 0 },
      "tdp:data.database.monitoringIntervalSeconds: 0 — monitoringIntervalSeconds 0 must be one of 1, 5, 10, 15, 30, 60 (enhanced monitoring stays on: FSBP RDS.6)",
    ],
    [
      "a vault lock above the retention",
      { vaultLock: { minRetentionDays: 90 } },
      "tdp:data.database.vaultLock.minRetentionDays: 90 — vaultLock.minRetentionDays 90 is above backupRetentionDays 30: the vault would refuse the plan's recovery points",
    ],
    [
      "a client that is not a security group",
      { clientSecurityGroupIds: ["web"] },
      'tdp:data.database.clientSecurityGroupIds[0]: "web" — must be a security group id (sg-...)',
    ],
    [
      "a free-storage alarm above the storage ceiling",
      { alarms: { freeStorageGiB: 5000 } },
      "tdp:data.database.alarms.freeStorageGiB: 5000 — alarms.freeStorageGiB 5000 must be a whole number from 1 to 1000 (GiB of free storage, at most maxAllocatedStorage)",
    ],
    [
      "an unknown key",
      { instanceType: "db.m7g.large" },
      'tdp:data.database.instanceType: "db.m7g.large" — unknown setting (misspelt?); see docs/parameters.md for the settings this section takes',
    ],
  ];
  for (const [what, database, expected] of bad) {
    it(`rejects ${what}`, () => {
      assert.deepEqual(problemsOf(database), [expected]);
    });
  }

  it("reports every bad key at once", () => {
    const problems = problemsOf({
      instanceClass: "db.m4.large",
      backupSchedule: "cron(0 1 * * *)",
      port: 22,
    });
    assert.deepEqual(
      problems.map((p) => p.split(":").slice(0, 2).join(":")),
      ["tdp:data.database.instanceClass", "tdp:data.database.port", "tdp:data.database.backupSchedule"],
    );
  });

  it("stops the stack before any resource is registered", async () => {
    const file = prodFileWithDatabase((db) => {
      db["instanceClass"] = "db.t2.medium";
    });
    await assert.rejects(offline.runStack({ stack: "prod", configFile: file }), (err: Error) => {
      assert.match(
        err.message,
        /tdp:data\.database\.instanceClass: "db\.t2\.medium" — instanceClass "db\.t2\.medium" is a retired/,
      );
      return true;
    });
  });
});
