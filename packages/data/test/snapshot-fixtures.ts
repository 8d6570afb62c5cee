import { strict as assert } from "node:assert";
import { createHash, createHmac } from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

/** A snapshot as the repository listing gives it. */
export interface FakeSnapshot {
  snapshot: string;
  state: string;
  indices?: string[];
  start_time_in_millis?: number;
}

/** One request the fake domain received. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  /** The body as sent (what the signature covers). */
  rawBody: string;
}

export interface FakeDomainOptions {
  /** The repository exists already, registered as the function would. @default false */
  repositoryExists?: boolean;
  /** The repository exists with these settings instead. */
  repository?: { type: string; settings: Record<string, string> };
  /** Snapshots already in the repository (with the indices each holds). @default [] */
  snapshots?: FakeSnapshot[];
  /** Snapshots running now (GET _snapshot/_status). @default [] */
  running?: string[];
  /** Answer this `METHOD /path` (a prefix) with this status and body. */
  fail?: { request: string; status: number; body: string };
  /** Roles defined in the security plugin. @default ["all_access", "readall", "readall_and_monitor", "tdp_platform"] */
  securityRoles?: string[];
  /** Role mappings already in the security plugin, by role. @default {} */
  roleMappings?: Record<string, Record<string, unknown>>;
  /**
   * The security plugin's audit configuration (`config` of `GET _plugins/_security/api/audit`);
   * null: none yet (501). @default {@link FRESH_AUDIT_CONFIG}, audit logging disabled
   */
  auditConfig?: Record<string, unknown> | null;
  /** Paths of the audit configuration the domain keeps read-only (409 on a change). @default [] */
  auditReadonly?: string[];
  /** Indices and their flat settings (slow-log thresholds among them). @default {} */
  indices?: Record<string, Record<string, string>>;
}

/** What a new domain answers before anyone enabled audit logging. */
export const FRESH_AUDIT_CONFIG = {
  enabled: false,
  audit: {
    enable_rest: true,
    disabled_rest_categories: ["AUTHENTICATED", "GRANTED_PRIVILEGES"],
    enable_transport: true,
    disabled_transport_categories: ["AUTHENTICATED", "GRANTED_PRIVILEGES"],
    resolve_bulk_requests: false,
    log_request_body: true,
    resolve_indices: true,
    exclude_sensitive_headers: true,
    ignore_users: ["kibanaserver"],
    ignore_requests: [] as string[],
  },
  compliance: {
    enabled: true,
    internal_config: true,
    external_config: false,
    read_metadata_only: true,
    read_watched_fields: {} as Record<string, string[]>,
    read_ignore_users: ["kibanaserver"],
    write_metadata_only: true,
    write_log_diffs: false,
    write_watched_indices: [] as string[],
    write_ignore_users: ["kibanaserver"],
  },
};

export interface FakeDomain {
  endpoint: string;
  requests: ReceivedRequest[];
  /** The repository's settings as registered. */
  repository?: unknown;
  snapshots: FakeSnapshot[];
  /** The restores started: snapshot and request body. */
  restores: { snapshot: string; body: unknown }[];
  /** The security plugin's role mappings, as the domain answers them. */
  roleMappings: Record<string, Record<string, unknown>>;
  /** The audit configuration as stored (null: none). */
  auditConfig: Record<string, unknown> | null;
  /** The indices' flat settings. */
  indices: Record<string, Record<string, string>>;
  close(): Promise<void>;
}

const REPO = /^\/_snapshot\/([^/]+)$/;
const SNAPSHOT = /^\/_snapshot\/([^/]+)\/([^/]+)$/;
const RESTORE = /^\/_snapshot\/([^/]+)\/([^/]+)\/_restore$/;
const SECURITY = /^\/_plugins\/_security\/api\/(roles|rolesmapping)\/([^/]+)$/;
const SETTINGS_READ = /^\/_settings\/([^/]+)$/;
const SETTINGS_WRITE = /^\/([^/_][^/]*)\/_settings$/;
const AUDIT_REST = [
  "BAD_HEADERS",
  "SSL_EXCEPTION",
  "AUTHENTICATED",
  "FAILED_LOGIN",
  "GRANTED_PRIVILEGES",
  "MISSING_PRIVILEGES",
];

