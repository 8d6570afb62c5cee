import { strict as assert } from "node:assert";

import type { AuditLoggingSettings } from "../src/snapshot/audit-logging";
import { BASE_AUDIT_CONFIG, planAuditConfig } from "../src/snapshot/audit-logging";
import { runSnapshot } from "../src/snapshot/handler";
import { readSnapshotSettings } from "../src/snapshot/settings";
import { durationMs, slowLogSettingsFor, slowLogThresholdProblems } from "../src/snapshot/slow-logs";
import type { FakeDomain } from "./snapshot-fixtures";
import {
  assertSignedRequests,
  FRESH_AUDIT_CONFIG,
  DEFAULT_LOG_ENVIRONMENT as LOG_ENVIRONMENT,
  captureLogs,
  snapshotEnvironment,
  startFakeDomain,
} from "./snapshot-fixtures";

const NOW = new Date("2026-11-23T09:00:00Z");
const CREDENTIALS = { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "token" };
const SNAPSHOT = "tdp-2026-11-23t09-00-00z";

const WANTED = JSON.parse(LOG_ENVIRONMENT.SLOW_LOG_THRESHOLDS) as Record<string, string>;
const SETTINGS_QUERY =
  "/_settings/index.search.slowlog.threshold.query.warn,index.search.slowlog.threshold.query.info," +
  "index.search.slowlog.threshold.fetch.warn,index.indexing.slowlog.threshold.index.warn," +
  "index.indexing.slowlog.threshold.index.info?flat_settings=true&expand_wildcards=open";

const DEFAULTS: AuditLoggingSettings = {
  rest: true,
  transport: true,
  disabledRestCategories: ["AUTHENTICATED", "GRANTED_PRIVILEGES"],
  disabledTransportCategories: ["AUTHENTICATED", "GRANTED_PRIVILEGES"],
  compliance: true,
};

function settingsFor(domain: FakeDomain, extra: Record<string, string> = {}) {
  return readSnapshotSettings({ ...snapshotEnvironment(domain.endpoint), ...LOG_ENVIRONMENT, ...extra });
}

/** Requests of the two log steps, as `METHOD path`. */
const logRequests = (domain: FakeDomain) =>
  domain.requests
    .filter((r) => r.path.startsWith("/_plugins/_security/api/audit") || r.path.includes("_settings"))
    .map((r) => `${r.method} ${r.path}`);

const writes = (domain: FakeDomain) =>
  domain.requests.filter(
    (r) => r.method === "PUT" && (r.path.includes("/audit/") || r.path.includes("_settings")),
  );

