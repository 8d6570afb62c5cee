import { strict as assert } from "node:assert";

import { handler, runSnapshot } from "../src/snapshot/handler";
import { snapshotName, snapshotTime, snapshotsToDelete } from "../src/snapshot/names";
import { readSnapshotSettings } from "../src/snapshot/settings";
import type { FakeDomain } from "./snapshot-fixtures";
import {
  captureLogs,
  expectedSignature,
  snapshotEnvironment,
  startFakeDomain,
  withEnvironment,
} from "./snapshot-fixtures";

const NOW = new Date("2026-11-23T09:00:00Z");
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };

function settingsFor(domain: FakeDomain) {
  return readSnapshotSettings(snapshotEnvironment(domain.endpoint));
}

const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);

describe("snapshot names and pruning (pure)", () => {
  it("names sort in time order and read back", () => {
    assert.equal(snapshotName("tdp", NOW), "tdp-2026-11-23t09-00-00z");
    assert.deepEqual(snapshotTime("tdp", "tdp-2026-11-23t09-00-00z"), NOW);
    assert.equal(snapshotTime("tdp", "cs-automated-2026-11-23"), undefined);
    assert.equal(snapshotTime("tdp", "tdpx-2026-11-23t09-00-00z"), undefined);
    const names = [daysAgo(2), daysAgo(30), NOW].map((d) => snapshotName("tdp", d));
    assert.deepEqual([...names].sort(), [names[1], names[0], names[2]]);
  });

  it("deletes our old snapshots, never the newest successful ones, one in progress or another's", () => {
    const snapshots = [
      { snapshot: snapshotName("tdp", daysAgo(40)), state: "SUCCESS" },
      { snapshot: snapshotName("tdp", daysAgo(30)), state: "FAILED" },
      { snapshot: snapshotName("tdp", daysAgo(20)), state: "IN_PROGRESS" },
      { snapshot: snapshotName("tdp", daysAgo(16)), state: "SUCCESS" },
      { snapshot: snapshotName("tdp", daysAgo(15)), state: "SUCCESS" },
      { snapshot: snapshotName("tdp", daysAgo(1)), state: "SUCCESS" },
      { snapshot: "manual-before-upgrade", state: "SUCCESS" },
    ];
    assert.deepEqual(
      snapshotsToDelete(snapshots, { prefix: "tdp", retentionDays: 14, minimumSnapshots: 2 }, NOW),
      [snapshotName("tdp", daysAgo(40)), snapshotName("tdp", daysAgo(30)), snapshotName("tdp", daysAgo(16))],
    );
    // Keeping the newest 4 successful ones spares everything but the failed one.
    assert.deepEqual(
      snapshotsToDelete(snapshots, { prefix: "tdp", retentionDays: 14, minimumSnapshots: 4 }, NOW),
      [snapshotName("tdp", daysAgo(30))],
    );
  });
});

describe("snapshot settings", () => {
  it("reads the environment SearchDomain sets", () => {
    const s = readSnapshotSettings(snapshotEnvironment("https://vpc-acme.us-east-1.es.amazonaws.com"));
    assert.equal(s.endpoint.href, "https://vpc-acme.us-east-1.es.amazonaws.com/");
    assert.equal(s.repository, "tdp-s3");
    assert.equal(s.retentionDays, 14);
    assert.equal(s.minimumSnapshots, 4);
    assert.equal(
      readSnapshotSettings({ ...snapshotEnvironment("vpc-acme.es.amazonaws.com") }).endpoint.protocol,
      "https:",
    );
  });

  it("names what is missing or wrong", () => {
    const env = snapshotEnvironment("https://x.es.amazonaws.com");
    delete (env as Record<string, string | undefined>)["BUCKET"];
    delete (env as Record<string, string | undefined>)["AWS_REGION"];
    assert.throws(() => readSnapshotSettings(env), /missing environment variables: BUCKET, AWS_REGION/);
    assert.throws(
      () => readSnapshotSettings(snapshotEnvironment("http://vpc-acme.es.amazonaws.com")),
      /DOMAIN_ENDPOINT "http:\/\/vpc-acme.es.amazonaws.com" must use https/,
    );
    assert.throws(
      () => readSnapshotSettings({ ...snapshotEnvironment("https://x"), RETENTION_DAYS: "0" }),
      /RETENTION_DAYS "0" must be a whole number of at least 1/,
    );
    assert.throws(
      () => readSnapshotSettings({ ...snapshotEnvironment("https://x"), SNAPSHOT_PREFIX: "TDP" }),
      /SNAPSHOT_PREFIX "TDP" must be lowercase/,
    );
  });
});

