import { strict as assert } from "node:assert";

import {
  copySettings,
  copySnapshots,
  newestCopyAgeHours,
  publishCopyAge,
} from "../src/copy-snapshots/handler";
import { RdsClient, RdsError } from "../src/rds/client";
import { MetricsClient } from "../src/rds/metrics";
import { shareSettings, shareSnapshots } from "../src/share-snapshots/handler";
import { FakeCloudWatch } from "./cloudwatch-server";
import { CREDENTIALS, FakeRds } from "./rds-server";

const PRIMARY = "111111111111";
const DR = "222222222222";
const SOURCE_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000001";
const DR_KEY = "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000002";
const NOW = new Date("2026-12-06T12:00:00Z");
const INSTANCE = "acme-tdp-production-postgres";
const fast = { retryDelayMs: () => 1 };

describe("share-snapshots handler (primary account) against a local RDS", () => {
  let rds: FakeRds;
  let client: RdsClient;
  const settings = {
    instanceIdentifier: INSTANCE,
    drAccountId: DR,
    kmsKeyId: SOURCE_KEY,
    prefix: "ts-platform",
    retentionDays: 2,
  };
  beforeEach(async () => {
    rds = new FakeRds("us-east-1", PRIMARY);
    await rds.start();
    client = new RdsClient("us-east-1", CREDENTIALS, { endpoint: new URL(rds.url), ...fast });
    rds.add({
      identifier: "awsbackup:job-old",
      instance: INSTANCE,
      type: "awsbackup",
      status: "available",
      created: "2026-12-05T01:05:00Z",
    });
    rds.add({
      identifier: "awsbackup:job-new",
      instance: INSTANCE,
      type: "awsbackup",
      status: "available",
      created: "2026-12-06T01:05:00Z",
    });
    rds.add({
      identifier: "awsbackup:job-running",
      instance: INSTANCE,
      type: "awsbackup",
      status: "creating",
      created: "2026-12-06T11:05:00Z",
    });
    rds.add({
      identifier: `ts-platform-${INSTANCE}-2026-12-05-01-05`,
      instance: INSTANCE,
      type: "manual",
      status: "available",
      created: "2026-12-05T02:00:00Z",
    });
    rds.add({
      identifier: `ts-platform-${INSTANCE}-2026-12-01-01-05`,
      instance: INSTANCE,
      type: "manual",
      status: "available",
      created: "2026-12-01T02:00:00Z",
      sharedWith: [DR],
    });
    rds.add({
      identifier: "someone-elses-manual",
      instance: INSTANCE,
      type: "manual",
      status: "available",
      created: "2026-11-01T02:00:00Z",
    });
  });
  afterEach(() => rds.stop());

  it("copies the newest finished backup with the database key, shares copies with the DR account, deletes old ones", async () => {
    const report = await shareSnapshots(client, settings, NOW);
    assert.deepEqual(report.copied, [`ts-platform-${INSTANCE}-2026-12-06-01-05`]);
    const copy = rds.calls.find((c) => c.action === "CopyDBSnapshot")!;
    assert.deepEqual(
      { ...copy.params },
      {
        Action: "CopyDBSnapshot",
        Version: "2014-10-31",
        SourceDBSnapshotIdentifier: "awsbackup:job-new",
        TargetDBSnapshotIdentifier: `ts-platform-${INSTANCE}-2026-12-06-01-05`,
        KmsKeyId: SOURCE_KEY,
        CopyTags: "true",
      },
    );
    assert.deepEqual(report.shared, [`ts-platform-${INSTANCE}-2026-12-05-01-05`]);
    assert.deepEqual(rds.snapshots.get(`ts-platform-${INSTANCE}-2026-12-05-01-05`)!.sharedWith, [DR]);
    assert.deepEqual(report.deleted, [`ts-platform-${INSTANCE}-2026-12-01-01-05`]);
    assert.ok(rds.snapshots.has("someone-elses-manual"), "a snapshot not ours is never deleted");
  });

  it("reads every page of DescribeDBSnapshots", async () => {
    await shareSnapshots(client, settings, NOW);
    const markers = rds.calls
      .filter((c) => c.action === "DescribeDBSnapshots")
      .map((c) => c.params["Marker"]);
    assert.deepEqual(markers, [undefined, "2", "4"]);
  });

  it("changes nothing when the event repeats", async () => {
    await shareSnapshots(client, settings, NOW);
    rds.snapshots.get(`ts-platform-${INSTANCE}-2026-12-06-01-05`)!.status = "available";
    await shareSnapshots(client, settings, NOW);
    rds.calls.length = 0;
    const again = await shareSnapshots(client, settings, NOW);
    assert.deepEqual(again, {
      copied: [],
      shared: [],
      skipped: [`ts-platform-${INSTANCE}-2026-12-06-01-05`],
      deleted: [],
    });
    assert.deepEqual(
      rds.calls
        .map((c) => c.action)
        .filter((a) => a !== "DescribeDBSnapshots" && a !== "DescribeDBSnapshotAttributes"),
      [],
    );
  });

  it("takes a copy that another run made meanwhile as done", async () => {
    rds.failNext = { action: "CopyDBSnapshot", code: "DBSnapshotAlreadyExists", status: 400 };
    const report = await shareSnapshots(client, settings, NOW);
    assert.deepEqual(report.copied, []);
    assert.deepEqual(report.skipped, [`ts-platform-${INSTANCE}-2026-12-06-01-05`]);
  });

  it("retries throttling and gives up after its attempts", async () => {
    rds.throttle = 3;
    await shareSnapshots(client, settings, NOW);
    assert.equal(rds.calls.filter((c) => c.action === "DescribeDBSnapshots").length, 3 + 3);
    rds.throttle = 10;
    await assert.rejects(
      shareSnapshots(client, settings, NOW),
      (e: unknown) => e instanceof RdsError && e.code === "Throttling",
    );
  });

  it("fails on an error that is not worth retrying, naming the action and the code", async () => {
    rds.failNext = { action: "ModifyDBSnapshotAttribute", code: "AuthorizationNotFound", status: 403 };
    await assert.rejects(
      shareSnapshots(client, settings, NOW),
      /RDS ModifyDBSnapshotAttribute failed with HTTP 403 AuthorizationNotFound/,
    );
    assert.equal(rds.calls.filter((c) => c.action === "ModifyDBSnapshotAttribute").length, 1);
  });

  it("signs with SigV4 for rds in its region (a wrong secret is refused)", async () => {
    const wrong = new RdsClient(
      "us-east-1",
      { ...CREDENTIALS, secretAccessKey: "other" },
      { endpoint: new URL(rds.url), ...fast },
    );
    await assert.rejects(wrong.call("DescribeDBSnapshots"), /SignatureDoesNotMatch/);
    const region = new RdsClient("eu-west-1", CREDENTIALS, { endpoint: new URL(rds.url), ...fast });
    await assert.rejects(region.call("DescribeDBSnapshots"), /credential scope/);
  });

  it("reads its settings from the environment", () => {
    const env = {
      DB_INSTANCE_IDENTIFIER: INSTANCE,
      DR_ACCOUNT_ID: DR,
      KMS_KEY_ID: SOURCE_KEY,
      SNAPSHOT_PREFIX: "ts-platform",
      RETENTION_DAYS: "2",
    };
    assert.deepEqual(shareSettings(env), settings);
    assert.throws(() => shareSettings({ ...env, DR_ACCOUNT_ID: "" }), /lacks DR_ACCOUNT_ID/);
    assert.throws(
      () => shareSettings({ ...env, RETENTION_DAYS: "0" }),
      /RETENTION_DAYS "0" must be a whole number of days/,
    );
  });
});

