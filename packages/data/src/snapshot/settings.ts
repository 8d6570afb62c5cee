import { DEFAULT_MAPPABLE_OPENSEARCH_ROLES, openSearchRoleProblem } from "./role-mappings";

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
  };
}
