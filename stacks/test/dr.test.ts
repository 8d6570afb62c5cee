import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import type { Recording } from "@tdp/offline";
import { PROJECT, REPO_ROOT, offline, planMarkdown, readStackFile, toPlan } from "@tdp/offline";
import { parse, stringify } from "yaml";

import { DEFAULT_STAGING_RETENTION_DAYS } from "@tdp/dr";

import { loadStackConfig } from "../src/config/load";
import { backupModePair } from "./fixtures/backup-mode";
import { configProblems, runConfigProblems } from "./fixtures/config-problems";

type Config = Record<string, Record<string, unknown> | string>;

/** Pulumi.<stack>.yaml with some settings changed, written to a temporary stack file. */
function stackWith(stack: "prod" | "dr", change: (config: Config) => void): string {
  const document = parse(readFileSync(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Config;
  };
  change(document.config);
  const file = path.join(mkdtempSync(path.join(tmpdir(), "tdp-dr-")), `Pulumi.${stack}.yaml`);
  writeFileSync(file, stringify(document));
  return file;
}

/** A plans directory whose dr.json has its outputs changed: what prod's stack reference reads. */
function drPlanWith(change: (outputs: Record<string, unknown>) => void): string {
  const plan = JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", "dr.json"), "utf8")) as {
    outputs: Record<string, unknown>;
  };
  change(plan.outputs);
  const dir = mkdtempSync(path.join(tmpdir(), "tdp-dr-plans-"));
  writeFileSync(path.join(dir, "dr.json"), JSON.stringify(plan));
  return dir;
}

/** The stack file's config as the CLI hands it over, with `tdp:dr` (and more) changed. */
function configOf(
  stack: "prod" | "dr",
  change: (config: Record<string, Record<string, unknown>>) => void,
): Record<string, string> {
  const raw = readStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)).config;
  const parsed = Object.fromEntries(
    Object.entries(raw).map(([k, v]) => [
      k,
      k.startsWith("tdp:") ? (JSON.parse(v) as Record<string, unknown>) : v,
    ]),
  ) as Record<string, Record<string, unknown>>;
  change(parsed);
  return Object.fromEntries(
    Object.entries(parsed).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );
}

interface Statement {
  Sid?: string;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}
const statements = (policy: unknown) => (JSON.parse(String(policy)) as { Statement: Statement[] }).Statement;