describe("copy-snapshots handler (DR account) against local RDS endpoints of both regions", () => {
  let source: FakeRds;
  let destination: FakeRds;
  let sourceClient: RdsClient;
  let destinationClient: RdsClient;
  const settings = {
    sourceRegion: "us-east-1",
    sourceAccountId: PRIMARY,
    kmsKeyId: DR_KEY,
    pattern: /^(?:ts-platform.*)$/,
    retentionDays: 7,
  };
  const shared = (name: string, created: string, account = PRIMARY, status = "available") =>
    source.add({
      identifier: name,
      arn: `arn:aws:rds:us-east-1:${account}:snapshot:${name}`,
      instance: INSTANCE,
      type: "shared",
      status,
      created,
    });
  beforeEach(async () => {
    source = new FakeRds("us-east-1", DR);
    destination = new FakeRds("us-west-2", DR);
    await source.start();
    await destination.start();
    sourceClient = new RdsClient("us-east-1", CREDENTIALS, { endpoint: new URL(source.url), ...fast });
    destinationClient = new RdsClient("us-west-2", CREDENTIALS, {
      endpoint: new URL(destination.url),
      ...fast,
    });
    shared("ts-platform-a-2026-12-06-01-05", "2026-12-06T02:00:00Z");
    shared("ts-platform-a-2026-12-05-01-05", "2026-12-05T02:00:00Z");
    shared("other-a-2026-12-06", "2026-12-06T02:00:00Z");
    shared("ts-platform-foreign", "2026-12-06T02:00:00Z", "333333333333");
    shared("ts-platform-a-pending", "2026-12-06T11:00:00Z", PRIMARY, "creating");
    destination.add({
      identifier: "ts-platform-a-2026-12-05-01-05",
      instance: "a",
      type: "manual",
      status: "available",
      created: "2026-12-05T03:00:00Z",
    });
    destination.add({
      identifier: "ts-platform-a-2026-11-20-01-05",
      instance: "a",
      type: "manual",
      status: "available",
      created: "2026-11-20T03:00:00Z",
    });
    destination.add({
      identifier: "keep-me",
      instance: "a",
      type: "manual",
      status: "available",
      created: "2026-01-01T03:00:00Z",
    });
  });
  afterEach(async () => {
    await source.stop();
    await destination.stop();
  });

  it("copies each matching snapshot shared by the primary into the DR region with the DR key", async () => {
    const report = await copySnapshots(sourceClient, destinationClient, settings, NOW);
    assert.deepEqual(report.copied, ["ts-platform-a-2026-12-06-01-05"]);
    assert.deepEqual(report.skipped, ["ts-platform-a-2026-12-05-01-05"]);
    const copy = destination.calls.find((c) => c.action === "CopyDBSnapshot")!.params;
    assert.equal(
      copy["SourceDBSnapshotIdentifier"],
      "arn:aws:rds:us-east-1:111111111111:snapshot:ts-platform-a-2026-12-06-01-05",
    );
    assert.equal(copy["KmsKeyId"], DR_KEY);
    assert.equal(copy["SourceRegion"], "us-east-1");
    const url = new URL(copy["PreSignedUrl"]!);
    assert.equal(url.searchParams.get("Action"), "CopyDBSnapshot");
    assert.equal(url.searchParams.get("DestinationRegion"), "us-west-2");
    assert.match(
      url.searchParams.get("X-Amz-Credential")!,
      /^AKIDEXAMPLE\/\d{8}\/us-east-1\/rds\/aws4_request$/,
    );
    assert.match(url.searchParams.get("X-Amz-Signature")!, /^[0-9a-f]{64}$/);
    assert.equal(destination.snapshots.get("ts-platform-a-2026-12-06-01-05")!.kmsKeyId, DR_KEY);
  });

  it("deletes DR copies past the retention, and only those matching the pattern", async () => {
    const report = await copySnapshots(sourceClient, destinationClient, settings, NOW);
    assert.deepEqual(report.deleted, ["ts-platform-a-2026-11-20-01-05"]);
    assert.ok(destination.snapshots.has("keep-me"));
  });

  it("changes nothing when it runs again, and counts a copy deleted meanwhile as deleted", async () => {
    await copySnapshots(sourceClient, destinationClient, settings, NOW);
    destination.calls.length = 0;
    const again = await copySnapshots(sourceClient, destinationClient, settings, NOW);
    assert.deepEqual(again.copied, []);
    assert.equal(destination.calls.filter((c) => c.action === "CopyDBSnapshot").length, 0);
    destination.add({
      identifier: "ts-platform-a-2026-11-21-01-05",
      instance: "a",
      type: "manual",
      status: "available",
      created: "2026-11-21T03:00:00Z",
    });
    destination.failNext = { action: "DeleteDBSnapshot", code: "DBSnapshotNotFound", status: 404 };
    const gone = await copySnapshots(sourceClient, destinationClient, settings, NOW);
    assert.deepEqual(gone.deleted, ["ts-platform-a-2026-11-21-01-05"]);
  });

  it("fails when the DR key cannot be used, naming the action and the code", async () => {
    destination.failNext = { action: "CopyDBSnapshot", code: "KMSKeyNotAccessibleFault", status: 400 };
    await assert.rejects(
      copySnapshots(sourceClient, destinationClient, settings, NOW),
      /RDS CopyDBSnapshot failed with HTTP 400 KMSKeyNotAccessibleFault/,
    );
  });

  it("reports the age of the newest available copy matching the pattern, after the deletions", async () => {
    const report = await copySnapshots(sourceClient, destinationClient, settings, NOW);
    // The copy made in this run is still being created: the newest available one is the 12-05
    // copy, made at 03:00 the day before (33 h); the 11-20 copy was deleted.
    assert.equal(destination.snapshots.get("ts-platform-a-2026-12-06-01-05")!.status, "creating");
    assert.equal(report.newestCopyAgeHours, 33);
    // Kept one day, both available copies are deleted: no age, though they were listed.
    const expired = await copySnapshots(
      sourceClient,
      destinationClient,
      { ...settings, retentionDays: 1 },
      NOW,
    );
    assert.deepEqual(expired.deleted, ["ts-platform-a-2026-12-05-01-05"]);
    assert.equal(expired.newestCopyAgeHours, undefined);
  });

  it("reports no age when no copy is left: the alarm treats the missing data point as breaching", () => {
    const snapshot = (identifier: string, status: string, created?: string) => ({
      identifier,
      arn: "",
      instanceIdentifier: "a",
      status,
      snapshotType: "manual",
      createTime: created === undefined ? undefined : new Date(created),
      kmsKeyId: undefined,
    });
    assert.equal(newestCopyAgeHours([], settings.pattern, NOW), undefined);
    assert.equal(
      newestCopyAgeHours(
        [
          snapshot("keep-me", "available", "2026-12-06T11:00:00Z"),
          snapshot("ts-platform-creating", "creating", "2026-12-06T11:00:00Z"),
          snapshot("ts-platform-no-time", "available"),
        ],
        settings.pattern,
        NOW,
      ),
      undefined,
    );
    assert.equal(
      newestCopyAgeHours(
        [
          snapshot("ts-platform-old", "available", "2026-12-05T00:00:00Z"),
          snapshot("ts-platform-new", "available", "2026-12-06T09:30:00Z"),
        ],
        settings.pattern,
        NOW,
      ),
      2.5,
    );
  });

  it("reads its settings from the environment", () => {
    const env = {
      SOURCE_REGION: "us-east-1",
      SOURCE_ACCOUNT_ID: PRIMARY,
      KMS_KEY_ID: DR_KEY,
      SNAPSHOT_PATTERN: "ts-platform.*",
      RETENTION_DAYS: "7",
    };
    const parsed = copySettings(env);
    assert.ok(parsed.pattern.test("ts-platform-x") && !parsed.pattern.test("x-ts-platform"));
    assert.throws(() => copySettings({ ...env, SOURCE_REGION: undefined }), /lacks SOURCE_REGION/);
  });
});

