import { strict as assert } from "node:assert";

import { BackupClient, BackupError } from "../src/backup-api/client";
import { MetricsClient } from "../src/rds/metrics";
import {
  MAX_COPY_ATTEMPTS,
  copyToken,
  drVaultCopyAgeHours,
  handler,
  newestRecoveryPointAgeHours,
  publishRelayCopyAge,
  relayCopies,
  relaySettings,
  vaultLocation,
} from "../src/relay-copies/handler";
import { FakeBackup } from "./backup-server";
import { FakeCloudWatch } from "./cloudwatch-server";
import { CREDENTIALS } from "./rds-server";

const STAGING = "acme-tdp-dr-database-staging";
const DR_VAULT = "arn:aws:backup:us-west-2:222222222222:backup-vault:acme-tdp-dr-database";
const ROLE = "arn:aws:iam::222222222222:role/acme-tdp-dr-dr-relay-copy";
const point = (n: number) => `arn:aws:backup:us-east-1:222222222222:recovery-point:awsbackup:copyjob-${n}`;
const fast = { retryDelayMs: () => 1 };
const settings = {
  stagingVaultName: STAGING,
  destinationVaultArn: DR_VAULT,
  copyRoleArn: ROLE,
  retentionDays: 7,
};

/** The Lambda entry point's environment: the relay's settings, the function's credentials, the staging vault's endpoint. */
function entryEnvironment(backupEndpoint: string): Record<string, string> {
  return {
    STAGING_VAULT_NAME: STAGING,
    DESTINATION_VAULT_ARN: DR_VAULT,
    COPY_ROLE_ARN: ROLE,
    RETENTION_DAYS: "7",
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_SESSION_TOKEN: CREDENTIALS.sessionToken,
    BACKUP_ENDPOINT: backupEndpoint,
  };
}

/** Three failed copy jobs of `source` to the DR vault: the relay gives up on that recovery point. */
function giveUpCopies(backup: FakeBackup, source: string): void {
  for (const n of [1, 2, 3]) {
    backup.jobs.push({ id: `x${n}`, source, destination: DR_VAULT, state: "FAILED", role: ROLE });
  }
}

