import { z } from "zod";

import { isCidr } from "./cidr";
import { ENVIRONMENT_PATTERN, IAM_ROLE_PREFIX_PATTERN, INFRASTRUCTURE_NAME_PATTERN } from "./naming";

/**
 * Schema building blocks for stack config. Every message says the rule, so that a config error
 * reads `<key>: <value> — <rule>`.
 */

/** The values CloudWatch Logs accepts for a retention period. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export const awsAccountId = z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id");
export const awsRegion = z
  .string()
  .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, "must be an AWS region code such as us-east-1");
export const cidrBlock = z
  .string()
  .refine(isCidr, "must be an IPv4 CIDR block a.b.c.d/n with no host bits set");
export const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, "must be a VPC id (vpc-0123456789abcdef0)");
export const subnetId = z
  .string()
  .regex(/^subnet-[0-9a-f]{8,17}$/, "must be a subnet id (subnet-0123456789abcdef0)");
export const securityGroupId = z
  .string()
  .regex(/^sg-[0-9a-f]{8,17}$/, "must be a security group id (sg-...)");
export const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, "must be a Route53 hosted zone id (Z...)");
/** AWS Backup Vault Lock of a vault: the retention bounds and the grace period before it is locked for good. */
export const vaultLock = z.strictObject({
  minRetentionDays: z.number(),
  maxRetentionDays: z.number().optional(),
  changeableForDays: z.number().optional(),
});
export const amiId = z.string().regex(/^ami-[0-9a-f]{8,17}$/, "must be an AMI id (ami-...)");
export const email = z.email("must be an email address");
export const dnsName = z
  .string()
  .max(253, "must be at most 253 characters")
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/,
    "must be a lowercase DNS name with at least two labels, such as tdp.example.com",
  );