describe("copy-snapshots handler: the newest copy's age to a local CloudWatch", () => {
  let cloudwatch: FakeCloudWatch;
  let metrics: MetricsClient;
  beforeEach(async () => {
    cloudwatch = new FakeCloudWatch("us-west-2");
    await cloudwatch.start();
    metrics = new MetricsClient("us-west-2", CREDENTIALS, { endpoint: new URL(cloudwatch.url), ...fast });
  });
  afterEach(() => cloudwatch.stop());
  const report = { copied: [], shared: [], skipped: [], deleted: [] };

  it("publishes NewestCopyAgeHours under the namespace with the function's name, signed for monitoring", async () => {
    await publishCopyAge(metrics, "TDP/DR", "acme-tdp-dr-copy-snapshots", {
      ...report,
      newestCopyAgeHours: 2.5,
    });
    assert.deepEqual(cloudwatch.calls, [
      {
        Action: "PutMetricData",
        Version: "2010-08-01",
        Namespace: "TDP/DR",
        "MetricData.member.1.MetricName": "NewestCopyAgeHours",
        "MetricData.member.1.Value": "2.5",
        "MetricData.member.1.Unit": "None",
        "MetricData.member.1.Dimensions.member.1.Name": "FunctionName",
        "MetricData.member.1.Dimensions.member.1.Value": "acme-tdp-dr-copy-snapshots",
      },
    ]);
  });

  it("publishes nothing when there is no copy", async () => {
    await publishCopyAge(metrics, "TDP/DR", "f", report);
    assert.deepEqual(cloudwatch.calls, []);
  });

  it("retries throttling, and fails on a refusal naming the code", async () => {
    cloudwatch.throttle = 2;
    await publishCopyAge(metrics, "TDP/DR", "f", { ...report, newestCopyAgeHours: 1 });
    assert.equal(cloudwatch.calls.length, 1);
    cloudwatch.deny = true;
    await assert.rejects(
      publishCopyAge(metrics, "TDP/DR", "f", { ...report, newestCopyAgeHours: 1 }),
      /CloudWatch PutMetricData failed with HTTP 403 AccessDenied/,
    );
    cloudwatch.deny = false;
    cloudwatch.throttle = 10;
    await assert.rejects(
      publishCopyAge(metrics, "TDP/DR", "f", { ...report, newestCopyAgeHours: 1 }),
      /HTTP 400 Throttling/,
    );
  });

  it("is refused with a wrong secret (the signature is checked)", async () => {
    const wrong = new MetricsClient(
      "us-west-2",
      { ...CREDENTIALS, secretAccessKey: "wrong" },
      { endpoint: new URL(cloudwatch.url), ...fast },
    );
    await assert.rejects(
      publishCopyAge(wrong, "TDP/DR", "f", { ...report, newestCopyAgeHours: 1 }),
      /HTTP 403 SignatureDoesNotMatch/,
    );
  });
});
