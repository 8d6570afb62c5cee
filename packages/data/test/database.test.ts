import { strict as assert } from "node:assert";

import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { PostgresDatabaseArgs } from "../src";
import { Alerts, PostgresDatabase } from "../src";
import { ACCOUNT, byName, naming, ofType, policyOf } from "./helpers";

const DB_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-0000000000db";
const SECRETS_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-00000000005e";
const LOGS_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-00000000010c";
const SUBNETS = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"];
const CLIENT_SGS = ["sg-0bbbbbbbbbbbbbbb1", "sg-0bbbbbbbbbbbbbbb2"];

const args = (extra: Partial<PostgresDatabaseArgs> = {}): PostgresDatabaseArgs => ({
  naming,
  iam: { rolePrefix: "tdp-", permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/boundary" },
  accountId: ACCOUNT,
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: SUBNETS,
  kmsKeyArn: DB_KEY,
  secretsKmsKeyArn: SECRETS_KEY,
  logsKmsKeyArn: LOGS_KEY,
  ...extra,
});

describe("PostgresDatabase", () => {
  let rec: Recording;
  let db: PostgresDatabase;
  before(async () => {
    rec = await offline.record(() => {
      const alerts = new Alerts("alerts", {
        naming,
        accountId: ACCOUNT,
        notificationEmail: "ops@acme.example.com",
        kmsKeyArn: LOGS_KEY,
      });
      db = new PostgresDatabase(
        "database",
        args({ clientSecurityGroupIds: CLIENT_SGS, alarms: { target: alerts.alarmTarget } }),
      );
    });
  });
  const instance = () => byName(rec, "database-instance");

  it("is one tdp:data:PostgresDatabase component with its children under it", () => {
    const component = rec.one("tdp:data:PostgresDatabase");
    const children = rec.childrenOf(component).map((r) => r.name);
    for (const child of [
      "database-subnets",
      "database-sg",
      "database-parameters",
      "database-monitoring",
      "database-log-postgresql",
      "database-log-upgrade",
      "database-instance",
    ]) {
      assert.ok(children.includes(child), `${child} not under the component: ${children.join(", ")}`);
    }
  });

  it("runs the default current class, a supported PostgreSQL major, Multi-AZ", () => {
    const i = instance().inputs;
    assert.equal(i["engine"], "postgres");
    assert.equal(i["engineVersion"], "17");
    assert.equal(i["instanceClass"], "db.m7g.large");
    assert.equal(i["multiAz"], true);
    assert.equal(i["identifier"], "acme-tdp-production-postgres");
  });

  it("is private: subnet group of the private subnets, no public access, its own security group", () => {
    const i = instance().inputs;
    assert.equal(i["publiclyAccessible"], false);
    const group = byName(rec, "database-subnets");
    assert.deepEqual(group.inputs["subnetIds"], SUBNETS);
    assert.equal(i["dbSubnetGroupName"], group.inputs["name"]);
    const sg = byName(rec, "database-sg");
    assert.equal(sg.inputs["vpcId"], "vpc-0123456789abcdef0");
    assert.equal((i["vpcSecurityGroupIds"] as string[]).length, 1);
    assert.match(String((i["vpcSecurityGroupIds"] as string[])[0]), /^sg-/);
  });

  it("has no inline rules: no egress, ingress on 5432 only from the client security groups", () => {
    const sg = byName(rec, "database-sg");
    assert.equal(sg.inputs["ingress"], undefined);
    assert.equal(sg.inputs["egress"], undefined);
    const rules = ofType(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.deepEqual(
      rules.map((r) => r.inputs["referencedSecurityGroupId"]),
      CLIENT_SGS,
    );
    for (const rule of rules) {
      assert.equal(rule.inputs["ipProtocol"], "tcp");
      assert.equal(rule.inputs["fromPort"], 5432);
      assert.equal(rule.inputs["toPort"], 5432);
      assert.equal(rule.inputs["cidrIpv4"], undefined);
    }
  });

  it("encrypts gp3 storage with the database key and scales it automatically", () => {
    const i = instance().inputs;
    assert.equal(i["storageType"], "gp3");
    assert.equal(i["storageEncrypted"], true);
    assert.equal(i["kmsKeyId"], DB_KEY);
    assert.equal(i["allocatedStorage"], 100);
    assert.equal(i["maxAllocatedStorage"], 1000);
  });

  it("forces TLS 1.2+ and logs connections and slow statements in its parameter group", () => {
    const group = byName(rec, "database-parameters");
    assert.equal(group.inputs["family"], "postgres17");
    assert.equal(group.inputs["name"], "acme-tdp-production-postgres-pg17");
    const params = Object.fromEntries(
      (group.inputs["parameters"] as { name: string; value: string }[]).map((p) => [p.name, p.value]),
    );
    assert.equal(params["rds.force_ssl"], "1");
    assert.equal(params["ssl_min_protocol_version"], "TLSv1.2");
    assert.equal(params["log_connections"], "1");
    assert.equal(params["log_disconnections"], "1");
    assert.equal(params["log_min_duration_statement"], "1000");
    assert.equal(params["log_statement"], "ddl");
    assert.equal(instance().inputs["parameterGroupName"], "acme-tdp-production-postgres-pg17");
  });

  it("exports its logs to log groups it creates first, with retention and the logs key", () => {
    assert.deepEqual(instance().inputs["enabledCloudwatchLogsExports"], ["postgresql", "upgrade"]);
    for (const log of ["postgresql", "upgrade"]) {
      const group = byName(rec, `database-log-${log}`);
      assert.equal(group.inputs["name"], `/aws/rds/instance/acme-tdp-production-postgres/${log}`);
      assert.equal(group.inputs["retentionInDays"], 90);
      assert.equal(group.inputs["kmsKeyId"], LOGS_KEY);
      assert.ok(instance().dependencies?.includes(group.urn), `instance does not wait for ${log}`);
    }
  });

  it("monitors with enhanced monitoring through a ServiceRole, and Performance Insights with the key", () => {
    const i = instance().inputs;
    assert.equal(i["monitoringInterval"], 60);
    assert.equal(i["performanceInsightsEnabled"], true);
    assert.equal(i["performanceInsightsKmsKeyId"], DB_KEY);
    assert.equal(i["performanceInsightsRetentionPeriod"], 7);
    rec.one("tdp:core:ServiceRole", "database-monitoring");
    const role = byName(rec, "database-monitoring-role");
    assert.equal(role.inputs["name"], "acme-tdp-production-rds-monitoring");
    assert.equal(role.inputs["permissionsBoundary"], "arn:aws:iam::111111111111:policy/boundary");
    const trust = policyOf(role, "assumeRolePolicy").Statement[0]!;
    assert.deepEqual(trust.Principal, { Service: "monitoring.rds.amazonaws.com" });
    assert.ok(JSON.stringify(trust.Condition).includes(ACCOUNT));
    const attachment = ofType(rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").find((a) =>
      String(a.name).startsWith("database-monitoring-"),
    );
    assert.equal(
      attachment?.inputs["policyArn"],
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    );
    assert.match(
      String(i["monitoringRoleArn"]),
      /^arn:aws:iam::\d{12}:role\/acme-tdp-production-rds-monitoring$/,
    );
  });

  it("uses IAM authentication and a master password RDS keeps in Secrets Manager with the secrets key", () => {
    const i = instance().inputs;
    assert.equal(i["iamDatabaseAuthenticationEnabled"], true);
    assert.equal(i["manageMasterUserPassword"], true);
    assert.equal(i["masterUserSecretKmsKeyId"], SECRETS_KEY);
    assert.equal(i["password"], undefined);
    assert.equal(i["username"], "tdpadmin");
    assert.equal(i["dbName"], "tdp");
  });

  it("is protected: deletion protection, final snapshot, tags copied, protect and retainOnDelete", () => {
    const r = instance();
    assert.equal(r.inputs["deletionProtection"], true);
    assert.equal(r.inputs["skipFinalSnapshot"], false);
    assert.equal(r.inputs["finalSnapshotIdentifier"], "acme-tdp-production-postgres-final");
    assert.equal(r.inputs["copyTagsToSnapshot"], true);
    assert.equal(r.inputs["deleteAutomatedBackups"], false);
    assert.equal(r.protect, true);
    assert.equal(r.retainOnDelete, true);
  });

  it("keeps 7 days of automated backups and takes minor upgrades, not major ones", () => {
    const i = instance().inputs;
    assert.equal(i["backupRetentionPeriod"], 7);
    assert.equal(i["backupWindow"], "03:00-03:30");
    assert.equal(i["maintenanceWindow"], "sun:04:30-sun:05:30");
    assert.equal(i["autoMinorVersionUpgrade"], true);
    assert.equal(i["allowMajorVersionUpgrade"], false);
    assert.equal(i["snapshotIdentifier"], undefined);
  });

  it("alarms on CPU, free storage and connections to the alert topic", () => {
    const cpu = byName(rec, "database-alarm-db-cpu");
    assert.equal(cpu.inputs["namespace"], "AWS/RDS");
    assert.equal(cpu.inputs["metricName"], "CPUUtilization");
    assert.equal(cpu.inputs["threshold"], 80);
    assert.deepEqual(cpu.inputs["dimensions"], { DBInstanceIdentifier: "acme-tdp-production-postgres" });
    const storage = byName(rec, "database-alarm-db-free-storage");
    assert.equal(storage.inputs["metricName"], "FreeStorageSpace");
    assert.equal(storage.inputs["comparisonOperator"], "LessThanThreshold");
    assert.equal(storage.inputs["threshold"], 10 * 1024 ** 3);
    const connections = byName(rec, "database-alarm-db-connections");
    assert.equal(connections.inputs["metricName"], "DatabaseConnections");
    assert.equal(connections.inputs["threshold"], Math.floor(0.8 * 901));
    const topic = byName(rec, "alerts-topic");
    for (const alarm of [cpu, storage, connections]) {
      assert.equal((alarm.inputs["alarmActions"] as string[]).length, 1);
      assert.match(
        String((alarm.inputs["alarmActions"] as string[])[0]),
        /:sns:.*acme-tdp-production-alerts$/,
      );
      assert.ok(topic);
    }
  });

  it("exposes its outputs", async () => {
    assert.equal(await offline.outputValue(db.identifier), "acme-tdp-production-postgres");
    assert.match(await offline.outputValue(db.securityGroupId), /^sg-/);
    assert.match(
      await offline.outputValue(db.arn),
      /^arn:aws:rds:us-east-1:\d{12}:db:acme-tdp-production-postgres$/,
    );
    assert.equal(await offline.outputValue(db.port), 5432);
    assert.match(String(await offline.outputValue(db.masterUserSecretArn)), /^arn:aws:secretsmanager:/);
    assert.match(await offline.outputValue(db.resourceId), /^db-/);
  });
});

describe("PostgresDatabase restored from a snapshot (RDSSnapShot)", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => {
      new PostgresDatabase(
        "database",
        args({
          snapshotIdentifier: "arn:aws:rds:us-east-1:111111111111:snapshot:tdp-dr-copy",
          instanceClass: "db.r7g.large",
          engineVersion: "16",
          port: 6432,
          clientSecurityGroupIds: [CLIENT_SGS[0]!],
        }),
      );
    });
  });

  it("creates the instance from the snapshot, without a new database or master user", () => {
    const i = byName(rec, "database-instance").inputs;
    assert.equal(i["snapshotIdentifier"], "arn:aws:rds:us-east-1:111111111111:snapshot:tdp-dr-copy");
    assert.equal(i["dbName"], undefined);
    assert.equal(i["username"], undefined);
    // Everything else is as for a new instance.
    assert.equal(i["manageMasterUserPassword"], true);
    assert.equal(i["kmsKeyId"], DB_KEY);
    assert.equal(i["deletionProtection"], true);
    assert.equal(i["instanceClass"], "db.r7g.large");
    assert.equal(byName(rec, "database-parameters").inputs["family"], "postgres16");
  });

  it("admits the client security group on the configured port", () => {
    const rule = ofType(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
    assert.equal(rule.length, 1);
    assert.equal(rule[0]!.inputs["fromPort"], 6432);
    assert.equal(byName(rec, "database-instance").inputs["port"], 6432);
  });

  it("creates no alarms without a target and no ingress without clients by default", async () => {
    assert.equal(ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
    const bare = await offline.record(() => {
      new PostgresDatabase("plain", args());
    });
    assert.equal(ofType(bare, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").length, 0);
  });

  it("validates before creating anything", async () => {
    let thrown: Error | undefined;
    const empty = await offline.record(() => {
      try {
        new PostgresDatabase("bad", args({ instanceClass: "db.t2.medium" }));
      } catch (err) {
        thrown = err as Error;
      }
    });
    assert.match(String(thrown?.message), /retired RDS instance class/);
    assert.equal(empty.resources.filter((r) => r.name.startsWith("bad")).length, 0);
  });
});
