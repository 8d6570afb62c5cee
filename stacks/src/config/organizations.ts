import type { ConfigProblem } from "@tdp/core";
import {
  DEFAULT_CREDENTIAL_DURATION_SECONDS,
  MAX_CREDENTIAL_DURATION_SECONDS,
  MIN_CREDENTIAL_DURATION_SECONDS,
  organizationQuotaProblems,
  orgSlugProblems,
} from "@tdp/organizations";
import { z } from "zod";

/** One entry of `tdp:organizations`: an organization of the platform (seed 003). */
const organizationSchema = z.strictObject({
  /** The orgSlug: its top-level prefix in the shared buckets and part of its resources' names. */
  orgSlug: z.string({ message: "required: the organization's slug (lowercase letters, digits, hyphens)" }),
  /** Provision the Data Hub (IoT credentials provider, role alias, IoT policy, SSM activation role). */
  dataHub: z.boolean().default(true),
  /** Seed AthenaCreateIamUser: an IAM user with only the Athena policy. Off: seed 000 creates no users. */
  athenaCreateIamUser: z.boolean().default(false),
  /** Seconds the Data Hub's credentials are valid (seed 003: one hour, refreshed every 30 minutes). */
  credentialDurationSeconds: z
    .number()
    .int("must be a whole number of seconds")
    .min(
      MIN_CREDENTIAL_DURATION_SECONDS,
      `must be at least ${MIN_CREDENTIAL_DURATION_SECONDS} (IoT's minimum)`,
    )
    .max(
      MAX_CREDENTIAL_DURATION_SECONDS,
      `must be at most ${MAX_CREDENTIAL_DURATION_SECONDS} (seed 003: credentials are valid for one hour)`,
    )
    .default(DEFAULT_CREDENTIAL_DURATION_SECONDS),
});

/**
 * `tdp:organizations`: the platform's organizations, one entry each (seed 003; seed 001's manual
 * "Generate secure credentials for organization" step). Absent means none. Slug rules and AWS
 * name limits are checked across sections (they need the region and environment).
 */
export const organizationsSchema = z.preprocess(
  // An absent section is parsed from {}: that is the empty list.
  (value) =>
    value !== null && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0
      ? []
      : value,
  z.array(organizationSchema, { message: "must be a list of organizations ({ orgSlug, ... } each)" }),
);

export type OrganizationsConfig = z.output<typeof organizationsSchema>;
export type OrganizationConfig = OrganizationsConfig[number];

/** What the organizations' rules read from other sections. */
export interface OrganizationsContext {
  region: string;
  environment: string;
  role: "primary" | "dr";
  /** tdp:data.recovery is set: the data lake bucket is adopted, and its policy is not this stack's. */
  datalakeAdopted: boolean;
}

/**
 * Problems of `tdp:organizations` that need the other sections: slug rules and the AWS limits of
 * the names derived from each slug (in this region and environment), duplicates, the account's
 * quotas, a Data Hub over an adopted data lake, organizations in a dr stack.
 */
export function organizationsProblems(orgs: OrganizationsConfig, ctx: OrganizationsContext): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = (i: number, field: string) => `tdp:organizations[${i}].${field}`;
  if (orgs.length > 0 && ctx.role === "dr") {
    problems.push({
      key: "tdp:organizations",
      value: orgs.map((o) => o.orgSlug),
      rule: "organizations belong to the primary stack (tdp:platform.role primary); the dr stack holds only the replication targets. Move them to the primary stack file",
    });
  }
  const seen = new Map<string, number>();
  orgs.forEach((org, i) => {
    for (const problem of orgSlugProblems(org.orgSlug, ctx.region, ctx.environment, {
      field: key(i, "orgSlug"),
      athenaCreateIamUser: org.athenaCreateIamUser,
    })) {
      problems.push({ key: problem.field, value: problem.value, rule: problem.rule });
    }
    const first = seen.get(org.orgSlug);
    if (first !== undefined) {
      problems.push({
        key: key(i, "orgSlug"),
        value: org.orgSlug,
        rule: `duplicates tdp:organizations[${first}].orgSlug; each organization needs its own slug (its prefix and key)`,
      });
    } else {
      seen.set(org.orgSlug, i);
    }
    if (org.dataHub && ctx.datalakeAdopted) {
      problems.push({
        key: key(i, "dataHub"),
        value: true,
        rule: "the Data Hub uploads into the data lake, but tdp:data.recovery adopts the data lake bucket read-only (its policy, which refuses other organizations' keys, is not this stack's). Set dataHub: false until the recovery is over",
      });
    }
  });
  for (const problem of organizationQuotaProblems(orgs, "tdp:organizations")) {
    problems.push({ key: problem.field, value: problem.value, rule: problem.rule });
  }
  return problems;
}