describe("audit and slow-log settings (pure)", () => {
  it("plans only the owned fields, keeping the rest of the configuration", () => {
    const current = structuredClone(FRESH_AUDIT_CONFIG);
    current.audit.ignore_requests = ["SearchRequest"];
    current.audit.disabled_rest_categories = ["GRANTED_PRIVILEGES", "AUTHENTICATED"]; // order differs
    const plan = planAuditConfig(current, [], DEFAULTS);
    assert.deepEqual(plan.changed, ["/enabled"]);
    assert.deepEqual(plan.config, { ...current, enabled: true });
    assert.deepEqual(planAuditConfig({ ...current, enabled: true }, [], DEFAULTS), {
      changed: [],
      readonly: [],
    });
    // No configuration yet: the documented base, with the owned fields.
    const fresh = planAuditConfig(undefined, [], { ...DEFAULTS, transport: false });
    assert.deepEqual(fresh.config, {
      ...BASE_AUDIT_CONFIG,
      audit: { ...BASE_AUDIT_CONFIG.audit, enable_transport: false },
    });
  });

  it("never plans a change of a read-only field", () => {
    const current = { ...structuredClone(FRESH_AUDIT_CONFIG), enabled: true };
    current.compliance.enabled = false;
    const plan = planAuditConfig(current, ["/compliance/enabled"], DEFAULTS);
    assert.deepEqual(plan, { changed: [], readonly: ["/compliance/enabled"] });
  });

  it("reads durations by value and checks thresholds", () => {
    assert.equal(durationMs("2s"), 2000);
    assert.equal(durationMs("2000ms"), 2000);
    assert.equal(durationMs("1m"), 60_000);
    assert.equal(durationMs("-1"), -1);
    assert.equal(durationMs("2 s"), undefined);
    assert.equal(durationMs(undefined), undefined);
    assert.deepEqual(slowLogThresholdProblems({ searchQueryWarn: "10s", indexingInfo: "-1" }), []);
    assert.deepEqual(
      slowLogThresholdProblems({ searchFetchInfo: "2s", indexingWarn: "0ms", nope: "1s" }).map(
        (p) => p.message,
      ),
      [
        'indexingWarn "0ms" must be a duration from 1ms to 1h such as 500ms, 2s or 1m, or -1 (that level off)',
        "nope is not a slow-log threshold (known: searchQueryWarn, searchQueryInfo, searchFetchWarn, searchFetchInfo, indexingWarn, indexingInfo)",
        "searchFetchInfo 2s must not exceed searchFetchWarn 1s (info logs requests slower than it, warn the slowest)",
      ],
    );
    assert.deepEqual(slowLogSettingsFor({ thresholds: { searchFetchInfo: "500ms" } }), {
      ...WANTED,
      "index.search.slowlog.threshold.fetch.info": "500ms",
    });
    assert.equal(slowLogSettingsFor({ enabled: false }), undefined);
  });
});

describe("audit and slow-log settings from the environment", () => {
  const env = snapshotEnvironment("https://x.es.amazonaws.com");

  it("leaves both steps out unless their variables are set", () => {
    const plain = readSnapshotSettings(env);
    assert.equal(plain.auditLogging, undefined);
    assert.equal(plain.slowLogThresholds, undefined);
    assert.equal(readSnapshotSettings({ ...env, AUDIT_LOGGING: "false" }).auditLogging, undefined);
  });

  it("reads the audit settings with their defaults, NONE and the ignored users", () => {
    assert.deepEqual(readSnapshotSettings({ ...env, AUDIT_LOGGING: "true" }).auditLogging, DEFAULTS);
    assert.deepEqual(
      readSnapshotSettings({
        ...env,
        AUDIT_LOGGING: "true",
        AUDIT_TRANSPORT: "false",
        AUDIT_DISABLED_REST_CATEGORIES: "NONE",
        AUDIT_DISABLED_TRANSPORT_CATEGORIES: "AUTHENTICATED, INDEX_EVENT",
        AUDIT_IGNORE_USERS: "arn:aws:iam::111111111111:role/a,arn:aws:iam::111111111111:role/b",
        AUDIT_COMPLIANCE: "false",
      }).auditLogging,
      {
        rest: true,
        transport: false,
        disabledRestCategories: [],
        disabledTransportCategories: ["AUTHENTICATED", "INDEX_EVENT"],
        ignoreUsers: ["arn:aws:iam::111111111111:role/a", "arn:aws:iam::111111111111:role/b"],
        compliance: false,
      },
    );
  });

  it("names the variable of a bad audit value", () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ AUDIT_LOGGING: "yes" }, /AUDIT_LOGGING "yes" must be true or false/],
      [{ AUDIT_LOGGING: "true", AUDIT_REST: "1" }, /AUDIT_REST "1" must be true or false/],
      [
        { AUDIT_LOGGING: "true", AUDIT_DISABLED_REST_CATEGORIES: "AUTHENTICATED,,FAILED_LOGIN" },
        /AUDIT_DISABLED_REST_CATEGORIES "AUTHENTICATED,,FAILED_LOGIN" has an empty item/,
      ],
      [
        { AUDIT_LOGGING: "true", AUDIT_DISABLED_REST_CATEGORIES: "INDEX_EVENT" },
        /AUDIT_DISABLED_REST_CATEGORIES: disabledRestCategories: "INDEX_EVENT" is not an audit category of this layer/,
      ],
      [
        { AUDIT_LOGGING: "true", AUDIT_DISABLED_TRANSPORT_CATEGORIES: "EVERYTHING" },
        /AUDIT_DISABLED_TRANSPORT_CATEGORIES: disabledTransportCategories: "EVERYTHING" is not an audit category/,
      ],
      [
        { AUDIT_LOGGING: "true", AUDIT_IGNORE_USERS: "*" },
        /AUDIT_IGNORE_USERS: ignoreUsers: "\*" would ignore every user/,
      ],
      [
        { AUDIT_LOGGING: "true", AUDIT_REST: "false", AUDIT_TRANSPORT: "false" },
        /AUDIT_REST and AUDIT_TRANSPORT: rest and transport are both false/,
      ],
    ];
    for (const [extra, message] of cases) {
      assert.throws(() => readSnapshotSettings({ ...env, ...extra }), message, JSON.stringify(extra));
    }
  });

  it("reads the slow-log thresholds and names a bad one", () => {
    assert.deepEqual(
      readSnapshotSettings({ ...env, SLOW_LOG_THRESHOLDS: LOG_ENVIRONMENT.SLOW_LOG_THRESHOLDS })
        .slowLogThresholds,
      WANTED,
    );
    const cases: [string, RegExp][] = [
      ["5s", /SLOW_LOG_THRESHOLDS is not JSON/],
      ["[]", /SLOW_LOG_THRESHOLDS must be a non-empty object/],
      ["{}", /SLOW_LOG_THRESHOLDS must be a non-empty object/],
      [
        '{"index.refresh_interval":"1s"}',
        /SLOW_LOG_THRESHOLDS: "index.refresh_interval" is not a slow-log threshold setting/,
      ],
      [
        '{"index.search.slowlog.threshold.query.warn":"fast"}',
        /SLOW_LOG_THRESHOLDS: index.search.slowlog.threshold.query.warn "fast" must be a duration/,
      ],
      [
        '{"index.search.slowlog.threshold.query.warn":5}',
        /SLOW_LOG_THRESHOLDS: index.search.slowlog.threshold.query.warn 5 must be a duration/,
      ],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => readSnapshotSettings({ ...env, SLOW_LOG_THRESHOLDS: text }), message, text);
    }
  });
});

