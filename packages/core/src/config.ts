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

export function formatProblem(problem: ConfigProblem): string {
  const shown = problem.value === undefined ? "(missing)" : JSON.stringify(problem.value);
  return `${problem.key}: ${shown} — ${problem.rule}`;
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
      for (const unknownKey of issue.keys) {
        problems.push({
          key: joinPath(key, [...issue.path, unknownKey]),
          value: valueAt(value, [...issue.path, unknownKey]),
          rule: "unknown setting (misspelt?); see docs/parameters.md for the settings this section takes",
        });
      }
      continue;
    }
    problems.push({ key: joinPath(key, issue.path), value: valueAt(value, issue.path), rule: issue.message });
  }
  return { ok: false, problems };
}
