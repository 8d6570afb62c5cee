import type { AuditLoggingSettings } from "./audit-logging";
import { auditLoggingProblems, DEFAULT_DISABLED_AUDIT_CATEGORIES } from "./audit-logging";
import { DEFAULT_MAPPABLE_OPENSEARCH_ROLES, openSearchRoleProblem } from "./role-mappings";
import { parseSlowLogSettings } from "./slow-logs";

/** The snapshot function's settings, read from its environment (set by `SearchDomain`). */
export interface SnapshotSettings {
  /** `https://<domain endpoint>` (http only to a loopback address, for tests). */
  endpoint: URL;
  region: string;
  /** Name of the S3 snapshot repository registered in the domain. */
  repository: string;
  bucket: string;
  /** S3 prefix of the repository in the bucket. */
  basePath: string;
  /** The role OpenSearch assumes to write the bucket. */
  snapshotRoleArn: string;
  /** Prefix of the snapshot names this function creates and prunes. */
  snapshotPrefix: string;
  retentionDays: number;
  minimumSnapshots: number;
  /**
   * The SSM parameter holding the role mapping document (ROLE_MAPPINGS_PARAMETER); absent: no
   * role mappings are reconciled.
   */
  roleMappingsParameter?: string;
  /** OpenSearch roles the document may name (ROLE_MAPPINGS_ALLOWED_ROLES, comma-separated). */
  mappableRoles: string[];
  /** The master role (MASTER_ROLE_ARN): kept in a mapping that already has it. */
  masterRoleArn?: string;
  /**
   * The audit logging the function keeps (AUDIT_LOGGING=true and the AUDIT_* variables); absent:
   * the domain's audit configuration is left alone.
   */
  auditLogging?: AuditLoggingSettings;
  /**
   * The slow-log thresholds set on every non-system index (SLOW_LOG_THRESHOLDS, a JSON object of
   * index settings); absent: indices are left alone.
   */
  slowLogThresholds?: Record<string, string>;
}

export const SNAPSHOT_ENVIRONMENT = [
  "DOMAIN_ENDPOINT",
  "REPOSITORY",
  "BUCKET",
  "BASE_PATH",
  "SNAPSHOT_ROLE_ARN",
  "SNAPSHOT_PREFIX",
  "RETENTION_DAYS",
  "MINIMUM_SNAPSHOTS",
] as const;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

function positiveInteger(name: string, text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < 1) {
    throw new Error(`${name} "${text}" must be a whole number of at least 1`);
  }
  return value;
}

function roleMappingSettings(
  env: NodeJS.ProcessEnv,
): Pick<SnapshotSettings, "roleMappingsParameter" | "mappableRoles" | "masterRoleArn"> {
  const parameter = env["ROLE_MAPPINGS_PARAMETER"] || undefined;
  if (parameter !== undefined && !/^\/[A-Za-z0-9_.\-/]{1,2047}$/.test(parameter)) {
    throw new Error(`ROLE_MAPPINGS_PARAMETER "${parameter}" must be an SSM parameter path starting with /`);
  }
  const listed = env["ROLE_MAPPINGS_ALLOWED_ROLES"];
  const mappableRoles =
    listed === undefined || listed === ""
      ? [...DEFAULT_MAPPABLE_OPENSEARCH_ROLES]
      : listed.split(",").map((r) => r.trim());
  for (const role of mappableRoles) {
    const problem = openSearchRoleProblem(role);
    if (problem) {
      throw new Error(`ROLE_MAPPINGS_ALLOWED_ROLES: ${problem}`);
    }
  }
  return {
    ...(parameter === undefined ? {} : { roleMappingsParameter: parameter }),
    mappableRoles,
    ...(env["MASTER_ROLE_ARN"] ? { masterRoleArn: env["MASTER_ROLE_ARN"] } : {}),
  };
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const text = env[name];
  if (text === undefined || text === "") {
    return fallback;
  }
  if (text !== "true" && text !== "false") {
    throw new Error(`${name} "${text}" must be true or false`);
  }
  return text === "true";
}

/** A comma-separated list; `NONE` is the empty list, absent the fallback. */
function list(env: NodeJS.ProcessEnv, name: string, fallback?: readonly string[]): string[] | undefined {
  const text = env[name];
  if (text === undefined) {
    return fallback === undefined ? undefined : [...fallback];
  }
  if (text.trim() === "NONE") {
    return [];
  }
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) {
    throw new Error(`${name} "${text}" has an empty item: a comma-separated list, or NONE for none`);
  }
  return items;
}

