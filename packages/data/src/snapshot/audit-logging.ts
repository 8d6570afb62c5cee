/**
 * The audit logging configuration the snapshot function keeps in the domain. The domain publishes
 * audit logs to CloudWatch (`logPublishingOptions`), but OpenSearch writes none until audit logging
 * is enabled inside it, in the security plugin's audit configuration
 * (`GET _plugins/_security/api/audit`, `PUT _plugins/_security/api/audit/config`). Pure parts here;
 * the requests are in {@link reconcileAuditLogging}.
 */
import type { DomainClient } from "./client";

/** Categories the security plugin accepts in `disabled_rest_categories`. */
export const AUDIT_REST_CATEGORIES = [
  "BAD_HEADERS",
  "SSL_EXCEPTION",
  "AUTHENTICATED",
  "FAILED_LOGIN",
  "GRANTED_PRIVILEGES",
  "MISSING_PRIVILEGES",
] as const;

/** Categories it accepts in `disabled_transport_categories`. */
export const AUDIT_TRANSPORT_CATEGORIES = [
  ...AUDIT_REST_CATEGORIES,
  "INDEX_EVENT",
  "OPENDISTRO_SECURITY_INDEX_ATTEMPT",
  "CLUSTER_SETTINGS_CHANGED",
  "INDEX_SETTINGS_CHANGED",
] as const;

/**
 * AWS's and the plugin's recommended exclusions: every successful request would otherwise log an
 * AUTHENTICATED and a GRANTED_PRIVILEGES event.
 */
export const DEFAULT_DISABLED_AUDIT_CATEGORIES = ["AUTHENTICATED", "GRANTED_PRIVILEGES"] as const;

/** What the function enforces; every other field of the configuration is kept as found. */
export interface AuditLoggingSettings {
  /** Audit the REST layer (`audit.enable_rest`). */
  rest: boolean;
  /** Audit the transport layer (`audit.enable_transport`). */
  transport: boolean;
  disabledRestCategories: string[];
  disabledTransportCategories: string[];
  /** Users (IAM role ARNs here) not audited; undefined: the domain's list is kept. */
  ignoreUsers?: string[];
  /** Compliance logging (`compliance.enabled`): changes to the security configuration. */
  compliance: boolean;
}

/** The user-facing arguments (`SearchDomainArgs.auditLogging`, `tdp:data.search.auditLogging`). */
export interface AuditLoggingArgs {
  /**
   * The function enables audit logging and keeps the settings below on each run. false: it leaves
   * the domain's audit configuration alone (an operator manages it). @default true
   */
  enabled?: boolean;
  /** Audit REST requests. @default true */
  rest?: boolean;
  /** Audit transport (node-to-node) requests. @default true */
  transport?: boolean;
  /** REST categories not logged. @default ["AUTHENTICATED", "GRANTED_PRIVILEGES"] */
  disabledRestCategories?: string[];
  /** Transport categories not logged. @default ["AUTHENTICATED", "GRANTED_PRIVILEGES"] */
  disabledTransportCategories?: string[];
  /** Users not audited (with IAM authentication: role ARNs). @default none: the domain's list is kept */
  ignoreUsers?: string[];
  /** Compliance logging of security configuration changes. @default true */
  compliance?: boolean;
}