describe("relay-copies handler (DR account, primary region) against a local AWS Backup", () => {
  let backup: FakeBackup;
  let client: BackupClient;
  beforeEach(async () => {
    backup = new FakeBackup("us-east-1", STAGING);
    await backup.start();
    client = new BackupClient("us-east-1", CREDENTIALS, { endpoint: new URL(backup.url), ...fast });
    backup.points.push(
      { arn: point(1), status: "COMPLETED" },
      { arn: point(2), status: "COMPLETED" },
      { arn: point(3), status: "CREATING" },
      { arn: point(4), status: "COMPLETED" },
      { arn: point(5), status: "EXPIRED" },
    );
    // Point 1 is copied already, point 2 is being copied: neither is started again.
    backup.jobs.push(
      { id: "old-1", source: point(1), destination: DR_VAULT, state: "COMPLETED", role: ROLE },
      { id: "old-2", source: point(2), destination: DR_VAULT, state: "RUNNING", role: ROLE },
    );
  });
  afterEach(() => backup.stop());

  it("starts a copy into the DR vault for each completed recovery point not copied yet", async () => {
    const report = await relayCopies(client, settings);
    assert.deepEqual(report, { started: [point(4)], skipped: [point(1), point(2)], gaveUp: [] });
    const start = backup.calls.filter((c) => c.method === "PUT");
    assert.equal(start.length, 1);
    assert.equal(start[0]!.path, "/copy-jobs");
    assert.deepEqual(start[0]!.body, {
      RecoveryPointArn: point(4),
      SourceBackupVaultName: STAGING,
      DestinationBackupVaultArn: DR_VAULT,
      IamRoleArn: ROLE,
      IdempotencyToken: copyToken(point(4), DR_VAULT, 0),
      Lifecycle: { DeleteAfterDays: 7 },
    });
  });

  it("asks for the copy jobs of each recovery point into the DR vault, by the API's query names", async () => {
    await relayCopies(client, settings);
    const lists = backup.calls.filter((c) => c.path === "/copy-jobs/");
    assert.deepEqual(
      lists.map((c) => c.query),
      [1, 2, 4].map((n) => ({ sourceRecoveryPointArn: point(n), destinationVaultArn: DR_VAULT })),
    );
  });

  it("reads every page of the staging vault's recovery points", async () => {
    await relayCopies(client, settings);
    const pages = backup.calls.filter((c) => c.path === `/backup-vaults/${STAGING}/recovery-points/`);
    assert.deepEqual(
      pages.map((c) => c.query["nextToken"]),
      [undefined, "2", "4"],
    );
  });

  it("reads every page of the copy jobs", async () => {
    backup.points.splice(0, backup.points.length, { arn: point(9), status: "COMPLETED" });
    for (const n of [1, 2]) {
      backup.jobs.push({ id: `f${n}`, source: point(9), destination: DR_VAULT, state: "FAILED", role: ROLE });
    }
    backup.jobs.push({ id: "ok", source: point(9), destination: DR_VAULT, state: "COMPLETED", role: ROLE });
    const report = await relayCopies(client, settings);
    assert.deepEqual(report.skipped, [point(9)], "the completed job is on the second page");
    assert.deepEqual(
      backup.calls.filter((c) => c.path === "/copy-jobs/").map((c) => c.query["nextToken"]),
      [undefined, "2"],
    );
  });

  it("starts nothing when the event repeats", async () => {
    await relayCopies(client, settings);
    backup.calls.length = 0;
    const again = await relayCopies(client, settings);
    assert.deepEqual(again.started, []);
    assert.deepEqual(again.skipped, [point(1), point(2), point(4)]);
    assert.equal(backup.calls.filter((c) => c.method === "PUT").length, 0);
  });

  it("takes a repeated StartCopyJob (same token) as the same job", async () => {
    // Two runs that both saw no job (the second before the first's job was listed) send the same token.
    const input = {
      RecoveryPointArn: point(4),
      SourceBackupVaultName: STAGING,
      DestinationBackupVaultArn: DR_VAULT,
      IamRoleArn: ROLE,
      IdempotencyToken: copyToken(point(4), DR_VAULT, 0),
    };
    assert.equal(await client.startCopyJob(input), await client.startCopyJob(input));
    assert.equal(backup.jobs.length, 3);
  });

  it("tries a failed copy again with a new token, and gives up after its attempts", async () => {
    backup.points.splice(0, backup.points.length, { arn: point(7), status: "COMPLETED" });
    backup.jobs.length = 0;
    backup.jobs.push({ id: "f1", source: point(7), destination: DR_VAULT, state: "FAILED", role: ROLE });
    const retried = await relayCopies(client, settings);
    assert.deepEqual(retried.started, [point(7)]);
    assert.equal(backup.jobs[1]!.token, copyToken(point(7), DR_VAULT, 1));
    assert.notEqual(copyToken(point(7), DR_VAULT, 1), copyToken(point(7), DR_VAULT, 0));
    backup.jobs[1]!.state = "FAILED";
    backup.jobs.push({ id: "f3", source: point(7), destination: DR_VAULT, state: "ABORTED", role: ROLE });
    assert.equal(backup.jobs.length, MAX_COPY_ATTEMPTS);
    const given = await relayCopies(client, settings);
    assert.deepEqual(given, { started: [], skipped: [], gaveUp: [point(7)] });
  });

  it("retries throttling and server errors, and gives up after its attempts", async () => {
    backup.throttle = 2;
    backup.unavailable = 1;
    await relayCopies(client, settings);
    const lists = backup.calls.filter((c) => c.path.endsWith("/recovery-points/"));
    assert.equal(lists.length, 3 + 3, "three failed attempts, then the three pages");
    backup.throttle = 10;
    await assert.rejects(
      relayCopies(client, settings),
      (e: unknown) => e instanceof BackupError && e.code === "ThrottlingException" && e.status === 400,
    );
  });

  it("fails on an error that is not worth retrying, naming the operation and the type", async () => {
    backup.failNext = { method: "PUT", status: 400, type: "InvalidRequestException" };
    await assert.rejects(
      relayCopies(client, settings),
      /AWS Backup StartCopyJob failed with HTTP 400 InvalidRequestException: injected/,
    );
    assert.equal(backup.calls.filter((c) => c.method === "PUT").length, 1);
  });

  it("signs with SigV4 for backup in its region (a wrong secret or region is refused)", async () => {
    const wrong = new BackupClient(
      "us-east-1",
      { ...CREDENTIALS, secretAccessKey: "other" },
      { endpoint: new URL(backup.url), ...fast },
    );
    await assert.rejects(
      wrong.listRecoveryPoints(STAGING),
      /InvalidSignatureException: signature does not match/,
    );
    const region = new BackupClient("us-west-2", CREDENTIALS, { endpoint: new URL(backup.url), ...fast });
    await assert.rejects(region.listRecoveryPoints(STAGING), /credential scope is not/);
    const call = backup.calls[0]!;
    assert.equal(call.method, "GET");
  });

  it("reads its settings from the environment", () => {
    const env = {
      STAGING_VAULT_NAME: STAGING,
      DESTINATION_VAULT_ARN: DR_VAULT,
      COPY_ROLE_ARN: ROLE,
      RETENTION_DAYS: "7",
    };
    assert.deepEqual(relaySettings(env), settings);
    assert.throws(() => relaySettings({ ...env, COPY_ROLE_ARN: "" }), /lacks COPY_ROLE_ARN/);
    assert.throws(
      () => relaySettings({ ...env, RETENTION_DAYS: "x" }),
      /RETENTION_DAYS "x" must be a whole number/,
    );
  });

  describe("the Lambda entry point", () => {
    const saved = { ...process.env };
    const env = () => entryEnvironment(backup.url);
    let log: typeof console.log;
    beforeEach(() => {
      Object.assign(process.env, env());
      log = console.log;
      console.log = () => undefined;
    });
    afterEach(() => {
      console.log = log;
      for (const key of Object.keys(env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    });

    it("relays and returns its report", async () => {
      const report = await handler();
      assert.deepEqual(report.started, [point(4)]);
    });

    it("fails (so its alarm fires) when copies gave up", async () => {
      giveUpCopies(backup, point(4));
      await assert.rejects(
        handler(),
        /failed 3 times for arn:aws:backup:us-east-1:222222222222:recovery-point:awsbackup:copyjob-4/,
      );
    });

    it("fails when an AWS Backup call fails", async () => {
      backup.failNext = { method: "GET", status: 403, type: "AccessDeniedException" };
      await assert.rejects(
        handler(),
        /AWS Backup ListRecoveryPointsByBackupVault failed with HTTP 403 AccessDeniedException/,
      );
    });
  });
});

describe("relay-copies handler: the DR vault's newest copy age (a local AWS Backup of the DR region, a local CloudWatch)", () => {
  const NOW = new Date("2026-12-07T12:00:00Z");
  const at = (hoursAgo: number) => NOW.getTime() / 1000 - hoursAgo * 3600;
  const drPoint = (n: number) =>
    `arn:aws:backup:us-west-2:222222222222:recovery-point:awsbackup:copyjob-${n}`;
  let drBackup: FakeBackup;
  let cloudwatch: FakeCloudWatch;
  let drClient: BackupClient;
  let metrics: MetricsClient;
  beforeEach(async () => {
    drBackup = new FakeBackup("us-west-2", "acme-tdp-dr-database");
    cloudwatch = new FakeCloudWatch("us-east-1");
    await Promise.all([drBackup.start(), cloudwatch.start()]);
    drClient = new BackupClient("us-west-2", CREDENTIALS, { endpoint: new URL(drBackup.url), ...fast });
    metrics = new MetricsClient("us-east-1", CREDENTIALS, { endpoint: new URL(cloudwatch.url), ...fast });
  });
  afterEach(() => Promise.all([drBackup.stop(), cloudwatch.stop()]));

  it("takes the DR vault's region and name from its ARN, and refuses what is no vault ARN", () => {
    assert.deepEqual(vaultLocation(DR_VAULT), { region: "us-west-2", name: "acme-tdp-dr-database" });
    for (const bad of ["acme-tdp-dr-database", "arn:aws:backup:us-west-2:222222222222:recovery-point:x"]) {
      assert.throws(() => vaultLocation(bad), {
        message: `DESTINATION_VAULT_ARN "${bad}" must be a backup vault ARN (arn:aws:backup:<region>:<account>:backup-vault:<name>)`,
      });
    }
  });

  it("counts completed recovery points with a creation date only, to two decimals", () => {
    const points = [
      { RecoveryPointArn: drPoint(1), Status: "COMPLETED", CreationDate: at(30) },
      { RecoveryPointArn: drPoint(2), Status: "COMPLETED", CreationDate: at(5.123) },
      { RecoveryPointArn: drPoint(3), Status: "PARTIAL", CreationDate: at(1) },
      { RecoveryPointArn: drPoint(4), Status: "COMPLETED" },
    ];
    assert.equal(newestRecoveryPointAgeHours(points, NOW), 5.12);
    assert.equal(newestRecoveryPointAgeHours(points.slice(2), NOW), undefined);
    assert.equal(newestRecoveryPointAgeHours([], NOW), undefined);
  });

  it("lists every page of the DR vault, signed for the DR region", async () => {
    drBackup.points.push(
      { arn: drPoint(1), status: "COMPLETED", created: at(50) },
      { arn: drPoint(2), status: "DELETING", created: at(2) },
      { arn: drPoint(3), status: "COMPLETED", created: at(26.5) },
      { arn: drPoint(4), status: "EXPIRED", created: at(1) },
      { arn: drPoint(5), status: "COMPLETED", created: at(27) },
    );
    assert.equal(await drVaultCopyAgeHours(drClient, DR_VAULT, NOW), 26.5);
    assert.deepEqual(
      drBackup.calls.map((c) => [c.path, c.query["nextToken"]]),
      [undefined, "2", "4"].map((token) => ["/backup-vaults/acme-tdp-dr-database/recovery-points/", token]),
    );
    const primaryRegion = new BackupClient("us-east-1", CREDENTIALS, {
      endpoint: new URL(drBackup.url),
      ...fast,
    });
    await assert.rejects(drVaultCopyAgeHours(primaryRegion, DR_VAULT, NOW), /credential scope is not/);
  });

  it("publishes NewestCopyAgeHours with the function's name, and nothing without a copy", async () => {
    await publishRelayCopyAge(metrics, "TDP/DR", "acme-tdp-dr-relay-copies", 26.5);
    await publishRelayCopyAge(metrics, "TDP/DR", "acme-tdp-dr-relay-copies", undefined);
    assert.deepEqual(cloudwatch.calls, [
      {
        Action: "PutMetricData",
        Version: "2010-08-01",
        Namespace: "TDP/DR",
        "MetricData.member.1.MetricName": "NewestCopyAgeHours",
        "MetricData.member.1.Value": "26.5",
        "MetricData.member.1.Unit": "None",
        "MetricData.member.1.Dimensions.member.1.Name": "FunctionName",
        "MetricData.member.1.Dimensions.member.1.Value": "acme-tdp-dr-relay-copies",
      },
    ]);
  });

  describe("the Lambda entry point with METRIC_NAMESPACE", () => {
    let staging: FakeBackup;
    const saved = { ...process.env };
    const env = () => ({
      ...entryEnvironment(staging.url),
      METRIC_NAMESPACE: "TDP/DR",
      AWS_LAMBDA_FUNCTION_NAME: "acme-tdp-dr-relay-copies",
      DR_BACKUP_ENDPOINT: drBackup.url,
      MONITORING_ENDPOINT: cloudwatch.url,
    });
    let log: typeof console.log;
    beforeEach(async () => {
      staging = new FakeBackup("us-east-1", STAGING);
      await staging.start();
      staging.points.push({ arn: point(1), status: "COMPLETED" });
      Object.assign(process.env, env());
      log = console.log;
      console.log = () => undefined;
    });
    afterEach(async () => {
      console.log = log;
      for (const key of Object.keys(env())) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
      await staging.stop();
    });
    const hoursAgo = (hours: number) => Date.now() / 1000 - hours * 3600;

    it("relays, then publishes the DR vault's newest copy age in its own region", async () => {
      drBackup.points.push({ arn: drPoint(1), status: "COMPLETED", created: hoursAgo(3) });
      const report = await handler();
      assert.deepEqual(report.started, [point(1)]);
      assert.equal(report.newestCopyAgeHours, 3);
      assert.equal(cloudwatch.calls.length, 1);
      assert.equal(cloudwatch.calls[0]!["MetricData.member.1.Value"], "3");
      assert.equal(
        cloudwatch.calls[0]!["MetricData.member.1.Dimensions.member.1.Value"],
        "acme-tdp-dr-relay-copies",
      );
    });

    it("publishes nothing while the DR vault holds no copy (the alarm counts that as breaching)", async () => {
      const report = await handler();
      assert.equal(report.newestCopyAgeHours, undefined);
      assert.equal(drBackup.calls.length, 1);
      assert.deepEqual(cloudwatch.calls, []);
    });

    it("still publishes the age when copies gave up, then fails", async () => {
      drBackup.points.push({ arn: drPoint(1), status: "COMPLETED", created: hoursAgo(40) });
      giveUpCopies(staging, point(1));
      await assert.rejects(handler(), /failed 3 times/);
      assert.equal(cloudwatch.calls[0]!["MetricData.member.1.Value"], "40");
    });

    it("fails when the metric is refused (the role lacks cloudwatch:PutMetricData)", async () => {
      drBackup.points.push({ arn: drPoint(1), status: "COMPLETED", created: hoursAgo(3) });
      cloudwatch.deny = true;
      await assert.rejects(handler(), /CloudWatch PutMetricData failed with HTTP 403 AccessDenied/);
    });

    it("reads nothing of the DR vault and publishes nothing without METRIC_NAMESPACE", async () => {
      delete process.env["METRIC_NAMESPACE"];
      drBackup.points.push({ arn: drPoint(1), status: "COMPLETED", created: hoursAgo(3) });
      const report = await handler();
      assert.equal(report.newestCopyAgeHours, undefined);
      assert.deepEqual(drBackup.calls, []);
      assert.deepEqual(cloudwatch.calls, []);
    });
  });
});
