import { strict as assert } from "node:assert";

import type { DatabaseBackupArgs, PostgresDatabaseArgs } from "../src";
import {
  DEFAULT_BACKUP_SCHEDULE,
  estimatedMaxConnections,
  intervalSchedule,
  parseBackupSchedule,
  resolveBackupSchedule,
  retainedSnapshots,
  validateDatabaseBackupArgs,
  validateDbInstanceClass,
  validatePostgresDatabaseArgs,
  validatePostgresVersion,
  validateSnapshotIdentifier,
} from "../src";
import { BACKUP_KEY_ARN, KEY_ARN, naming } from "./helpers";

const dbArgs = (extra: Partial<PostgresDatabaseArgs> = {}): PostgresDatabaseArgs => ({
  naming,
  iam: {},
  vpcId: "vpc-0123456789abcdef0",
  subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
  kmsKeyArn: KEY_ARN,
  secretsKmsKeyArn: KEY_ARN,
  logsKmsKeyArn: KEY_ARN,
  ...extra,
});

const backupArgs = (extra: Partial<DatabaseBackupArgs> = {}): DatabaseBackupArgs => ({
  naming,
  iam: {},
  resourceArns: ["arn:aws:rds:us-east-1:111111111111:db:acme-tdp-production-postgres"],
  kmsKeyArn: BACKUP_KEY_ARN,
  ...extra,
});

const SIX_FIELDS =
  /AWS cron has six fields: minutes \(0-59\) hours \(0-23\) day-of-month .* day-of-week .* year/;

describe("database validation: instance class (InstanceTypeRDS)", () => {
  for (const good of ["db.m7g.large", "db.t4g.large", "db.t4g.medium", "db.r6i.2xlarge", "db.m5.xlarge"]) {
    it(`accepts ${good}`, () => validateDbInstanceClass(good));
  }
  it("rejects the seed's db.t2.medium as retired and names the current class to use", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ instanceClass: "db.t2.medium" })), {
      message:
        'instanceClass "db.t2.medium" is a retired RDS instance class (the previous-generation db.t2 family is no ' +
        "longer offered for new PostgreSQL instances); use a current class such as db.t4g.medium or the default db.m7g.large",
    });
  });
  for (const [retired, current] of [
    ["db.m4.large", "db.m7g.large"],
    ["db.m3.xlarge", "db.m7g.xlarge"],
    ["db.r4.2xlarge", "db.r7g.2xlarge"],
    ["db.r3.large", "db.r7g.large"],
    ["db.t2.micro", "db.t4g.medium"],
  ]) {
    it(`rejects retired ${retired}, suggesting ${current}`, () => {
      assert.throws(
        () => validateDbInstanceClass(retired),
        (err: Error) => {
          assert.match(
            err.message,
            new RegExp(`"${retired.replace(/\./g, "\\.")}" is a retired RDS instance class`),
          );
          assert.ok(err.message.includes(`such as ${current}`), err.message);
          return true;
        },
      );
    });
  }
  it("rejects a class without Performance Insights", () => {
    assert.throws(() => validateDbInstanceClass("db.t4g.micro"), {
      message:
        'instanceClass "db.t4g.micro" has no Performance Insights (micro and small burstable sizes lack it; the ' +
        "security controls require it): use db.t4g.medium or larger",
    });
  });
  it("rejects something that is not an instance class", () => {
    assert.throws(() => validateDbInstanceClass("m7g.large"), {
      message:
        'instanceClass "m7g.large" is not an RDS instance class: use db.<family>.<size>, such as db.m7g.large',
    });
  });
});