/** Each problem of the arguments, with the field (relative to `auditLogging`) and the rule. */
export function auditLoggingProblems(args: AuditLoggingArgs): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const categories = (field: string, given: string[] | undefined, allowed: readonly string[]) => {
    for (const c of given ?? []) {
      if (!allowed.includes(c)) {
        problems.push({
          path: field,
          message: `${field}: "${c}" is not an audit category of this layer (allowed: ${allowed.join(", ")})`,
        });
      }
    }
  };
  categories("disabledRestCategories", args.disabledRestCategories, AUDIT_REST_CATEGORIES);
  categories("disabledTransportCategories", args.disabledTransportCategories, AUDIT_TRANSPORT_CATEGORIES);
  for (const user of args.ignoreUsers ?? []) {
    if (user.trim() === "" || /[,\s]/.test(user)) {
      problems.push({
        path: "ignoreUsers",
        message: `ignoreUsers: ${JSON.stringify(user)} must be a user name or role ARN without spaces or commas`,
      });
    } else if (/^\*+$/.test(user)) {
      problems.push({
        path: "ignoreUsers",
        message: `ignoreUsers: "${user}" would ignore every user, which turns audit logging off`,
      });
    }
  }
  if (args.enabled !== false && args.rest === false && args.transport === false) {
    problems.push({
      path: "rest",
      message:
        "rest and transport are both false: nothing would be audited; set enabled: false to leave audit logging to an operator",
    });
  }
  return problems;
}

/** The settings the function receives for these arguments; undefined when it leaves auditing alone. */
export function auditLoggingSettingsFor(args: AuditLoggingArgs = {}): AuditLoggingSettings | undefined {
  if (args.enabled === false) {
    return undefined;
  }
  return {
    rest: args.rest ?? true,
    transport: args.transport ?? true,
    disabledRestCategories: [...(args.disabledRestCategories ?? DEFAULT_DISABLED_AUDIT_CATEGORIES)],
    disabledTransportCategories: [...(args.disabledTransportCategories ?? DEFAULT_DISABLED_AUDIT_CATEGORIES)],
    ...(args.ignoreUsers === undefined ? {} : { ignoreUsers: [...args.ignoreUsers] }),
    compliance: args.compliance ?? true,
  };
}

/** The audit configuration as the security plugin answers and accepts it. */
export interface AuditConfig {
  enabled?: boolean;
  audit?: Record<string, unknown>;
  compliance?: Record<string, unknown>;
  [key: string]: unknown;
}

/**
 * The configuration written when the domain has none yet: the plugin's defaults as AWS documents
 * them (request bodies logged, indices resolved, sensitive headers excluded; compliance logging of
 * the security configuration only, with no read or write history of documents: no watched fields
 * or indices, metadata only).
 */
export const BASE_AUDIT_CONFIG: AuditConfig = {
  enabled: true,
  audit: {
    enable_rest: true,
    disabled_rest_categories: [...DEFAULT_DISABLED_AUDIT_CATEGORIES],
    enable_transport: true,
    disabled_transport_categories: [...DEFAULT_DISABLED_AUDIT_CATEGORIES],
    resolve_bulk_requests: false,
    log_request_body: true,
    resolve_indices: true,
    exclude_sensitive_headers: true,
    ignore_users: [],
    ignore_requests: [],
  },
  compliance: {
    enabled: true,
    internal_config: true,
    external_config: false,
    read_metadata_only: true,
    read_watched_fields: {},
    read_ignore_users: [],
    write_metadata_only: true,
    write_log_diffs: false,
    write_watched_indices: [],
    write_ignore_users: [],
  },
};

/** The fields the stack owns, as JSON pointers into the configuration, with their wanted values. */
export function ownedAuditFields(settings: AuditLoggingSettings): [string, unknown][] {
  return [
    ["/enabled", true],
    ["/audit/enable_rest", settings.rest],
    ["/audit/enable_transport", settings.transport],
    ["/audit/disabled_rest_categories", settings.disabledRestCategories],
    ["/audit/disabled_transport_categories", settings.disabledTransportCategories],
    ...(settings.ignoreUsers === undefined
      ? []
      : ([["/audit/ignore_users", settings.ignoreUsers]] as [string, unknown][])),
    ["/compliance/enabled", settings.compliance],
  ];
}

function at(config: AuditConfig, pointer: string): unknown {
  let value: unknown = config;
  for (const key of pointer.split("/").slice(1)) {
    value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function set(config: AuditConfig, pointer: string, value: unknown): void {
  const keys = pointer.split("/").slice(1);
  let target = config as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) {
    if (typeof target[key] !== "object" || target[key] === null) {
      target[key] = {};
    }
    target = target[key] as Record<string, unknown>;
  }
  target[keys[keys.length - 1]!] = value;
}

/** Lists compare as sets (the plugin may answer them in another order). */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const norm = (x: unknown[]) => JSON.stringify([...new Set(x.map(String))].sort());
    return norm(a) === norm(b);
  }
  return a === b;
}