/** The value at a JSON pointer of the audit configuration. */
function at(value: unknown, pointer: string): unknown {
  for (const key of pointer.split("/").slice(1)) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

/**
 * A node:http server on loopback standing in for the OpenSearch domain: the snapshot API the
 * handler uses, with the answers OpenSearch gives (404 repository_missing_exception, and so on).
 */
export async function startFakeDomain(options: FakeDomainOptions = {}): Promise<FakeDomain> {
  const state: FakeDomain = {
    endpoint: "",
    requests: [],
    repository:
      options.repository ??
      (options.repositoryExists
        ? {
            type: "s3",
            settings: {
              bucket: "acme-tdp-production-backup",
              base_path: "opensearch",
              region: "us-east-1",
              role_arn: "arn:aws:iam::111111111111:role/acme-tdp-production-search-snapshots",
            },
          }
        : undefined),
    snapshots: [...(options.snapshots ?? [])],
    restores: [],
    roleMappings: structuredClone(options.roleMappings ?? {}),
    auditConfig:
      options.auditConfig === null ? null : structuredClone(options.auditConfig ?? FRESH_AUDIT_CONFIG),
    indices: structuredClone(options.indices ?? {}),
    close: () => Promise.resolve(),
  };
  const securityRoles = new Set(
    options.securityRoles ?? ["all_access", "readall", "readall_and_monitor", "tdp_platform"],
  );
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const method = req.method ?? "";
      const url = req.url ?? "";
      state.requests.push({
        method,
        path: url,
        headers: req.headers,
        body: text ? JSON.parse(text) : undefined,
        rawBody: text,
      });
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      if (options.fail && `${method} ${url}`.startsWith(options.fail.request)) {
        return reply(options.fail.status, options.fail.body);
      }
      const path = url.split("?")[0]!;
      if (method === "GET" && path === "/_snapshot/_status") {
        return reply(200, {
          snapshots: (options.running ?? []).map((snapshot) => ({ snapshot, state: "STARTED" })),
        });
      }
      if (path === "/_plugins/_security/api/audit" && method === "GET") {
        return state.auditConfig === null
          ? reply(501, { status: "NOT_IMPLEMENTED", message: "Method GET not supported for this action." })
          : reply(200, { _readonly: options.auditReadonly ?? [], config: state.auditConfig });
      }
      if (path === "/_plugins/_security/api/audit/config" && method === "PUT") {
        const body = JSON.parse(text) as Record<string, unknown>;
        const unknownKeys = Object.keys(body).filter((k) => !["enabled", "audit", "compliance"].includes(k));
        const categories = [
          ...((at(body, "/audit/disabled_rest_categories") as string[] | undefined) ?? []),
        ].filter((c) => !AUDIT_REST.includes(c));
        if (unknownKeys.length > 0 || categories.length > 0) {
          return reply(400, { status: "error", reason: "Invalid configuration", invalid_keys: unknownKeys });
        }
        if (
          state.auditConfig !== null &&
          (options.auditReadonly ?? []).some(
            (p) => JSON.stringify(at(state.auditConfig, p)) !== JSON.stringify(at(body, p)),
          )
        ) {
          return reply(409, { status: "CONFLICT", message: "Attempted to update read-only property." });
        }
        state.auditConfig = body;
        return reply(200, { status: "OK", message: "'config' updated." });
      }
      const settingsRead = SETTINGS_READ.exec(path);
      if (settingsRead && method === "GET") {
        const names = decodeURIComponent(settingsRead[1]!).split(",");
        const query = new URLSearchParams(url.split("?")[1] ?? "");
        if (query.get("flat_settings") !== "true") {
          return reply(400, { error: "the fake answers flat settings only" });
        }
        return reply(
          200,
          Object.fromEntries(
            Object.entries(state.indices).map(([index, settings]) => [
              index,
              { settings: Object.fromEntries(Object.entries(settings).filter(([k]) => names.includes(k))) },
            ]),
          ),
        );
      }
      const settingsWrite = SETTINGS_WRITE.exec(path);
      if (settingsWrite && method === "PUT") {
        const targets = settingsWrite[1]!.split(",").map(decodeURIComponent);
        const missing = targets.filter((t) => state.indices[t] === undefined);
        if (missing.length > 0 && !url.includes("ignore_unavailable=true")) {
          return reply(404, { error: { type: "index_not_found_exception", index: missing[0] }, status: 404 });
        }
        for (const t of targets.filter((x) => state.indices[x] !== undefined)) {
          Object.assign(state.indices[t]!, JSON.parse(text) as Record<string, string>);
        }
        return reply(200, { acknowledged: true });
      }
      const security = SECURITY.exec(path);
      if (security) {
        const [, kind, encoded] = security as unknown as [string, string, string];
        const role = decodeURIComponent(encoded);
        const missing = () => reply(404, { status: "NOT_FOUND", message: `Resource '${role}' not found.` });
        if (kind === "roles" && method === "GET") {
          return securityRoles.has(role)
            ? reply(200, { [role]: { reserved: false, cluster_permissions: [], index_permissions: [] } })
            : missing();
        }
        if (kind === "rolesmapping" && method === "GET") {
          const mapping = state.roleMappings[role];
          return mapping
            ? reply(200, { [role]: { hosts: [], users: [], reserved: false, hidden: false, ...mapping } })
            : missing();
        }
        if (kind === "rolesmapping" && method === "PUT") {
          if (!securityRoles.has(role)) {
            return reply(404, {
              status: "NOT_FOUND",
              message: `The role '${role}' is not available for role-mapping.`,
            });
          }
          const created = state.roleMappings[role] === undefined;
          state.roleMappings[role] = JSON.parse(text) as Record<string, unknown>;
          return reply(created ? 201 : 200, {
            status: created ? "CREATED" : "OK",
            message: `'${role}' ${created ? "created" : "updated"}.`,
          });
        }
      }
      const repo = REPO.exec(path);
      if (repo) {
        if (method === "GET") {
          return state.repository
            ? reply(200, { [repo[1]!]: state.repository })
            : reply(404, {
                error: { type: "repository_missing_exception", reason: `[${repo[1]}] missing` },
                status: 404,
              });
        }
        if (method === "PUT") {
          state.repository = JSON.parse(text);
          return reply(200, { acknowledged: true });
        }
      }
      if (method === "GET" && path === "/_cat/indices") {
        const query = new URLSearchParams(url.split("?")[1] ?? "");
        if (query.get("format") !== "json") {
          return reply(400, { error: "the fake answers format=json only" });
        }
        // Without expand_wildcards=all, closed indices would be left out: the fake requires it.
        if (query.get("expand_wildcards") !== "all") {
          return reply(400, { error: "the fake expects expand_wildcards=all" });
        }
        return reply(
          200,
          Object.keys(state.indices).map((index) => ({ index })),
        );
      }
      const restore = RESTORE.exec(path);
      if (restore && method === "POST") {
        if (!state.repository) {
          return reply(404, { error: { type: "repository_missing_exception" }, status: 404 });
        }
        const name = decodeURIComponent(restore[2]!);
        const found = state.snapshots.find((s) => s.snapshot === name);
        if (found === undefined) {
          return reply(404, {
            error: { type: "snapshot_missing_exception", reason: `[${restore[1]}:${name}] is missing` },
            status: 404,
          });
        }
        const body = JSON.parse(text) as { indices: string };
        const wanted = body.indices.split(",");
        const clash = wanted.find((i) => state.indices[i] !== undefined);
        if (clash !== undefined) {
          return reply(500, {
            error: {
              type: "snapshot_restore_exception",
              reason: `cannot restore index [${clash}] because an open index with same name already exists in the cluster`,
            },
            status: 500,
          });
        }
        for (const index of wanted) {
          state.indices[index] = {};
        }
        state.restores.push({ snapshot: name, body });
        return reply(200, { accepted: true });
      }
      const snap = SNAPSHOT.exec(path);
      if (snap) {
        if (!state.repository) {
          return reply(404, { error: { type: "repository_missing_exception" }, status: 404 });
        }
        if (method === "GET" && snap[2] === "_all") {
          return reply(200, { snapshots: state.snapshots });
        }
        if (method === "PUT") {
          state.snapshots.push({ snapshot: snap[2]!, state: "IN_PROGRESS" });
          return reply(200, { accepted: true });
        }
        if (method === "DELETE") {
          const before = state.snapshots.length;
          state.snapshots = state.snapshots.filter((s) => s.snapshot !== snap[2]);
          return state.snapshots.length < before
            ? reply(200, { acknowledged: true })
            : reply(404, { error: { type: "snapshot_missing_exception" }, status: 404 });
        }
      }
      reply(400, { error: `unexpected ${method} ${url}` });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.endpoint = `http://127.0.0.1:${port}`;
  state.close = () =>
    new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
  return state;
}

/** The environment SearchDomain gives the function, pointed at `endpoint`. */
export function snapshotEnvironment(endpoint: string): Record<string, string> {
  return {
    DOMAIN_ENDPOINT: endpoint,
    AWS_REGION: "us-east-1",
    REPOSITORY: "tdp-s3",
    BUCKET: "acme-tdp-production-backup",
    BASE_PATH: "opensearch",
    SNAPSHOT_ROLE_ARN: "arn:aws:iam::111111111111:role/acme-tdp-production-search-snapshots",
    SNAPSHOT_PREFIX: "tdp",
    RETENTION_DAYS: "14",
    MINIMUM_SNAPSHOTS: "4",
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    AWS_SESSION_TOKEN: "session-token",
  };
}

/** Runs `fn` with `env` set, restoring the previous values after. */
export async function withEnvironment<T>(env: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Silences console.log (the handler's JSON lines) and returns what was logged. */
export async function captureLogs<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: Error; lines: Record<string, unknown>[] }> {
  const lines: Record<string, unknown>[] = [];
  const original = console.log;
  console.log = (line: string) => {
    lines.push(JSON.parse(line) as Record<string, unknown>);
  };
  try {
    return { result: await fn(), lines };
  } catch (error) {
    return { error: error as Error, lines };
  } finally {
    console.log = original;
  }
}

/**
 * Recomputes a request's SigV4 signature from what the server received (an independent
 * implementation of the AWS algorithm, so the handler's signer is checked, not trusted).
 */
export function expectedSignature(request: ReceivedRequest, secretAccessKey: string): string {
  const rawBody = request.rawBody;
  const auth = String(request.headers["authorization"]);
  const match =
    /Credential=[^/]+\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=/.exec(auth);
  if (!match) {
    throw new Error(`not a SigV4 Authorization header: ${auth}`);
  }
  const [, date, region, service, signedHeaders] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const [pathname, search = ""] = request.path.split("?", 2) as [string, string?];
  const query = [...new URLSearchParams(search)]
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .sort()
    .join("&");
  const canonicalHeaders = signedHeaders
    .split(";")
    .map((h) => `${h}:${String(request.headers[h]).trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const payloadHash = createHash("sha256").update(rawBody).digest("hex");
  const canonical = [request.method, pathname, query, canonicalHeaders, signedHeaders, payloadHash].join(
    "\n",
  );
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    String(request.headers["x-amz-date"]),
    scope,
    createHash("sha256").update(canonical).digest("hex"),
  ].join("\n");
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), "aws4_request");
  return createHmac("sha256", signingKey).update(stringToSign).digest("hex");
}

export interface FakeParameterStore {
  endpoint: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** A loopback stand-in for SSM's JSON API: GetParameter only, ParameterNotFound for the rest. */
export async function startFakeParameterStore(
  parameters: Record<string, string>,
  denied: string[] = [],
): Promise<FakeParameterStore> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      const body = JSON.parse(text) as { Name: string };
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body,
        rawBody: text,
      });
      res.setHeader("content-type", "application/x-amz-json-1.1");
      if (req.headers["x-amz-target"] !== "AmazonSSM.GetParameter") {
        res.writeHead(400).end(JSON.stringify({ __type: "UnknownOperationException" }));
        return;
      }
      if (denied.includes(body.Name)) {
        res
          .writeHead(400)
          .end(JSON.stringify({ __type: "AccessDeniedException", message: "not authorized" }));
        return;
      }
      const value = parameters[body.Name];
      if (value === undefined) {
        res.writeHead(400).end(JSON.stringify({ __type: "ParameterNotFound" }));
        return;
      }
      res
        .writeHead(200)
        .end(JSON.stringify({ Parameter: { Name: body.Name, Type: "String", Value: value, Version: 1 } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

/**
 * Asserts that each request was signed for `service` in us-east-1 with the AKIDEXAMPLE key and
 * that its signature is the one the independent implementation above computes.
 */
export function assertSignedRequests(
  requests: ReceivedRequest[],
  secretAccessKey: string,
  service = "es",
): void {
  for (const r of requests) {
    const auth = String(r.headers["authorization"]);
    assert.match(auth, new RegExp(`Credential=AKIDEXAMPLE/\\d{8}/us-east-1/${service}/aws4_request`));
    assert.equal(
      /Signature=([0-9a-f]{64})$/.exec(auth)?.[1],
      expectedSignature(r, secretAccessKey),
      `${r.method} ${r.path}: bad signature`,
    );
  }
}

/** What SearchDomain sets by default for the two steps. */
export const DEFAULT_LOG_ENVIRONMENT = {
  AUDIT_LOGGING: "true",
  AUDIT_REST: "true",
  AUDIT_TRANSPORT: "true",
  AUDIT_DISABLED_REST_CATEGORIES: "AUTHENTICATED,GRANTED_PRIVILEGES",
  AUDIT_DISABLED_TRANSPORT_CATEGORIES: "AUTHENTICATED,GRANTED_PRIVILEGES",
  AUDIT_COMPLIANCE: "true",
  SLOW_LOG_THRESHOLDS: JSON.stringify({
    "index.search.slowlog.threshold.query.warn": "5s",
    "index.search.slowlog.threshold.query.info": "2s",
    "index.search.slowlog.threshold.fetch.warn": "1s",
    "index.indexing.slowlog.threshold.index.warn": "5s",
    "index.indexing.slowlog.threshold.index.info": "2s",
  }),
};