describe("database validation: engine, storage and the rest of the instance", () => {
  it("accepts supported majors and major.minor", () => {
    assert.equal(validatePostgresVersion("17"), 17);
    assert.equal(validatePostgresVersion("16.9"), 16);
  });
  it("rejects a PostgreSQL past RDS standard support", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ engineVersion: "13.20" })), {
      message:
        'engineVersion "13.20": PostgreSQL 13 is past the end of RDS standard support (RDS Extended Support is charged per vCPU-hour); use one of 14, 15, 16, 17, 18 (default 17)',
    });
  });
  it("rejects a version that is not one", () => {
    assert.throws(
      () => validatePostgresVersion("latest"),
      /engineVersion "latest" is not a PostgreSQL version/,
    );
  });
  it("rejects storage below gp3's 20 GiB", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ allocatedStorage: 10 })), {
      message:
        "allocatedStorage 10 must be a whole number from 20 to 65536 (GiB of gp3 storage RDS PostgreSQL accepts)",
    });
  });
  it("rejects storage above 64 TiB", () => {
    assert.throws(
      () => validatePostgresDatabaseArgs(dbArgs({ allocatedStorage: 70000, maxAllocatedStorage: 80000 })),
      {
        message:
          "allocatedStorage 70000 must be a whole number from 20 to 65536 (GiB of gp3 storage RDS PostgreSQL accepts)",
      },
    );
  });
  it("rejects maxAllocatedStorage below allocatedStorage", () => {
    assert.throws(
      () => validatePostgresDatabaseArgs(dbArgs({ allocatedStorage: 200, maxAllocatedStorage: 100 })),
      {
        message:
          "maxAllocatedStorage 100 must be at least 10% above allocatedStorage 200, i.e. at least 220 GiB (RDS storage autoscaling needs that headroom)",
      },
    );
  });
  it("rejects maxAllocatedStorage without 10% headroom", () => {
    assert.throws(
      () => validatePostgresDatabaseArgs(dbArgs({ allocatedStorage: 100, maxAllocatedStorage: 105 })),
      /maxAllocatedStorage 105 must be at least 10% above allocatedStorage 100, i.e. at least 110 GiB/,
    );
  });
  it("rejects the default administrator name (FSBP RDS.25)", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ masterUsername: "postgres" })), {
      message:
        'masterUsername "postgres" is a default or reserved administrator name (FSBP RDS.25 asks for another); use e.g. "tdpadmin"',
    });
  });
  it("rejects fewer than 7 days of automated backups (FSBP RDS.11)", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ pointInTimeRecoveryDays: 1 })), {
      message:
        "pointInTimeRecoveryDays 1 must be a whole number from 7 to 35 (days of RDS automated backups; FSBP RDS.11 asks for at least 7, RDS keeps at most 35)",
    });
  });
  it("rejects enhanced monitoring turned off (FSBP RDS.6)", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ monitoringIntervalSeconds: 0 })), {
      message:
        "monitoringIntervalSeconds 0 must be one of 1, 5, 10, 15, 30, 60 (enhanced monitoring stays on: FSBP RDS.6)",
    });
  });
  it("rejects a Performance Insights retention that is not a period", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ performanceInsightsRetentionDays: 30 })), {
      message:
        "performanceInsightsRetentionDays 30 must be 7, a multiple of 31 up to 713, or 731 (Performance Insights' periods)",
    });
  });
  it("rejects a port outside RDS's range", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ port: 80 })), {
      message: "port 80 must be a whole number from 1150 to 65535 (the ports RDS PostgreSQL accepts)",
    });
  });
  it("rejects a bad backup window", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ backupWindow: "3am" })), {
      message: 'backupWindow "3am" must be hh:mm-hh:mm in UTC, e.g. 03:00-03:30',
    });
  });
  it("accepts snapshot identifiers, AWS Backup recovery points and snapshot ARNs (RDSSnapShot)", () => {
    validateSnapshotIdentifier("tdp-before-upgrade");
    validateSnapshotIdentifier("awsbackup:job-0a1b2c3d-1111-2222-3333-444455556666");
    validateSnapshotIdentifier("arn:aws:rds:us-east-1:222222222222:snapshot:tdp-dr-copy");
  });
  it("rejects a snapshot identifier that is not one", () => {
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ snapshotIdentifier: "my snapshot" })), {
      message:
        'snapshotIdentifier "my snapshot" is not a DB snapshot: give its identifier (a letter, then letters, digits and single hyphens), an AWS Backup recovery point (awsbackup:job-…) or arn:aws:rds:<region>:<account>:snapshot:<id>',
    });
    assert.throws(() => validateSnapshotIdentifier("snap--1"), /is not a DB snapshot/);
  });
  it("rejects alarm thresholds out of range", () => {
    const target = { topicArn: "arn:aws:sns:us-east-1:111111111111:alerts", naming };
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ alarms: { target, cpuPercent: 150 } })), {
      message: "alarms.cpuPercent 150 must be a whole number from 1 to 100 (percent CPU)",
    });
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ alarms: { target, freeStorageGiB: 2000 } })), {
      message:
        "alarms.freeStorageGiB 2000 must be a whole number from 1 to 1000 (GiB of free storage, at most maxAllocatedStorage)",
    });
    assert.throws(() => validatePostgresDatabaseArgs(dbArgs({ alarms: { target, connections: 0 } })), {
      message:
        "alarms.connections 0 must be a whole number from 1 to 5000 (connections; RDS PostgreSQL allows at most 5000 by default)",
    });
  });
  it("estimates max_connections from the class's memory", () => {
    assert.equal(estimatedMaxConnections("db.m7g.large"), 901);
    assert.equal(estimatedMaxConnections("db.r6g.xlarge"), 3604);
    assert.equal(estimatedMaxConnections("db.r6g.8xlarge"), 5000);
    assert.equal(estimatedMaxConnections("db.t4g.medium"), 450);
    assert.equal(estimatedMaxConnections("db.unknown.large"), undefined);
  });
});

