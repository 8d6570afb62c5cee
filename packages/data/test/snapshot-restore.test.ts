import { strict as assert } from "node:assert";

import { handler, log as jsonLog } from "../src/snapshot/handler";
import { parseRestoreEvent, runRestore } from "../src/snapshot/restore";
import {
  chooseSnapshot,
  indexMatches,
  planRestore,
  validateSearchRestore,
} from "../src/snapshot/restore-choice";
import { readSnapshotSettings } from "../src/snapshot/settings";
import type { FakeDomain, FakeSnapshot } from "./snapshot-fixtures";
import {
  assertSignedRequests,
  captureLogs,
  snapshotEnvironment,
  startFakeDomain,
  withEnvironment,
} from "./snapshot-fixtures";

const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };
const LATEST = { snapshot: "latest", indices: "*" };
const log = () => undefined;

/** The replicated repository: two of the primary's snapshots, a failed one, and the new domain's empty one. */
const REPLICATED: FakeSnapshot[] = [
  {
    snapshot: "tdp-2026-12-05t18-00-00z",
    state: "SUCCESS",
    indices: ["documents", "audit-2026.12", ".kibana_1"],
    start_time_in_millis: 1_765_000_000_000,
  },
  {
    snapshot: "tdp-2026-12-06t00-00-00z",
    state: "SUCCESS",
    indices: ["documents", "audit-2026.12", "samples", ".kibana_1", ".opendistro-job-scheduler-lock"],
    start_time_in_millis: 1_765_021_600_000,
  },
  {
    snapshot: "tdp-2026-12-06t06-00-00z",
    state: "FAILED",
    indices: ["documents", "samples"],
    start_time_in_millis: 1_765_043_200_000,
  },
  // The recovery domain's first scheduled run: only its own system indices.
  {
    snapshot: "tdp-2026-12-06t09-00-00z",
    state: "SUCCESS",
    indices: [".kibana_1", ".plugins-ml-config"],
    start_time_in_millis: 1_765_054_000_000,
  },
];

describe("search restore choices (pure)", () => {
  it("accepts latest or a snapshot name, and index patterns", () => {
    validateSearchRestore({});
    validateSearchRestore({ snapshot: "tdp-2026-12-06t00-00-00z", indices: "documents*,-documents-old" });
  });

  it("refuses a bad snapshot name, system indices, a bad pattern and exclusions alone", () => {
    assert.throws(
      () => validateSearchRestore({ snapshot: "Latest" }, "recovery.searchRestore"),
      /^Error: recovery.searchRestore.snapshot "Latest" must be "latest" or a snapshot name/,
    );
    assert.throws(
      () => validateSearchRestore({ indices: "*,.kibana*" }),
      /searchRestore.indices "\*,.kibana\*": ".kibana\*" names system indices, which are never restored/,
    );
    assert.throws(
      () => validateSearchRestore({ indices: "docs/2026" }),
      /"docs\/2026" is not an index pattern/,
    );
    assert.throws(
      () => validateSearchRestore({ indices: "-audit*" }),
      /only excludes; name the indices to restore first, e.g. "\*,-audit\*"/,
    );
  });

  it("matches inclusions less exclusions, never a system index", () => {
    assert.ok(indexMatches("*", "documents"));
    assert.ok(!indexMatches("*", ".kibana_1"));
    assert.ok(indexMatches("audit-*,documents", "audit-2026.12"));
    assert.ok(!indexMatches("*,-audit-*", "audit-2026.12"));
    assert.ok(!indexMatches("doc", "documents"), "a pattern matches whole names");
    assert.ok(!indexMatches("a.c", "abc"), "a dot is a dot");
  });

  it("latest: the newest successful snapshot holding matching indices, never the empty domain's", () => {
    assert.equal(chooseSnapshot(REPLICATED, "latest", "*", "tdp-s3").snapshot, "tdp-2026-12-06t00-00-00z");
    // Listed out of order: the start time decides.
    assert.equal(
      chooseSnapshot([...REPLICATED].reverse(), "latest", "*", "tdp-s3").snapshot,
      "tdp-2026-12-06t00-00-00z",
    );
    // The pattern decides too: here only the older snapshot is listed and it holds audit-*.
    assert.equal(
      chooseSnapshot(REPLICATED.slice(0, 1), "latest", "audit-*", "tdp-s3").snapshot,
      "tdp-2026-12-05t18-00-00z",
    );
  });

  it("latest with nothing to restore, a named snapshot missing or unfinished: clear errors", () => {
    assert.throws(
      () => chooseSnapshot(REPLICATED.slice(3), "latest", "*", "tdp-s3 (s3://b/opensearch)"),
      /^Error: no successful snapshot in repository tdp-s3 \(s3:\/\/b\/opensearch\) holds indices matching "\*" \(1 snapshots listed\): check that the backup bucket replicated/,
    );
    assert.throws(
      () => chooseSnapshot(REPLICATED, "tdp-2026-01-01t00-00-00z", "*", "tdp-s3"),
      /snapshot "tdp-2026-01-01t00-00-00z" is not in repository tdp-s3; its newest are tdp-2026-12-05t18-00-00z, .*tdp-2026-12-06t09-00-00z .*set searchRestore.snapshot to one of them, or "latest"/,
    );
    assert.throws(
      () => chooseSnapshot([], "tdp-x", "*", "tdp-s3"),
      /the repository holds no snapshot: check that the backup bucket replicated/,
    );
    assert.throws(
      () => chooseSnapshot(REPLICATED, "tdp-2026-12-06t06-00-00z", "*", "tdp-s3"),
      /snapshot "tdp-2026-12-06t06-00-00z" in repository tdp-s3 is FAILED, not SUCCESS/,
    );
  });

  it("plans: system indices out, present ones left alone, the rest restored", () => {
    assert.deepEqual(
      planRestore(["samples", ".kibana_1", "documents", "audit"], "*,-audit", new Set(["documents"])),
      {
        restore: ["samples"],
        existing: ["documents"],
        system: [".kibana_1"],
      },
    );
  });
});