describe("DR: the dr stack", () => {
  let dr: Recording;
  before(async () => {
    dr = await offline.runStackShared("dr");
  });
  after(() => offline.reset());

  it("deploys the DR targets with the stack's tagged provider", () => {
    const provider = dr.one("pulumi:providers:aws");
    const targets = dr.one("tdp:dr:DrTargets");
    assert.equal(targets.providers?.["aws"], provider.urn);
    assert.equal(dr.one("aws:kms/key:Key", "dr-targets-datalake-key").provider, provider.urn);
  });

  it("exports the targets the primary wires to, pinning the primary's replication role", () => {
    const targets = dr.outputs["targets"] as Record<string, unknown>;
    assert.equal(targets["primaryAccountId"], "111111111111");
    assert.equal(targets["primaryRegion"], "us-east-1");
    assert.equal(
      targets["replicationRoleArn"],
      "arn:aws:iam::111111111111:role/acme-tdp-production-dr-replication",
    );
    const buckets = targets["buckets"] as Record<string, { name: string }>;
    assert.deepEqual(Object.keys(buckets).sort(), ["artifacts", "backup", "datalake", "stream"]);
    assert.equal(buckets["datalake"]!.name, "acme-tdp-dr-datalake");
  });

  it("has its own alert topic under the DR messaging key, mailing tdp:dr.alerts.notificationEmail", () => {
    const topic = dr.one("aws:sns/topic:Topic", "dr-alerts-topic");
    assert.equal(topic.inputs["name"], "acme-tdp-dr-alerts");
    const messaging = dr.one("aws:kms/key:Key", "dr-targets-messaging-key");
    assert.ok(topic.dependencies.includes(messaging.urn));
    assert.equal(
      dr.one("aws:sns/topicSubscription:TopicSubscription", "dr-alerts-email").inputs["endpoint"],
      "platform-alerts@acme.example.com",
    );
    const targets = dr.outputs["targets"] as Record<string, unknown>;
    assert.match(String(targets["alertTopicArn"]), /^arn:aws:sns:us-west-2:222222222222:acme-tdp-dr-alerts$/);
  });

  it("runs the copy function with its environment under the DR secrets key and a dead-letter queue under the messaging key, alarming to the DR topic", () => {
    const fn = dr.one("aws:lambda/function:Function", "dr-snapshot-copy-function");
    const secrets = dr.one("aws:kms/key:Key", "dr-targets-secrets-key");
    const messaging = dr.one("aws:kms/key:Key", "dr-targets-messaging-key");
    assert.ok(fn.dependencies.includes(secrets.urn));
    assert.match(String(fn.inputs["kmsKeyArn"]), /^arn:aws:kms:us-west-2:/);
    const queue = dr.one("aws:sqs/queue:Queue", "dr-snapshot-copy-dlq");
    assert.ok(queue.dependencies.includes(messaging.urn));
    const topicArn = (dr.outputs["targets"] as Record<string, unknown>)["alertTopicArn"];
    for (const alarm of ["copy-snapshots-errors", "copy-snapshots-dlq", "database-copy-age"]) {
      assert.deepEqual(
        dr.one("aws:cloudwatch/metricAlarm:MetricAlarm", `dr-snapshot-copy-alarm-${alarm}`).inputs[
          "alarmActions"
        ],
        [topicArn],
      );
    }
    const via = (key: string) =>
      statements(dr.one("aws:kms/key:Key", key).inputs["policy"]).find(
        (st) => st.Sid === "AccountPrincipalsUseTheKeyThroughServices",
      )!.Condition!["StringEquals"]!["kms:ViaService"];
    assert.deepEqual(via("dr-targets-secrets-key"), ["lambda.us-west-2.amazonaws.com"]);
    // No new copy for the seed's daily gap + 2 h alarms; the primary checks its schedule against it.
    const age = dr.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-snapshot-copy-alarm-database-copy-age");
    assert.equal(age.inputs["threshold"], 26);
    assert.equal(age.inputs["treatMissingData"], "breaching");
    assert.equal((dr.outputs["targets"] as Record<string, unknown>)["copyAgeAlarmHours"], 26);
    assert.deepEqual(via("dr-targets-messaging-key"), [
      "sns.us-west-2.amazonaws.com",
      "sqs.us-west-2.amazonaws.com",
    ]);
  });

  it("keeps replica buckets, keys and the vault protected", () => {
    for (const type of ["aws:s3/bucket:Bucket", "aws:kms/key:Key", "aws:backup/vault:Vault"]) {
      for (const resource of dr.ofType(type)) {
        assert.equal(resource.protect, true, resource.name);
      }
    }
  });
});