export const logRetentionDays = z
  .number()
  .refine(
    (days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days),
    `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
  );
export const infrastructureName = z
  .string()
  .regex(
    INFRASTRUCTURE_NAME_PATTERN,
    "must be 3 to 24 lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen",
  );
export const environmentName = z
  .string()
  .regex(ENVIRONMENT_PATTERN, "must be 2 to 16 lowercase letters and digits, starting with a letter");
export const iamRolePrefix = z
  .string()
  .regex(IAM_ROLE_PREFIX_PATTERN, "must be at most 32 of the characters IAM allows in role names");

/** An ARN, optionally of one service (`arn("kms")`). */
export function arn(service?: string) {
  const svc = service ?? "[a-z0-9-]+";
  return z
    .string()
    .regex(
      new RegExp(`^arn:aws[a-z-]*:${svc}:[a-z0-9-]*:(\\d{12}|aws)?:.+$`),
      service ? `must be an ${service} ARN (arn:aws:${service}:...)` : "must be an ARN (arn:aws:...)",
    );
}

/** An IAM managed policy ARN: `arn:<partition>:iam::<12-digit account or aws>:policy/<path/name>`. */
export const IAM_POLICY_ARN_PATTERN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

/**
 * An IAM managed policy ARN (a permissions boundary, say). Anything that is not an IAM ARN at all
 * gets the plain `arn("iam")` message; an IAM ARN of something else (a role, a user) is told why.
 */
export const iamPolicyArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam:[a-z0-9-]*:(\d{12}|aws)?:.+$/, {
    message: "must be an iam ARN (arn:aws:iam:...)",
    abort: true,
  })
  .regex(
    IAM_POLICY_ARN_PATTERN,
    "must be an IAM policy ARN (arn:<partition>:iam::<12-digit account or aws>:policy/<name>): " +
      "a permissions boundary is a managed policy, not a role or a user",
  );

/** A whole number in [min, max]. */
export function intBetween(min: number, max: number) {
  return z
    .number()
    .int("must be a whole number")
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** One problem in a stack's config: the full key, the value given and the rule it breaks. */
export interface ConfigProblem {
  key: string;
  value: unknown;
  rule: string;
}

/** Longest value shown whole in a problem line; a larger one is summarised. */
const SHOWN_VALUE_LIMIT = 80;

/**
 * A value as a problem line shows it: JSON, or for a long object or list (a whole misspelt
 * section, say) a summary naming its settings, so the rule and the suggestion stay readable.
 */
export function shownValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  const json = JSON.stringify(value);
  if (json.length <= SHOWN_VALUE_LIMIT) return json;
  if (Array.isArray(value)) return `[${value.length} items]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value);
    const listed = keys.slice(0, 6).join(", ");
    return `{ ${keys.length} settings: ${listed}${keys.length > 6 ? ", …" : ""} }`;
  }
  // A single value (an ARN, say) is shown whole: the problem is in its characters.
  return json;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.key}: ${shownValue(problem.value)} — ${problem.rule}`;
}

/** Edit distance counting a swap of two neighbours as one edit (`tpd` is one from `tdp`). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
      }
    }
  }
  return d[a.length]![b.length]!;
}

/** The candidate closest to `word` (case-insensitive), if it is a likely typo of it. */
export function nearestName(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (best === undefined || distance < best.distance)) {
      best = { candidate, distance };
    }
  }
  return best?.candidate;
}

interface SchemaDef {
  type?: string;
  shape?: Record<string, unknown>;
  innerType?: unknown;
  in?: unknown;
  element?: unknown;
  valueType?: unknown;
  options?: unknown[];
}

/** The setting names an object schema takes at `path` (through optional, default, pipes, arrays, unions). */
function settingsAt(schema: unknown, path: readonly PropertyKey[]): string[] {
  const def = (schema as { _zod?: { def?: SchemaDef } } | undefined)?._zod?.def;
  if (def === undefined) return [];
  switch (def.type) {
    case "object":
      if (path.length === 0) return Object.keys(def.shape ?? {});
      return settingsAt(def.shape?.[String(path[0])], path.slice(1));
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
    case "readonly":
    case "catch":
    case "nonoptional":
      return settingsAt(def.innerType, path);
    case "pipe":
      return settingsAt(def.in, path);
    case "array":
      return path.length === 0 ? [] : settingsAt(def.element, path.slice(1));
    case "record":
      return path.length === 0 ? [] : settingsAt(def.valueType, path.slice(1));
    case "union":
      return [...new Set((def.options ?? []).flatMap((option) => settingsAt(option, path)))];
    default:
      return [];
  }
}

/** Thrown before any resource is registered when the stack config is invalid; one line per problem. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super(
      `invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  ${formatProblem(p)}`).join("\n"),
    );
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const segment of path) {
    if (current === null || typeof current !== "object") {
      return undefined;
    }
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

function joinPath(key: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, segment) => (typeof segment === "number" ? `${acc}[${segment}]` : `${acc}.${String(segment)}`),
    key,
  );
}

/**
 * Parses `value` (the config under `key`, e.g. `tdp:network`) with `schema`, returning the typed
 * result or the problems, each naming the exact key, the value found there and the rule.
 */
export function parseConfigSection<S extends z.ZodType>(
  key: string,
  schema: S,
  value: unknown,
): { ok: true; value: z.output<S> } | { ok: false; problems: ConfigProblem[] } {
  const result = schema.safeParse(value);
  if (result.success) {
    return { ok: true, value: result.data };
  }
  const problems: ConfigProblem[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      const known = settingsAt(schema, issue.path);
      for (const unknownKey of issue.keys) {
        const near = nearestName(unknownKey, known);
        problems.push({
          key: joinPath(key, [...issue.path, unknownKey]),
          value: valueAt(value, [...issue.path, unknownKey]),
          rule:
            "unknown setting (misspelt?)" +
            (near ? ` (did you mean ${joinPath(key, [...issue.path, near])}?)` : "") +
            "; see docs/parameters.md for the settings this section takes",
        });
      }
      continue;
    }
    problems.push({ key: joinPath(key, issue.path), value: valueAt(value, issue.path), rule: issue.message });
  }
  return { ok: false, problems };
}