describe("the restore event", () => {
  it("a schedule's event is a snapshot run; a restore event is read with its defaults", () => {
    assert.equal(parseRestoreEvent(undefined), undefined);
    assert.equal(parseRestoreEvent({ source: "aws.events", "detail-type": "Scheduled Event" }), undefined);
    assert.deepEqual(parseRestoreEvent({ action: "restore" }), LATEST);
    assert.deepEqual(parseRestoreEvent({ action: "restore", snapshot: "tdp-x", indices: "docs*" }), {
      snapshot: "tdp-x",
      indices: "docs*",
    });
  });

  it("refuses an unknown action, a value that is not a string, a bad setting", () => {
    assert.throws(
      () => parseRestoreEvent({ action: "delete" }),
      /event action "delete" is not one this function knows/,
    );
    assert.throws(
      () => parseRestoreEvent({ action: "restore", indices: 3 }),
      /restore event: indices must be a string, not 3/,
    );
    assert.throws(
      () => parseRestoreEvent({ action: "restore", indices: ".kibana" }),
      /restore event.indices ".kibana"/,
    );
  });
});

describe("restore action against a local stand-in for the domain", () => {
  let domain: FakeDomain | undefined;
  afterEach(async () => {
    await domain?.close();
    domain = undefined;
  });
  const settingsFor = (d: FakeDomain) => readSnapshotSettings(snapshotEnvironment(d.endpoint));

  it("registers the replicated repository, restores the newest snapshot's missing indices without waiting, signed", async () => {
    domain = await startFakeDomain({ snapshots: REPLICATED, indices: { samples: {}, ".kibana_1": {} } });
    const { result, lines } = await captureLogs(() =>
      runRestore(settingsFor(domain!), CREDENTIALS, LATEST, jsonLog),
    );
    assert.deepEqual(result, {
      action: "restore",
      repositoryRegistered: true,
      snapshot: "tdp-2026-12-06t00-00-00z",
      restore: ["audit-2026.12", "documents"],
      existing: ["samples"],
      system: [".kibana_1", ".opendistro-job-scheduler-lock"],
    });
    assert.deepEqual(
      domain.requests.map((r) => `${r.method} ${r.path}`),
      [
        "GET /_snapshot/tdp-s3",
        "PUT /_snapshot/tdp-s3",
        "GET /_snapshot/tdp-s3/_all",
        "GET /_cat/indices?format=json&h=index&expand_wildcards=all",
        "POST /_snapshot/tdp-s3/tdp-2026-12-06t00-00-00z/_restore?wait_for_completion=false",
      ],
    );
    assert.deepEqual(domain.restores, [
      {
        snapshot: "tdp-2026-12-06t00-00-00z",
        body: { indices: "audit-2026.12,documents", include_global_state: false },
      },
    ]);
    assertSignedRequests(domain.requests, CREDENTIALS.secretAccessKey);
    assert.deepEqual(
      lines.map((l) => l["event"]),
      ["repository-registered", "restore-started"],
    );
  });

  it("run again, restores nothing (the indices exist now) and sends no restore", async () => {
    domain = await startFakeDomain({ repositoryExists: true, snapshots: REPLICATED });
    await runRestore(settingsFor(domain), CREDENTIALS, LATEST, log);
    const again = await runRestore(settingsFor(domain), CREDENTIALS, LATEST, log);
    assert.deepEqual(again.restore, []);
    assert.deepEqual(again.existing, ["audit-2026.12", "documents", "samples"]);
    assert.equal(again.repositoryRegistered, false);
    assert.equal(domain.restores.length, 1);
    assert.equal(domain.requests.filter((r) => r.method === "POST").length, 1);
  });

  it("restores a named snapshot, with the index patterns", async () => {
    domain = await startFakeDomain({ repositoryExists: true, snapshots: REPLICATED });
    const result = await runRestore(
      settingsFor(domain),
      CREDENTIALS,
      { snapshot: "tdp-2026-12-05t18-00-00z", indices: "*,-audit-*" },
      log,
    );
    assert.equal(result.snapshot, "tdp-2026-12-05t18-00-00z");
    assert.deepEqual(domain.restores[0]!.body, { indices: "documents", include_global_state: false });
  });

  it("a named snapshot missing, or no snapshot at all: a clear error and no restore", async () => {
    domain = await startFakeDomain({ repositoryExists: true, snapshots: REPLICATED });
    await assert.rejects(
      runRestore(
        settingsFor(domain),
        CREDENTIALS,
        { snapshot: "tdp-2025-01-01t00-00-00z", indices: "*" },
        log,
      ),
      /snapshot "tdp-2025-01-01t00-00-00z" is not in repository tdp-s3 \(s3:\/\/acme-tdp-production-backup\/opensearch\)/,
    );
    await domain.close();
    domain = await startFakeDomain({ repositoryExists: true, snapshots: [] });
    await assert.rejects(
      runRestore(settingsFor(domain), CREDENTIALS, LATEST, log),
      /no successful snapshot in repository tdp-s3 \(s3:\/\/acme-tdp-production-backup\/opensearch\) holds indices matching "\*" \(0 snapshots listed\)/,
    );
    assert.equal(domain.requests.filter((r) => r.method === "POST").length, 0);
  });

  it("a restore the domain refuses fails with its answer", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      snapshots: REPLICATED,
      fail: {
        request: "POST /_snapshot/tdp-s3/",
        status: 403,
        body: '{"error":{"type":"security_exception"}}',
      },
    });
    await assert.rejects(
      runRestore(settingsFor(domain), CREDENTIALS, LATEST, log),
      /POST \/_snapshot\/tdp-s3\/tdp-2026-12-06t00-00-00z\/_restore\?wait_for_completion=false failed with HTTP 403: .*security_exception/,
    );
  });

  it("the Lambda entry point runs the restore for a restore event, and logs its failure", async () => {
    domain = await startFakeDomain({ snapshots: REPLICATED });
    const env = snapshotEnvironment(domain.endpoint);
    const ok = await withEnvironment(env, () =>
      captureLogs(() => handler({ action: "restore", snapshot: "latest", indices: "*" })),
    );
    assert.equal((ok.result as { action?: string } | undefined)?.action, "restore");
    assert.equal(domain.restores.length, 1);
    assert.ok(
      !domain.requests.some((r) => r.method === "PUT" && r.path.startsWith("/_snapshot/tdp-s3/tdp-")),
      "no snapshot taken",
    );
    const bad = await withEnvironment(env, () =>
      captureLogs(() => handler({ action: "restore", snapshot: "tdp-none" })),
    );
    assert.match(bad.error?.message ?? "", /snapshot "tdp-none" is not in repository/);
    assert.equal(bad.lines.at(-1)!["event"], "run-failed");
  });
});