/**
 * AUDIT_LOGGING (true: keep audit logging on; absent or false: leave it alone), AUDIT_REST,
 * AUDIT_TRANSPORT, AUDIT_COMPLIANCE (true/false, default true), AUDIT_DISABLED_REST_CATEGORIES,
 * AUDIT_DISABLED_TRANSPORT_CATEGORIES (comma-separated or NONE; default AUTHENTICATED,
 * GRANTED_PRIVILEGES) and AUDIT_IGNORE_USERS (absent: the domain's list is kept).
 */
function auditSettings(env: NodeJS.ProcessEnv): Pick<SnapshotSettings, "auditLogging"> {
  if (!flag(env, "AUDIT_LOGGING", false)) {
    return {};
  }
  const ignoreUsers = list(env, "AUDIT_IGNORE_USERS");
  const settings: AuditLoggingSettings = {
    rest: flag(env, "AUDIT_REST", true),
    transport: flag(env, "AUDIT_TRANSPORT", true),
    disabledRestCategories: list(env, "AUDIT_DISABLED_REST_CATEGORIES", DEFAULT_DISABLED_AUDIT_CATEGORIES)!,
    disabledTransportCategories: list(
      env,
      "AUDIT_DISABLED_TRANSPORT_CATEGORIES",
      DEFAULT_DISABLED_AUDIT_CATEGORIES,
    )!,
    ...(ignoreUsers === undefined ? {} : { ignoreUsers }),
    compliance: flag(env, "AUDIT_COMPLIANCE", true),
  };
  const variable: Record<string, string> = {
    disabledRestCategories: "AUDIT_DISABLED_REST_CATEGORIES",
    disabledTransportCategories: "AUDIT_DISABLED_TRANSPORT_CATEGORIES",
    ignoreUsers: "AUDIT_IGNORE_USERS",
    rest: "AUDIT_REST and AUDIT_TRANSPORT",
  };
  const [problem] = auditLoggingProblems(settings);
  if (problem) {
    throw new Error(`${variable[problem.path] ?? problem.path}: ${problem.message}`);
  }
  return { auditLogging: settings };
}

/** Reads and checks the settings; throws naming the variable at fault. */
export function readSnapshotSettings(env: NodeJS.ProcessEnv = process.env): SnapshotSettings {
  const missing = SNAPSHOT_ENVIRONMENT.filter((k) => !env[k]);
  const region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"];
  if (missing.length > 0 || !region) {
    throw new Error(
      `the snapshot function is missing environment variables: ${[...missing, ...(region ? [] : ["AWS_REGION"])].join(", ")}`,
    );
  }
  const text = (k: (typeof SNAPSHOT_ENVIRONMENT)[number]) => env[k] as string;
  const raw = text("DOMAIN_ENDPOINT");
  const endpoint = new URL(/^https?:\/\//.test(raw) ? raw : `https://${raw}`);
  if (endpoint.protocol !== "https:" && !(endpoint.protocol === "http:" && LOOPBACK.has(endpoint.hostname))) {
    throw new Error(`DOMAIN_ENDPOINT "${raw}" must use https (the domain enforces HTTPS)`);
  }
  if (!/^[a-z0-9][a-z0-9_-]*$/.test(text("SNAPSHOT_PREFIX"))) {
    throw new Error(
      `SNAPSHOT_PREFIX "${text("SNAPSHOT_PREFIX")}" must be lowercase letters, digits, _ and -`,
    );
  }
  return {
    endpoint,
    region,
    repository: text("REPOSITORY"),
    bucket: text("BUCKET"),
    basePath: text("BASE_PATH"),
    snapshotRoleArn: text("SNAPSHOT_ROLE_ARN"),
    snapshotPrefix: text("SNAPSHOT_PREFIX"),
    retentionDays: positiveInteger("RETENTION_DAYS", text("RETENTION_DAYS")),
    minimumSnapshots: positiveInteger("MINIMUM_SNAPSHOTS", text("MINIMUM_SNAPSHOTS")),
    ...roleMappingSettings(env),
    ...auditSettings(env),
    ...(env["SLOW_LOG_THRESHOLDS"]
      ? { slowLogThresholds: parseSlowLogSettings("SLOW_LOG_THRESHOLDS", env["SLOW_LOG_THRESHOLDS"]) }
      : {}),
  };
}