describe("DR: the prod stack wired to the dr stack", () => {
  let prod: Recording;
  before(async () => {
    prod = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  it("creates the replication role the dr stack pins, with the boundary", () => {
    const role = prod.one("aws:iam/role:Role", "dr-replication-role-role");
    const drPlan = JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", "dr.json"), "utf8")) as {
      outputs: { targets: { replicationRoleArn: string } };
    };
    assert.equal(
      `arn:aws:iam::111111111111:role/${String(role.inputs["name"])}`,
      drPlan.outputs.targets.replicationRoleArn,
    );
    assert.equal(role.inputs["permissionsBoundary"], "arn:aws:iam::111111111111:policy/tdp-boundary");
  });

  it("replicates each data layer bucket to the dr stack's replica and key", () => {
    const drPlan = JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", "dr.json"), "utf8")) as {
      outputs: { targets: { buckets: Record<string, { arn: string; kmsKeyArn: string }> } };
    };
    for (const purpose of ["datalake", "stream", "backup", "artifacts"]) {
      const config = prod.one(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        `dr-replication-${purpose}`,
      );
      assert.equal(config.inputs["bucket"], `acme-tdp-production-${purpose}`);
      const [rule] = config.inputs["rules"] as { destination: Record<string, unknown> }[];
      const target = drPlan.outputs.targets.buckets[purpose]!;
      assert.equal(rule!.destination["bucket"], target.arn);
      assert.deepEqual(rule!.destination["encryptionConfiguration"], { replicaKmsKeyId: target.kmsKeyArn });
      assert.equal(rule!.destination["account"], "222222222222");
    }
    assert.equal(prod.ofType("aws:s3/bucketReplicationConfig:BucketReplicationConfig").length, 4);
  });

  it("sends replication alarms to the alert topic", () => {
    const alarm = prod.one(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "dr-replication-alarm-replication-backup-failed",
    );
    const topic = (prod.outputs["data"] as Record<string, unknown>)["alertTopicArn"];
    assert.deepEqual(alarm.inputs["alarmActions"], [topic]);
  });

  it("lets the DR account copy what the database key encrypts, through RDS of the two Regions only, and no other key", () => {
    const policy = statements(prod.one("aws:kms/key:Key", "data-keys-database-key").inputs["policy"]);
    const copy = policy.find((s) => s.Sid === "CopyAccountsDecrypt");
    assert.deepEqual(copy?.Principal, { AWS: ["arn:aws:iam::222222222222:root"] });
    const via = { "kms:ViaService": ["rds.us-east-1.amazonaws.com", "rds.us-west-2.amazonaws.com"] };
    assert.deepEqual(copy?.Condition, { StringEquals: via });
    assert.deepEqual(policy.find((s) => s.Sid === "CopyAccountsGrantToTheirCopies")?.Condition, {
      StringEquals: via,
      Bool: { "kms:GrantIsForAWSResource": true },
    });
    const datalake = statements(prod.one("aws:kms/key:Key", "data-keys-datalake-key").inputs["policy"]);
    assert.ok(!datalake.some((s) => s.Sid === "CopyAccountsDecrypt"));
  });

  it("encrypts the share function's environment with the secrets key and keeps its failed events under the messaging key", () => {
    const keys = (prod.outputs["data"] as { keyArns: Record<string, string> }).keyArns;
    const fn = prod.one("aws:lambda/function:Function", "dr-snapshot-share-function");
    assert.equal(fn.inputs["kmsKeyArn"], keys["secrets"]);
    assert.equal(
      prod.one("aws:sqs/queue:Queue", "dr-snapshot-share-dlq").inputs["kmsMasterKeyId"],
      keys["messaging"],
    );
    const topic = (prod.outputs["data"] as Record<string, unknown>)["alertTopicArn"];
    assert.deepEqual(
      prod.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-snapshot-share-alarm-share-snapshots-dlq")
        .inputs["alarmActions"],
      [topic],
    );
  });

  it("adds no AWS Backup copy action in snapshots mode", () => {
    const [rule] = prod.one("aws:backup/plan:Plan").inputs["rules"] as { copyActions?: unknown[] }[];
    assert.deepEqual(rule!.copyActions ?? [], []);
  });

  it("prints the recovery objectives derived from the config in the plan's DR section", () => {
    const dr = prod.outputs["dr"] as { recoveryObjectives: { store: string; recoveryPoint: string }[] };
    assert.deepEqual(
      dr.recoveryObjectives.map((r) => r.recoveryPoint),
      [
        "≤ 15 min for 99.99 % of objects (S3 Replication Time Control)",
        "≤ 24 h between backups + ≤ 1 h to share + ≤ 1 h to copy, plus the copy's transfer",
        "≤ 6 h between snapshots + the backup bucket's replication",
      ],
    );
    const markdown = planMarkdown(toPlan(PROJECT, "prod", prod));
    assert.match(markdown, /## Disaster recovery\n/);
    assert.match(markdown, /\| Database \(snapshots mode\) \| ≤ 24 h between backups/);
  });

  it("exports the DR wiring", () => {
    const dr = prod.outputs["dr"] as Record<string, unknown>;
    assert.equal(dr["region"], "us-west-2");
    assert.equal(dr["accountId"], "222222222222");
    assert.equal(dr["databaseCopyMode"], "snapshots");
    assert.match(String(dr["replicationRoleArn"]), /:role\/acme-tdp-production-dr-replication$/);
  });
});

describe("DR: backup mode (the fixture pair)", () => {
  let dr: Recording;
  let prod: Recording;
  let stagingArn: string;
  before(async () => {
    const files = backupModePair();
    dr = await offline.runStack({ stack: "dr", configFile: files.dr });
    // What prod's stack reference reads: the backup-mode dr stack's plan.
    const plans = mkdtempSync(path.join(tmpdir(), "tdp-backup-plans-"));
    writeFileSync(path.join(plans, "dr.json"), JSON.stringify(toPlan(PROJECT, "dr", dr)));
    offline.setPlansDir(plans);
    prod = await offline.runStack({ stack: "prod", configFile: files.prod });
    stagingArn = (dr.outputs["targets"] as { stagingVault: { arn: string } }).stagingVault.arn;
  });
  after(() => offline.reset());

  it("creates the relay in the DR account with a second explicit provider for the primary region", () => {
    const providers = dr.ofType("pulumi:providers:aws");
    const primary = providers.find((p) => p.inputs["region"] === "us-east-1");
    assert.ok(primary, "a provider for us-east-1");
    assert.deepEqual(
      primary.inputs["allowedAccountIds"],
      dr.one("pulumi:providers:aws", "aws").inputs["allowedAccountIds"],
    );
    assert.equal(dr.one("tdp:dr:BackupCopyRelay").providers?.["aws"], primary.urn);
    const relay = dr.resources.filter((r) => r.custom && r.urn.includes("tdp:dr:BackupCopyRelay"));
    assert.ok(relay.length > 10);
    for (const resource of relay) {
      assert.equal(resource.provider, primary.urn, `${resource.type} ${resource.name}`);
    }
    // The DR targets stay in the DR region.
    assert.notEqual(dr.one("aws:backup/vault:Vault", "dr-targets-vault").provider, primary.urn);
    assert.equal(dr.ofType("tdp:dr:SnapshotCopy").length, 0);
  });

  it("exports the staging vault under targets, and admits the primary account to it only", () => {
    const vault = dr.one("aws:backup/vault:Vault", "dr-backup-relay-vault");
    assert.equal(vault.inputs["name"], "acme-tdp-dr-database-staging");
    assert.equal(vault.protect, true);
    assert.match(
      stagingArn,
      /^arn:aws:backup:us-east-1:222222222222:backup-vault:acme-tdp-dr-database-staging$/,
    );
    const staging = statements(
      dr.one("aws:backup/vaultPolicy:VaultPolicy", "dr-backup-relay-vault-policy").inputs["policy"],
    );
    assert.deepEqual(
      staging.filter((s) => s.Sid === "PrimaryAccountCopiesIn").map((s) => s.Principal),
      [{ AWS: "arn:aws:iam::111111111111:root" }],
    );
    // The DR vault admits no other account: the relay's copies come from this account.
    const drVault = statements(
      dr.one("aws:backup/vaultPolicy:VaultPolicy", "dr-targets-vault-policy").inputs["policy"],
    );
    assert.deepEqual(
      drVault.map((s) => s.Sid),
      ["RecoveryPointsAreNotDeletedOrShortened"],
    );
  });

  it("relays into the DR vault with the copy role, keeping copies retentionDays", () => {
    const fn = dr.one("aws:lambda/function:Function", "dr-backup-relay-function");
    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    const targets = dr.outputs["targets"] as { vault: { arn: string } };
    assert.equal(variables["DESTINATION_VAULT_ARN"], targets.vault.arn);
    assert.equal(variables["RETENTION_DAYS"], "7");
    const role = dr.one("aws:iam/role:Role", "dr-backup-relay-copy-role-role");
    assert.equal(variables["COPY_ROLE_ARN"], `arn:aws:iam::222222222222:role/${String(role.inputs["name"])}`);
  });

  it("hardens the relay like the DR functions: its environment under a key, a dead-letter queue, in the primary region", () => {
    const fn = dr.one("aws:lambda/function:Function", "dr-backup-relay-function");
    assert.match(String(fn.inputs["kmsKeyArn"]), /^arn:aws:kms:us-east-1:222222222222:key\//);
    assert.ok(fn.dependencies.includes(dr.one("aws:kms/key:Key", "dr-backup-relay-relay-secrets-key").urn));
    assert.deepEqual(fn.inputs["deadLetterConfig"], {
      targetArn: "arn:aws:sqs:us-east-1:222222222222:acme-tdp-dr-relay-copies-dlq",
    });
  });

  it("sends the relay's alarms to an alert topic of the primary region, for the dr stack's address", () => {
    const primary = dr.ofType("pulumi:providers:aws").find((p) => p.inputs["region"] === "us-east-1")!;
    const topic = dr.one("aws:sns/topic:Topic", "dr-backup-relay-alerts-topic");
    assert.equal(topic.provider, primary.urn);
    assert.equal(topic.inputs["name"], "acme-tdp-dr-alerts-us-east-1");
    // The DR region's topic keeps its name and region.
    const drTopic = dr.one("aws:sns/topic:Topic", "dr-alerts-topic");
    assert.equal(drTopic.inputs["name"], "acme-tdp-dr-alerts");
    assert.notEqual(drTopic.provider, primary.urn);
    const arn = "arn:aws:sns:us-east-1:222222222222:acme-tdp-dr-alerts-us-east-1";
    const targets = dr.outputs["targets"] as { relayAlertTopicArn: string; copyAgeAlarmHours: number };
    assert.equal(targets.relayAlertTopicArn, arn);
    assert.equal(targets.copyAgeAlarmHours, 26);
    const email = dr.one("aws:sns/topicSubscription:TopicSubscription", "dr-backup-relay-alerts-email");
    assert.equal(
      email.inputs["endpoint"],
      dr.one("aws:sns/topicSubscription:TopicSubscription", "dr-alerts-email").inputs["endpoint"],
    );
    const alarms = dr
      .ofType("aws:cloudwatch/metricAlarm:MetricAlarm")
      .filter((a) => a.name.startsWith("dr-backup-relay-"));
    assert.deepEqual(alarms.map((a) => a.name).sort(), [
      "dr-backup-relay-alarm-database-copy-age",
      "dr-backup-relay-alarm-relay-copies-dlq",
      "dr-backup-relay-alarm-relay-copies-errors",
    ]);
    for (const alarm of alarms) {
      assert.equal(alarm.provider, primary.urn, alarm.name);
      assert.deepEqual(alarm.inputs["alarmActions"], [arn], alarm.name);
    }
    const age = dr.one("aws:cloudwatch/metricAlarm:MetricAlarm", "dr-backup-relay-alarm-database-copy-age");
    assert.equal(age.inputs["threshold"], 26);
    assert.equal(age.inputs["treatMissingData"], "breaching");
    assert.deepEqual(age.inputs["dimensions"], { FunctionName: "acme-tdp-dr-relay-copies" });
  });

  it("gives prod's backup plan a copy action into the staging vault, kept a few days", () => {
    const [rule] = prod.one("aws:backup/plan:Plan").inputs["rules"] as {
      copyActions: { destinationVaultArn: string; lifecycle: { deleteAfter: number } }[];
    }[];
    assert.deepEqual(rule!.copyActions, [
      { destinationVaultArn: stagingArn, lifecycle: { deleteAfter: DEFAULT_STAGING_RETENTION_DAYS } },
    ]);
    // The database key admits the DR account (an RDS recovery point is copied across accounts under it).
    const copy = statements(prod.one("aws:kms/key:Key", "data-keys-database-key").inputs["policy"]).find(
      (s) => s.Sid === "CopyAccountsDecrypt",
    );
    assert.deepEqual(copy?.Principal, { AWS: ["arn:aws:iam::222222222222:root"] });
    assert.equal(prod.ofType("tdp:dr:SnapshotShare").length, 0);
  });

  it("prints backup mode's recovery objectives: both hops", () => {
    const out = prod.outputs["dr"] as {
      databaseCopyMode: string;
      recoveryObjectives: { recoveryPoint: string }[];
    };
    assert.equal(out.databaseCopyMode, "backup");
    assert.equal(
      out.recoveryObjectives[1]!.recoveryPoint,
      "≤ 24 h between backups + the copy into the staging vault + ≤ 1 h to relay + the copy into the DR vault",
    );
  });

  it("refuses backups further apart than the relay's copy-age alarm allows", async () => {
    const plans = mkdtempSync(path.join(tmpdir(), "tdp-backup-plans-"));
    writeFileSync(path.join(plans, "dr.json"), JSON.stringify(toPlan(PROJECT, "dr", dr)));
    offline.setPlansDir(plans);
    const file = backupModePair().prod;
    const document = parse(readFileSync(file, "utf8")) as { config: Config };
    const database = (document.config["tdp:data"] as { database: Record<string, unknown> }).database;
    delete database["backupIntervalHours"];
    database["backupSchedule"] = "cron(0 1 ? * SUN *)";
    writeFileSync(file, stringify(document));
    const problems = await runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
    assert.deepEqual(problems, [
      'tdp:data.database: "cron(0 1 ? * SUN *)" — leaves up to 168 hours between backups, but the dr stack alarms after 26 hours without a new copy (its tdp:dr.alerts.copyAgeAlarmHours): it would alarm between every two backups; set that to at least 170 and run pulumi up there',
    ]);
  });

  it("refuses a backup-mode dr stack that exports no staging vault (deployed before this version)", async () => {
    const plans = mkdtempSync(path.join(tmpdir(), "tdp-backup-plans-"));
    const plan = toPlan(PROJECT, "dr", dr);
    delete (plan.outputs["targets"] as Record<string, unknown>)["stagingVault"];
    writeFileSync(path.join(plans, "dr.json"), JSON.stringify(plan));
    offline.setPlansDir(plans);
    const problems = await runConfigProblems(
      offline.runStack({ stack: "prod", configFile: backupModePair().prod }),
    );
    assert.deepEqual(problems, [
      'tdp:platform.drStack: "dr" — the dr stack is in backup mode but exports no staging vault (targets.stagingVault): run pulumi up of the dr stack with this version first',
    ]);
  });
});

describe("DR: config errors", () => {
  afterEach(() => offline.reset());

  const drProblems = (change: (dr: Record<string, unknown>) => void) =>
    configProblems(() => loadStackConfig(configOf("dr", (c) => change(c["tdp:dr"]!))));
  const prodProblems = (change: (c: Record<string, Record<string, unknown>>) => void) =>
    configProblems(() => loadStackConfig(configOf("prod", change)));

  it("refuses a DR region equal to the primary region", () => {
    assert.deepEqual(
      drProblems((dr) => ((dr["primary"] as Record<string, unknown>)["region"] = "us-west-2")),
      [
        'tdp:dr.primary.region: "us-west-2" — is this stack\'s aws:region too; the DR region must differ from the primary region (seed: "should be different than the main region"): deploy the dr stack to another region',
      ],
    );
  });

  it("refuses the DR account as the primary account", () => {
    assert.match(
      drProblems((dr) => ((dr["primary"] as Record<string, unknown>)["accountId"] = "222222222222")).join(
        "\n",
      ),
      /^tdp:dr.primary.accountId: "222222222222" — is the DR account itself/,
    );
  });

  it("refuses a primary account id that is not 12 digits", () => {
    assert.match(
      drProblems((dr) => ((dr["primary"] as Record<string, unknown>)["accountId"] = "1111")).join("\n"),
      /^tdp:dr.primary.accountId: "1111" — must be a 12-digit AWS account id/,
    );
  });

  it("needs the primary in a dr stack with DR on", () => {
    assert.match(
      drProblems((dr) => delete dr["primary"]).join("\n"),
      /^tdp:dr.primary: \(missing\) — required in a dr stack/,
    );
  });

  it("needs the alert address in a dr stack with DR on, and an e-mail address", () => {
    assert.deepEqual(
      drProblems((dr) => delete dr["alerts"]),
      [
        "tdp:dr.alerts.notificationEmail: (missing) — required in a dr stack with DR enabled (seed NotificationEmail): the address the DR account's alarms are sent to (the copy function's errors and dead-lettered events); usually the primary's tdp:data.alerts.notificationEmail",
      ],
    );
    assert.deepEqual(
      drProblems((dr) => (dr["alerts"] = { notificationEmail: "a@example.com", copyAgeAlarmHours: 1 })),
      [
        "tdp:dr.alerts.copyAgeAlarmHours: 1 — copyAgeAlarmHours 1 must be a whole number of hours from 2 to 8760 (the primary's longest gap between backups + 2 h; the copy function runs hourly)",
      ],
    );
    assert.deepEqual(
      drProblems((dr) => (dr["alerts"] = { notificationEmail: "alerts" })),
      [
        'tdp:dr.alerts.notificationEmail: "alerts" — notificationEmail "alerts" is not an e-mail address (local@domain.tld, at most 254 characters)',
      ],
    );
  });

  it("refuses Object Lock days out of range", () => {
    for (const days of [0, 36501]) {
      assert.match(
        drProblems((dr) => (dr["objectLock"] = { mode: "GOVERNANCE", days })).join("\n"),
        new RegExp(`^tdp:dr.objectLock.days: ${days} — objectLock.days ${days}`),
      );
    }
  });

  it("needs the AWS Organization prerequisite stated for backup mode, in both stacks", () => {
    const backup = (copy: Record<string, unknown>, organization: boolean) => {
      copy["mode"] = "backup";
      copy["organizationCrossAccountBackup"] = organization;
    };
    const rule =
      'tdp:dr.databaseCopy.mode: "backup" — an AWS Backup copy into another account needs both accounts in one AWS Organization with cross-account backup turned on; do that and set tdp:dr.databaseCopy.organizationCrossAccountBackup: true, or use mode "snapshots"';
    assert.deepEqual(
      drProblems((dr) => backup(dr["databaseCopy"] as Record<string, unknown>, false)),
      [rule],
    );
    assert.deepEqual(
      prodProblems((c) => backup(c["tdp:dr"]!["databaseCopy"] as Record<string, unknown>, false)),
      [rule],
    );
    assert.doesNotThrow(() =>
      loadStackConfig(
        configOf("dr", (c) => backup(c["tdp:dr"]!["databaseCopy"] as Record<string, unknown>, true)),
      ),
    );
  });

  it("refuses a recovery backup bucket that is the stream or data lake bucket", () => {
    assert.match(
      prodProblems((c) => {
        c["tdp:data"]!["recovery"] = {
          streamBucket: "acme-tdp-dr-stream",
          datalakeBucket: "acme-tdp-dr-datalake",
          backupBucket: "acme-tdp-dr-stream",
        };
      }).join("\n"),
      /^tdp:data.recovery.backupBucket: "acme-tdp-dr-stream" — recovery.backupBucket "acme-tdp-dr-stream" is also the stream or data lake bucket/,
    );
  });

  it("needs tdp:platform.drStack in a primary stack with DR on", () => {
    assert.deepEqual(
      prodProblems((c) => delete c["tdp:platform"]!["drStack"]),
      [
        "tdp:platform.drStack: (missing) — required with tdp:dr.enabled: the dr stack whose targets this stack replicates into (deploy it first)",
      ],
    );
  });

  it("refuses the dr stack's settings in a primary stack", () => {
    assert.match(
      prodProblems((c) => (c["tdp:dr"]!["objectLock"] = { mode: "GOVERNANCE", days: 7 })).join("\n"),
      /^tdp:dr.objectLock: .* — belongs in the dr stack's file/,
    );
    assert.match(
      prodProblems((c) => (c["tdp:dr"]!["alerts"] = { notificationEmail: "a@example.com" })).join("\n"),
      /^tdp:dr.alerts: .* — belongs in the dr stack's file/,
    );
  });

  it("refuses copies that expire before the next backup", () => {
    assert.deepEqual(
      prodProblems((c) => {
        (c["tdp:data"]!["database"] as Record<string, unknown>)["backupSchedule"] = "cron(0 1 ? * SUN *)";
        (c["tdp:dr"]!["databaseCopy"] as Record<string, unknown>)["retentionDays"] = 3;
      }),
      [
        "tdp:dr.databaseCopy.retentionDays: 3 — copies kept 72 hours expire before the next backup (tdp:data.database's schedule leaves up to 168 hours between backups): the DR region would hold no copy; keep them at least 7 days",
      ],
    );
  });

  it("refuses a dr stack that has no targets", async () => {
    offline.setPlansDir(drPlanWith((outputs) => delete outputs["targets"]));
    const problems = await runConfigProblems(offline.runStack({ stack: "prod" }));
    assert.match(problems.join("\n"), /^tdp:platform.drStack: "dr" — this dr stack exports no DR targets/);
  });

  it("refuses database copy settings that differ from the dr stack's", async () => {
    const file = stackWith("prod", (config) => {
      (config["tdp:dr"] as { databaseCopy: Record<string, unknown> }).databaseCopy["retentionDays"] = 14;
    });
    const problems = await runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
    assert.match(
      problems.join("\n"),
      /^tdp:dr.databaseCopy: .* — the dr stack has mode snapshots, retentionDays 7; both stacks need the same/,
    );
  });

  it("refuses backups further apart than the dr stack's copy-age alarm allows", async () => {
    const file = stackWith("prod", (config) => {
      const database = (config["tdp:data"] as { database: Record<string, unknown> }).database;
      delete database["backupIntervalHours"];
      database["backupSchedule"] = "cron(0 1 ? * SUN *)";
    });
    const problems = await runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
    assert.deepEqual(problems, [
      'tdp:data.database: "cron(0 1 ? * SUN *)" — leaves up to 168 hours between backups, but the dr stack alarms after 26 hours without a new copy (its tdp:dr.alerts.copyAgeAlarmHours): it would alarm between every two backups; set that to at least 170 and run pulumi up there',
    ]);
  });

  it("refuses a primary whose replication role the dr stack does not admit", async () => {
    const file = stackWith("prod", (config) => {
      (config["tdp:platform"] as Record<string, unknown>)["environment"] = "staging";
    });
    const problems = await runConfigProblems(offline.runStack({ stack: "prod", configFile: file }));
    assert.match(
      problems.join("\n"),
      /^tdp:platform.environment: "staging" — the dr stack admits the replication role/,
    );
  });

  it("refuses a primary in a region other than the dr stack expects", async () => {
    offline.setPlansDir(
      drPlanWith(
        (outputs) => ((outputs["targets"] as Record<string, unknown>)["primaryRegion"] = "eu-west-1"),
      ),
    );
    const problems = await runConfigProblems(offline.runStack({ stack: "prod" }));
    assert.match(
      problems.join("\n"),
      /^aws:region: "us-east-1" — the dr stack expects the primary in eu-west-1/,
    );
  });
});