describe("snapshot function: audit logging and slow logs against the local domain", () => {
  let domain: FakeDomain | undefined;
  afterEach(async () => {
    await domain?.close();
    domain = undefined;
  });

  it("enables audit logging and sets the thresholds of the non-system indices, after the snapshot", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      indices: {
        "tdp-files": {},
        "tdp-search": { "index.search.slowlog.threshold.query.warn": "5s" },
        ".kibana_1": {},
        ".opendistro_security": {},
      },
    });
    const { result, lines, error } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW),
    );
    assert.equal(error, undefined);
    assert.equal(result?.snapshot, SNAPSHOT);
    assert.deepEqual(logRequests(domain), [
      "GET /_plugins/_security/api/audit",
      "PUT /_plugins/_security/api/audit/config",
      `GET ${SETTINGS_QUERY}`,
      "PUT /tdp-files,tdp-search/_settings?ignore_unavailable=true",
    ]);
    // The whole configuration goes back, with only `enabled` changed: the domain's ignored users
    // (kibanaserver) and every other setting are kept.
    const [auditPut, settingsPut] = writes(domain);
    assert.deepEqual(auditPut!.body, { ...FRESH_AUDIT_CONFIG, enabled: true });
    assert.deepEqual(settingsPut!.body, WANTED);
    assert.deepEqual(domain.indices["tdp-files"], WANTED);
    assert.deepEqual(domain.indices[".kibana_1"], {});
    assert.deepEqual(domain.indices[".opendistro_security"], {});
    assert.deepEqual(result?.auditLogging, { updated: true, changed: ["/enabled"], readonly: [] });
    assert.deepEqual(result?.slowLogs, { updated: ["tdp-files", "tdp-search"], unchanged: 0 });
    // The snapshot came first: a fault in these steps never costs a snapshot.
    const order = domain.requests.map((r) => r.path);
    assert.ok(
      order.indexOf(`/_snapshot/tdp-s3/${SNAPSHOT}`) < order.indexOf("/_plugins/_security/api/audit"),
    );
    assertSignedRequests(
      domain.requests.filter((q) => q.path.startsWith("/_plugins/")),
      CREDENTIALS.secretAccessKey,
    );
    assert.deepEqual(
      lines.map((l) => l["event"]),
      ["snapshot-started", "audit-logging-updated", "slow-logs-updated", "run-finished"],
    );
    assert.deepEqual(lines.find((l) => l["event"] === "slow-logs-updated")!["indices"], [
      "tdp-files",
      "tdp-search",
    ]);
  });

  it("writes nothing when the domain is already as wanted (durations compare by value)", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      auditConfig: { ...structuredClone(FRESH_AUDIT_CONFIG), enabled: true },
      indices: {
        "tdp-files": { ...WANTED, "index.search.slowlog.threshold.query.info": "2000ms" },
      },
    });
    const first = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(first.error, undefined);
    assert.deepEqual(writes(domain), []);
    assert.deepEqual(first.result?.auditLogging, { updated: false, changed: [], readonly: [] });
    assert.deepEqual(first.result?.slowLogs, { updated: [], unchanged: 1 });
    assert.deepEqual(
      first.lines.map((l) => l["event"]),
      ["snapshot-started", "run-finished"],
    );
  });

  it("is idempotent: a second run after a change writes nothing", async () => {
    domain = await startFakeDomain({ repositoryExists: true, indices: { "tdp-files": {} } });
    await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    const before = writes(domain).length;
    assert.equal(before, 2);
    const second = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(second.error, undefined);
    assert.equal(writes(domain).length, before);
  });

  it("keeps an operator's other audit choices, and sets the ignored users only when configured", async () => {
    const operator = structuredClone(FRESH_AUDIT_CONFIG) as typeof FRESH_AUDIT_CONFIG & {
      audit: { ignore_requests: string[] };
    };
    operator.audit.ignore_requests = ["/_cluster/health"];
    operator.audit.log_request_body = false;
    operator.audit.disabled_rest_categories = ["AUTHENTICATED"];
    (operator.compliance as Record<string, unknown>)["write_watched_indices"] = ["tdp-audit-*"];
    domain = await startFakeDomain({ repositoryExists: true, auditConfig: operator });
    const role = "arn:aws:iam::111111111111:role/acme-tdp-production-bulk-loader";
    const { result } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!, { AUDIT_IGNORE_USERS: role }), CREDENTIALS, NOW),
    );
    assert.deepEqual(result?.auditLogging?.changed, [
      "/enabled",
      "/audit/disabled_rest_categories",
      "/audit/ignore_users",
    ]);
    const stored = domain.auditConfig as typeof FRESH_AUDIT_CONFIG;
    assert.equal(stored.enabled, true);
    assert.deepEqual(stored.audit.disabled_rest_categories, ["AUTHENTICATED", "GRANTED_PRIVILEGES"]);
    assert.deepEqual(stored.audit.ignore_users, [role]);
    assert.deepEqual(stored.audit.ignore_requests, ["/_cluster/health"]);
    assert.equal(stored.audit.log_request_body, false);
    assert.deepEqual((stored.compliance as Record<string, unknown>)["write_watched_indices"], [
      "tdp-audit-*",
    ]);
  });

  it("creates the configuration where the domain has none yet", async () => {
    domain = await startFakeDomain({ repositoryExists: true, auditConfig: null });
    const { result, lines } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.equal(result?.auditLogging?.updated, true);
    assert.deepEqual(domain.auditConfig, BASE_AUDIT_CONFIG);
    assert.ok(lines.some((l) => l["event"] === "audit-logging-created"));
  });

  it("leaves a read-only field alone instead of failing on it", async () => {
    const current = structuredClone(FRESH_AUDIT_CONFIG);
    current.compliance.enabled = false;
    domain = await startFakeDomain({
      repositoryExists: true,
      auditConfig: current,
      auditReadonly: ["/compliance/enabled", "/compliance/internal_config"],
    });
    const { result, lines, error } = await captureLogs(() =>
      runSnapshot(settingsFor(domain!), CREDENTIALS, NOW),
    );
    assert.equal(error, undefined);
    assert.deepEqual(result?.auditLogging, {
      updated: true,
      changed: ["/enabled"],
      readonly: ["/compliance/enabled"],
    });
    assert.equal((domain.auditConfig as typeof FRESH_AUDIT_CONFIG).compliance.enabled, false);
    assert.deepEqual(lines.find((l) => l["event"] === "audit-logging-readonly")!["fields"], [
      "/compliance/enabled",
    ]);
  });

  it("a failing security API fails the run after the snapshot, and the slow-log step still runs", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      indices: { "tdp-files": {} },
      fail: { request: "GET /_plugins/_security/api/audit", status: 403, body: "no permissions for []" },
    });
    const { error, lines } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.match(
      error?.message ?? "",
      /^GET \/_plugins\/_security\/api\/audit failed with HTTP 403: no permissions/,
    );
    assert.ok(domain.snapshots.some((s) => s.snapshot === SNAPSHOT));
    assert.deepEqual(domain.indices["tdp-files"], WANTED);
    assert.deepEqual(
      lines.map((l) => l["event"]),
      ["snapshot-started", "audit-logging-failed", "slow-logs-updated"],
    );
  });

  it("a refused audit write or settings write fails the run, naming each", async () => {
    domain = await startFakeDomain({
      repositoryExists: true,
      indices: { "tdp-files": {} },
      fail: { request: "PUT /tdp-files/_settings", status: 403, body: "cluster_block_exception" },
    });
    const single = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.match(
      single.error?.message ?? "",
      /^PUT \/tdp-files\/_settings\?ignore_unavailable=true failed with HTTP 403: cluster_block_exception/,
    );
    assert.ok(domain.snapshots.some((s) => s.snapshot === SNAPSHOT));
    await domain.close();
    domain = await startFakeDomain({
      repositoryExists: true,
      indices: { "tdp-files": {} },
      fail: { request: "PUT /", status: 500, body: "boom" },
      running: ["cs-automated"], // no snapshot PUT this time
    });
    const both = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    assert.match(
      both.error?.message ?? "",
      /PUT \/_plugins\/_security\/api\/audit\/config failed with HTTP 500: boom; PUT \/tdp-files\/_settings\?ignore_unavailable=true failed with HTTP 500: boom/,
    );
  });

  it("splits many indices over several writes, each path under the budget", async () => {
    const names = Array.from({ length: 60 }, (_, i) => `tdp-${String(i).padStart(3, "0")}-${"x".repeat(90)}`);
    domain = await startFakeDomain({
      repositoryExists: true,
      auditConfig: { ...structuredClone(FRESH_AUDIT_CONFIG), enabled: true },
      indices: Object.fromEntries(names.map((n) => [n, {}])),
    });
    const { result } = await captureLogs(() => runSnapshot(settingsFor(domain!), CREDENTIALS, NOW));
    const puts = writes(domain);
    assert.ok(puts.length >= 2, `${puts.length} writes`);
    assert.ok(puts.every((p) => p.path.length < 3100));
    assert.equal(result?.slowLogs?.updated.length, 60);
    assert.ok(names.every((n) => domain!.indices[n]!["index.search.slowlog.threshold.query.warn"] === "5s"));
  });

  it("without the variables neither step sends a request", async () => {
    domain = await startFakeDomain({ repositoryExists: true, indices: { "tdp-files": {} } });
    const { result } = await captureLogs(() =>
      runSnapshot(readSnapshotSettings(snapshotEnvironment(domain!.endpoint)), CREDENTIALS, NOW),
    );
    assert.deepEqual(logRequests(domain), []);
    assert.equal(result !== undefined && ("auditLogging" in result || "slowLogs" in result), false);
  });
});