describe("snapshot handler against a local stand-in for the domain", () => {
  let domain: FakeDomain | undefined;
  afterEach(async () => {
    await domain?.close();
    domain = undefined;
  });

  it("registers the missing repository, takes a snapshot and signs every request", async () => {
    domain = await startFakeDomain();
    const { result, lines } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.deepEqual(result, {
      repositoryRegistered: true,
      snapshot: "tdp-2026-11-23t09-00-00z",
      deleted: [],
    });
    assert.deepEqual(
      domain.requests.map((r) => `${r.method} ${r.path}`),
      [
        "GET /_snapshot/tdp-s3",
        "PUT /_snapshot/tdp-s3",
        "GET /_snapshot/_status",
        "PUT /_snapshot/tdp-s3/tdp-2026-11-23t09-00-00z",
        "GET /_snapshot/tdp-s3/_all",
      ],
    );
    assert.deepEqual(domain.requests[1]!.body, {
      type: "s3",
      settings: {
        bucket: "acme-tdp-production-backup",
        base_path: "opensearch",
        region: "us-east-1",
        role_arn: "arn:aws:iam::111111111111:role/acme-tdp-production-search-snapshots",
      },
    });
    assert.deepEqual(domain.requests[3]!.body, {
      indices: "*,-.opendistro_security",
      include_global_state: false,
    });
    for (const r of domain.requests) {
      const auth = String(r.headers["authorization"]);
      assert.match(
        auth,
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20\d{6}\/us-east-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
      );
      assert.match(String(r.headers["x-amz-date"]), /^\d{8}T\d{6}Z$/);
      assert.match(String(r.headers["x-amz-content-sha256"]), /^[0-9a-f]{64}$/);
      assert.equal(r.headers["x-amz-security-token"], "token");
      const signature = /Signature=([0-9a-f]{64})$/.exec(auth)![1];
      assert.equal(
        signature,
        expectedSignature(r, CREDENTIALS.secretAccessKey),
        `${r.method} ${r.path}: bad signature`,
      );
      assert.notEqual(signature, expectedSignature(r, "another-secret"), "the check must depend on the key");
      for (const h of ["host", "x-amz-date", "x-amz-content-sha256", "x-amz-security-token"]) {
        assert.match(auth, new RegExp(`SignedHeaders=([a-z0-9-]+;)*${h}(;|,)`), `${h} is not signed`);
      }
    }
    // The body's hash is the signed one.
    const { createHash } = await import("node:crypto");
    assert.equal(
      domain.requests[1]!.headers["x-amz-content-sha256"],
      createHash("sha256").update(JSON.stringify(domain.requests[1]!.body)).digest("hex"),
    );
    assert.deepEqual(
      lines.map((l) => l["event"]),
      ["repository-registered", "snapshot-started", "run-finished"],
    );
  });

  it("does not register a repository that exists", async () => {
    domain = await startFakeDomain({ repositoryExists: true });
    const { result } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(result?.repositoryRegistered, false);
    assert.equal(
      domain.requests.filter((r) => r.method === "PUT" && r.path === "/_snapshot/tdp-s3").length,
      0,
    );
    assert.ok(domain.snapshots.some((s) => s.snapshot === "tdp-2026-11-23t09-00-00z"));
  });

  it("registers the repository again when its settings differ (a new bucket)", async () => {
    domain = await startFakeDomain({
      repository: { type: "s3", settings: { bucket: "old-backup-bucket", base_path: "opensearch" } },
    });
    const { result, lines } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(result?.repositoryRegistered, true);
    const put = domain.requests.find((r) => r.method === "PUT" && r.path === "/_snapshot/tdp-s3");
    assert.equal(
      (put?.body as { settings: { bucket: string } }).settings.bucket,
      "acme-tdp-production-backup",
    );
    assert.equal(lines[0]!["event"], "repository-updated");
  });

  it("skips the snapshot when the domain's own snapshot starts in between (503 concurrent snapshot)", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      fail: {
        request: "PUT /_snapshot/tdp-s3/tdp-",
        status: 503,
        body: '{"error":{"type":"concurrent_snapshot_execution_exception","reason":"cannot snapshot while a snapshot is running"}}',
      },
    });
    const { result, lines, error } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW),
    );
    assert.equal(error, undefined);
    assert.equal(result?.snapshot, undefined);
    assert.equal(lines[0]!["event"], "snapshot-skipped");
    assert.equal(lines[0]!["reason"], "another snapshot started meanwhile");
  });

  it("a 503 for another reason still fails", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      fail: { request: "PUT /_snapshot/tdp-s3/tdp-", status: 503, body: "cluster_block_exception" },
    });
    const { error } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.match(error?.message ?? "", /failed with HTTP 503: cluster_block_exception/);
  });

  it("prunes old snapshots of its own, keeping the newest and others' snapshots", async () => {
    const old = [40, 20, 15].map((d) => snapshotName("tdp", daysAgo(d)));
    const recent = [3, 2, 1].map((d) => snapshotName("tdp", daysAgo(d)));
    domain = await startFakeDomain({
      repositoryExists: true,
      snapshots: [
        ...[...old, ...recent].map((snapshot) => ({ snapshot, state: "SUCCESS" })),
        { snapshot: "before-upgrade", state: "SUCCESS" },
      ],
    });
    const { result, lines } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    // Four kept (3 recent + the 15-day one, as the new snapshot is still in progress).
    assert.deepEqual(result?.deleted, [old[0], old[1]]);
    assert.deepEqual(
      domain.requests.filter((r) => r.method === "DELETE").map((r) => r.path),
      [`/_snapshot/tdp-s3/${old[0]}`, `/_snapshot/tdp-s3/${old[1]}`],
    );
    assert.deepEqual(
      domain.snapshots.map((s) => s.snapshot).sort(),
      [old[2]!, ...recent, "before-upgrade", "tdp-2026-11-23t09-00-00z"].sort(),
    );
    assert.equal(lines.filter((l) => l["event"] === "snapshot-deleted").length, 2);
  });

  it("skips the snapshot while another one runs, and still prunes", async () => {
    domain = await startFakeDomain({ repositoryExists: true, running: ["2026-11-23t08-00-00.cs-automated"] });
    const { result, lines } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(result?.snapshot, undefined);
    assert.ok(!domain.requests.some((r) => r.method === "PUT"));
    assert.equal(lines[0]!["event"], "snapshot-skipped");
  });

  it("throws the status and body of a failed request", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      fail: {
        request: "PUT /_snapshot/tdp-s3/tdp-",
        status: 403,
        body: '{"error":{"type":"security_exception","reason":"no permissions for [cluster:admin/snapshot/create]"}}',
      },
    });
    const { error } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.match(
      error?.message ?? "",
      /^PUT \/_snapshot\/tdp-s3\/tdp-2026-11-23t09-00-00z failed with HTTP 403: .*security_exception/,
    );
  });

  it("fails a repository registration the domain refuses (no PassRole) with its answer", async () => {
    domain = await startFakeDomain({
      fail: {
        request: "PUT /_snapshot/tdp-s3",
        status: 500,
        body: '{"error":"not authorized to perform iam:PassRole"}',
      },
    });
    const { error } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.match(error?.message ?? "", /PUT \/_snapshot\/tdp-s3 failed with HTTP 500: .*iam:PassRole/);
  });

  it("a repository look-up error other than 404 throws", async () => {
    domain = await startFakeDomain({
      fail: { request: "GET /_snapshot/tdp-s3", status: 503, body: "unavailable" },
    });
    const { error } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(error?.message, "GET /_snapshot/tdp-s3 failed with HTTP 503: unavailable");
  });

  it("the Lambda entry point reads the environment and logs a failure before rethrowing", async () => {
    domain = await startFakeDomain();
    const ok = await withEnvironment(snapshotEnvironment(domain.endpoint), () =>
      captureLogs(() => handler()),
    );
    assert.equal(ok.result?.repositoryRegistered, true);
    const bad = await withEnvironment({ ...snapshotEnvironment(domain.endpoint), REPOSITORY: "" }, () =>
      captureLogs(() => handler()),
    );
    assert.match(bad.error?.message ?? "", /missing environment variables: REPOSITORY/);
    assert.equal(bad.lines.at(-1)!["event"], "run-failed");
  });
});
