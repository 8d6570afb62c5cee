/**
 * The role mappings the snapshot function keeps in the domain: a JSON document in an SSM parameter
 * (`{ "<OpenSearch role>": ["<IAM role ARN>", ...] }`, written by the service layer) is the wanted
 * `backend_roles` of each named role mapping. Pure parts here; the requests are in
 * {@link reconcileRoleMappings}.
 */
import type { DomainClient } from "./client";

/**
 * OpenSearch roles the function may map by default: the built-in read-only ones and the platform's
 * own custom role (defined once by an operator, docs/operations.md).
 */
export const DEFAULT_MAPPABLE_OPENSEARCH_ROLES = ["readall", "readall_and_monitor", "tdp_platform"] as const;

/**
 * Roles never mapped from the document, whatever the allowed set says: they administer the
 * cluster or its security (the master role alone holds them) or belong to the service itself.
 */
export const FORBIDDEN_OPENSEARCH_ROLES = [
  "all_access",
  "security_manager",
  "manage_snapshots",
  "kibana_server",
] as const;

/** An OpenSearch role name as the security plugin accepts it (no `/`, no spaces). */
const ROLE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** An IAM role ARN (path allowed): the only backend role an IAM-authenticated request carries. */
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** Why an OpenSearch role name may not be used; undefined when it may. */
export function openSearchRoleProblem(role: string): string | undefined {
  if (!ROLE_NAME.test(role)) {
    return `"${role}" is not an OpenSearch role name (letters, digits, _, . and -, starting with a letter or digit)`;
  }
  if ((FORBIDDEN_OPENSEARCH_ROLES as readonly string[]).includes(role)) {
    return `"${role}" administers the domain and is never mapped automatically (forbidden: ${FORBIDDEN_OPENSEARCH_ROLES.join(", ")})`;
  }
  return undefined;
}

/** The wanted mappings: role name → IAM role ARNs (sorted, unique). */
export type RoleMappingDocument = Record<string, string[]>;

/**
 * Reads and checks the document; throws naming the first fault. Every role must be in `allowed`
 * and every value an array of IAM role ARNs: a document with one fault is refused whole, so a
 * typo never half-applies.
 */
export function parseRoleMappingDocument(text: string, allowed: readonly string[]): RoleMappingDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`the role mapping document is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new Error(
      'the role mapping document must be an object { "<OpenSearch role>": ["<IAM role ARN>", ...] }',
    );
  }
  const document: RoleMappingDocument = {};
  for (const [role, arns] of Object.entries(raw as Record<string, unknown>)) {
    const problem = openSearchRoleProblem(role);
    if (problem) {
      throw new Error(`role ${problem}`);
    }
    if (!allowed.includes(role)) {
      throw new Error(`role "${role}" is not one the function may map (allowed: ${allowed.join(", ")})`);
    }
    if (!Array.isArray(arns)) {
      throw new Error(`role "${role}": the value must be an array of IAM role ARNs`);
    }
    for (const arn of arns) {
      if (typeof arn !== "string" || !ROLE_ARN.test(arn)) {
        throw new Error(`role "${role}": ${JSON.stringify(arn)} is not an IAM role ARN`);
      }
    }
    document[role] = [...new Set(arns as string[])].sort();
  }
  return document;
}

/** What the reconciliation did, by OpenSearch role name. */
export interface RoleMappingResult {
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Roles not mapped: the role does not exist in the domain yet. */
  skipped: string[];
  /** The document was refused (its fault is logged); nothing was changed. */
  invalid: boolean;
}

interface CurrentMapping {
  backend_roles?: string[];
  and_backend_roles?: string[];
  hosts?: string[];
  users?: string[];
  description?: string;
}

const API = "/_plugins/_security/api";

/**
 * For each role of the document: reads its mapping and, when its `backend_roles` differ from the
 * document's ARNs, writes them, keeping the mapping's `users`, `hosts`, `and_backend_roles` and
 * description, and the master role when it was mapped (an operator's choice, not ours to undo).
 * Roles absent from the document are left alone. A role missing from the domain is skipped
 * (logged): mapping it would fail until an operator defines it.
 */
export async function reconcileRoleMappings(
  client: DomainClient,
  document: RoleMappingDocument,
  masterRoleArn: string | undefined,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Promise<RoleMappingResult> {
  const result: RoleMappingResult = { created: [], updated: [], unchanged: [], skipped: [], invalid: false };
  const notFound = (s: number) => (s >= 200 && s < 300) || s === 404;
  for (const [role, arns] of Object.entries(document)) {
    const name = encodeURIComponent(role);
    const roleDefinition = await client.request("GET", `${API}/roles/${name}`, undefined, notFound);
    if (roleDefinition.status === 404) {
      result.skipped.push(role);
      log("role-mapping-skipped", {
        role,
        reason: "the role does not exist in the domain; define it once (docs/operations.md)",
      });
      continue;
    }
    const existing = await client.request("GET", `${API}/rolesmapping/${name}`, undefined, notFound);
    const current =
      existing.status === 404
        ? undefined
        : (existing.json as Record<string, CurrentMapping> | undefined)?.[role];
    const currentRoles = [...new Set(current?.backend_roles ?? [])].sort();
    const wanted = [
      ...new Set([
        ...arns,
        ...(masterRoleArn !== undefined && currentRoles.includes(masterRoleArn) ? [masterRoleArn] : []),
      ]),
    ].sort();
    if (current !== undefined && JSON.stringify(currentRoles) === JSON.stringify(wanted)) {
      result.unchanged.push(role);
      continue;
    }
    await client.request("PUT", `${API}/rolesmapping/${name}`, {
      backend_roles: wanted,
      hosts: current?.hosts ?? [],
      users: current?.users ?? [],
      ...(current?.and_backend_roles?.length ? { and_backend_roles: current.and_backend_roles } : {}),
      ...(current?.description ? { description: current.description } : {}),
    });
    (current === undefined ? result.created : result.updated).push(role);
    log(current === undefined ? "role-mapping-created" : "role-mapping-updated", {
      role,
      backendRoles: wanted,
      ...(current === undefined ? {} : { previous: currentRoles }),
    });
  }
  return result;
}