describe("database validation: backup schedule (RDSBackupSchedule, RDSBackupInterval)", () => {
  it("defaults to the seed's 1 AM UTC daily, as valid AWS cron", () => {
    assert.equal(resolveBackupSchedule({}), "cron(0 1 * * ? *)");
    assert.equal(DEFAULT_BACKUP_SCHEDULE, "cron(0 1 * * ? *)");
  });
  it("accepts valid AWS cron forms", () => {
    assert.deepEqual(parseBackupSchedule("cron(0 1 * * ? *)"), {
      expression: "cron(0 1 * * ? *)",
      perDay: 1,
      days: { kind: "every" },
    });
    assert.equal(parseBackupSchedule("cron(30 */6 * * ? *)").perDay, 4);
    assert.equal(parseBackupSchedule("cron(0 0,12 ? * MON-FRI *)").perDay, 2);
    assert.deepEqual(parseBackupSchedule("cron(0 0,12 ? * MON-FRI *)").days, { kind: "week", count: 5 });
    assert.deepEqual(parseBackupSchedule("cron(0 3 ? * 1 *)").days, { kind: "week", count: 1 });
    assert.deepEqual(parseBackupSchedule("cron(0 3 L * ? *)").days, { kind: "month", count: 1 });
    assert.deepEqual(parseBackupSchedule("cron(0 22-2 * JAN-DEC ? 2026-2199)").perDay, 5);
  });
  it("rejects the seed's own text `0 1 * ?`, explaining the six fields", () => {
    assert.throws(
      () => resolveBackupSchedule({ schedule: "0 1 * ?" }),
      (err: Error) => {
        assert.ok(
          err.message.startsWith(
            'backupSchedule "0 1 * ?" is not a valid AWS Backup schedule: it has 4 fields and no cron(...) around them.',
          ),
          err.message,
        );
        assert.match(err.message, SIX_FIELDS);
        assert.ok(err.message.includes("cron(0 1 * * ? *)"), err.message);
        return true;
      },
    );
  });
  it("rejects five-field Unix cron", () => {
    assert.throws(() => parseBackupSchedule("cron(0 1 * * *)"), /it has 5 fields\. AWS cron has six fields/);
  });
  it("rejects six fields without cron(...)", () => {
    assert.throws(() => parseBackupSchedule("0 1 * * ? *"), /write it as cron\(0 1 \* \* \? \*\)\. AWS cron/);
  });
  it("rejects both day fields given", () => {
    assert.throws(
      () => parseBackupSchedule("cron(0 1 * * * *)"),
      /exactly one of day-of-month and day-of-week must be \?\. AWS cron has six fields/,
    );
  });
  it("rejects a field out of range", () => {
    assert.throws(() => parseBackupSchedule("cron(0 25 * * ? *)"), /"25" is out of range for hours \(0-23\)/);
  });
  it("rejects more than one backup an hour", () => {
    assert.throws(
      () => parseBackupSchedule("cron(0/30 * * * ? *)"),
      /AWS Backup runs a plan at most once an hour, so minutes must be a single value/,
    );
  });
  it("rejects rate()", () => {
    assert.throws(() => parseBackupSchedule("rate(6 hours)"), /take cron expressions only, not rate\(\)/);
  });
  it("turns an interval into a cron schedule from 1 AM UTC", () => {
    assert.equal(intervalSchedule(24), "cron(0 1 * * ? *)");
    assert.equal(intervalSchedule(6), "cron(0 1,7,13,19 * * ? *)");
    assert.equal(intervalSchedule(8), "cron(0 1,9,17 * * ? *)");
    assert.equal(intervalSchedule(1), "cron(0 * * * ? *)");
    assert.equal(resolveBackupSchedule({ intervalHours: 12, retentionDays: 30 }), "cron(0 1,13 * * ? *)");
  });
  it("rejects an interval that does not divide 24", () => {
    assert.throws(() => resolveBackupSchedule({ intervalHours: 5 }), {
      message:
        "backupIntervalHours 5 must divide 24 (one of 1, 2, 3, 4, 6, 8, 12, 24), so backups fall at the same hours every day",
    });
  });
  it("rejects a schedule and an interval together", () => {
    assert.throws(
      () => resolveBackupSchedule({ schedule: "cron(0 1 * * ? *)", intervalHours: 24 }),
      /give one of backupSchedule \("cron\(0 1 \* \* \? \*\)"\) and backupIntervalHours \(24\), not both/,
    );
  });
});