/** What the comparison found: the configuration to write (undefined: nothing differs). */
export interface AuditPlan {
  /** The whole configuration to PUT: the current one with the owned fields set. */
  config?: AuditConfig;
  /** Owned fields that differ (JSON pointers). */
  changed: string[];
  /** Owned fields the domain marks read-only (`_readonly`) and that differ: left as they are. */
  readonly: string[];
}

/**
 * Compares the current configuration with the wanted owned fields. Fields the domain marks
 * read-only are never written (the plugin answers 409 to a change of one); everything else of the
 * current configuration is kept, so an operator's other choices (ignored requests, request
 * bodies, watched fields...) survive.
 */
export function planAuditConfig(
  current: AuditConfig | undefined,
  readonlyPaths: readonly string[],
  settings: AuditLoggingSettings,
): AuditPlan {
  const config = structuredClone(current ?? BASE_AUDIT_CONFIG);
  const changed: string[] = [];
  const readonly: string[] = [];
  for (const [pointer, wanted] of ownedAuditFields(settings)) {
    if (same(at(config, pointer), wanted)) {
      continue;
    }
    if (readonlyPaths.includes(pointer)) {
      readonly.push(pointer);
      continue;
    }
    set(config, pointer, structuredClone(wanted));
    changed.push(pointer);
  }
  return { ...(changed.length > 0 || current === undefined ? { config } : {}), changed, readonly };
}

/** What the audit step did. */
export interface AuditLoggingResult {
  /** The configuration was written (created, or owned fields changed). */
  updated: boolean;
  /** The owned fields that changed (JSON pointers); all of them when the domain had none. */
  changed: string[];
  /** Owned fields the domain keeps read-only and that differ from ours. */
  readonly: string[];
}

const AUDIT_API = "/_plugins/_security/api/audit";

/**
 * Reads the audit configuration (`GET _plugins/_security/api/audit`: `{ "_readonly": [...],
 * "config": {...} }`) and, when an owned field differs, writes the whole configuration back with
 * those fields set (`PUT _plugins/_security/api/audit/config`). A domain without one yet (404, or
 * 501 before the audit document exists) gets {@link BASE_AUDIT_CONFIG} with the owned fields.
 * Any other non-2xx answer throws.
 */
export async function reconcileAuditLogging(
  client: DomainClient,
  settings: AuditLoggingSettings,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Promise<AuditLoggingResult> {
  const response = await client.request(
    "GET",
    AUDIT_API,
    undefined,
    (s) => (s >= 200 && s < 300) || s === 404 || s === 501,
  );
  const answer = response.json as { _readonly?: unknown; config?: AuditConfig } | undefined;
  const missing = response.status === 404 || response.status === 501 || answer?.config === undefined;
  const readonlyPaths = Array.isArray(answer?._readonly) ? answer._readonly.map(String) : [];
  const plan = planAuditConfig(missing ? undefined : answer!.config, readonlyPaths, settings);
  if (plan.readonly.length > 0) {
    log("audit-logging-readonly", {
      fields: plan.readonly,
      reason: "the domain keeps these audit settings read-only; they are left as they are",
    });
  }
  if (plan.config === undefined) {
    return { updated: false, changed: [], readonly: plan.readonly };
  }
  await client.request("PUT", `${AUDIT_API}/config`, plan.config);
  const changed = missing ? ownedAuditFields(settings).map(([p]) => p) : plan.changed;
  log(missing ? "audit-logging-created" : "audit-logging-updated", {
    changed,
    rest: settings.rest,
    transport: settings.transport,
    compliance: settings.compliance,
  });
  return { updated: true, changed, readonly: plan.readonly };
}