describe("database validation: retention and the 100-snapshot limit", () => {
  it("accepts the seed's defaults (1 a day × 30 days)", () => {
    assert.equal(retainedSnapshots(parseBackupSchedule(DEFAULT_BACKUP_SCHEDULE), 30), 30);
    assert.equal(resolveBackupSchedule({ intervalHours: 24, retentionDays: 100 }), "cron(0 1 * * ? *)");
  });
  it("rejects an interval whose snapshots exceed 100, with the arithmetic", () => {
    assert.throws(() => resolveBackupSchedule({ intervalHours: 6, retentionDays: 30 }), {
      message:
        "backupIntervalHours 6 with backupRetentionDays 30 keeps too many snapshots: every 6 h = 4 per day × 30 days = 120 > 100, " +
        "the seed's limit per database; back up less often or keep snapshots fewer days",
    });
  });
  it("rejects a cron schedule whose snapshots exceed 100, with the arithmetic", () => {
    assert.throws(() => resolveBackupSchedule({ schedule: "cron(0 */8 * * ? *)", retentionDays: 35 }), {
      message:
        'backupSchedule "cron(0 */8 * * ? *)" with backupRetentionDays 35 keeps too many snapshots: 3 per day × 35 days = 105 > 100, ' +
        "the seed's limit per database; back up less often or keep snapshots fewer days",
    });
  });
  it("counts only the days a weekly schedule runs", () => {
    assert.equal(
      resolveBackupSchedule({ schedule: "cron(0 2 ? * SUN *)", retentionDays: 365 }),
      "cron(0 2 ? * SUN *)",
    );
    assert.throws(
      () => resolveBackupSchedule({ schedule: "cron(0 2 ? * SUN *)", retentionDays: 731 }),
      /1 per day × 105 of 731 days = 105 > 100/,
    );
  });
  it("counts only the days a monthly schedule runs", () => {
    assert.equal(retainedSnapshots(parseBackupSchedule("cron(0 1 1,15 * ? *)"), 30), 4);
    assert.equal(
      resolveBackupSchedule({ schedule: "cron(0 1 1 * ? *)", retentionDays: 2920 }),
      "cron(0 1 1 * ? *)",
    );
    assert.throws(
      () => resolveBackupSchedule({ schedule: "cron(0 1 1 * ? *)", retentionDays: 3650 }),
      /1 per day × 121 of 3650 days = 121 > 100/,
    );
  });
  it("rejects a retention out of range", () => {
    assert.throws(() => resolveBackupSchedule({ retentionDays: 0 }), {
      message:
        "backupRetentionDays 0 must be a whole number from 1 to 3650 (days AWS Backup keeps each snapshot)",
    });
  });
  it("checks the backup component's windows, copy retention, resources and vault lock", () => {
    assert.equal(validateDatabaseBackupArgs(backupArgs()), "cron(0 1 * * ? *)");
    assert.throws(() => validateDatabaseBackupArgs(backupArgs({ completionWindowMinutes: 90 })), {
      message:
        "completionWindowMinutes 90 must be a whole number from startWindowMinutes + 60 (120) to 10080 (AWS Backup's rule)",
    });
    assert.throws(
      () => validateDatabaseBackupArgs(backupArgs({ resourceArns: [] })),
      /resourceArns is empty/,
    );
    assert.throws(
      () => validateDatabaseBackupArgs(backupArgs({ vaultLock: { minRetentionDays: 60 } })),
      /vaultLock.minRetentionDays 60 is above backupRetentionDays 30/,
    );
    assert.throws(
      () => validateDatabaseBackupArgs(backupArgs({ copyRetentionDays: 0 })),
      /copyRetentionDays 0 must be a whole number from 1 to 3650/,
    );
  });
});
