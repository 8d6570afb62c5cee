/**
 * What an organization is called in AWS: every physical name derives from its orgSlug, so the
 * rules on slugs and the AWS limits on the derived names live together here.
 */

/** An orgSlug (seed 003): lowercase letters, digits and single hyphens, starting with a letter. */
export const ORG_SLUG_PATTERN = /^[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*[a-z0-9]$/;

/**
 * Slug lengths accepted before the derived names are checked against their own limits (which bind
 * first: the seed's policy name leaves 128 - 49 = 79 characters in the longest region and
 * environment). 128 is the IAM policy name limit itself.
 */
export const ORG_SLUG_MIN_LENGTH = 2;
export const ORG_SLUG_MAX_LENGTH = 128;

/**
 * Slugs that cannot name an organization: top-level prefixes AWS services or the platform itself
 * write into the shared buckets (S3 and load-balancer access logs, Athena's own results), or names
 * AWS reserves. An organization with one of them would share a prefix with something not its own.
 */
export const RESERVED_ORG_SLUGS = [
  "aws",
  "amazon",
  "awslogs",
  "alb",
  "athena",
  "glue",
  "default",
  "system",
  "platform",
  "shared",
  "common",
  "orgs",
  "tmp",
  "temp",
] as const;

/** AWS name limits of the per-organization resources (each service's documented maximum). */
export const ORG_NAME_LIMITS = {
  /** IAM managed policy names: 128 characters. */
  iamPolicy: 128,
  /** Glue database names: 255 characters, lowercase letters, digits and underscores for Athena. */
  glueDatabase: 255,
  /** Athena workgroup names: 128 characters of A-Z a-z 0-9 . _ -. */
  athenaWorkgroup: 128,
  /** IoT role aliases: 128 characters of \w = , @ -. */
  iotRoleAlias: 128,
  /** IoT policy names: 128 characters of \w + = , . @ -. */
  iotPolicy: 128,
  /** IAM user names: 64 characters. */
  iamUser: 64,
} as const;

/** The physical names of one organization's resources. */
export interface OrganizationNames {
  /** The seed's policy name: `ts-athena-<region>-<environment>-<orgSlug>-policy`. */
  athenaPolicy: string;
  /** `ts_<environment>_<orgSlug with _ for ->`: Athena needs no quoting for underscores. */
  glueDatabase: string;
  /** `ts-athena-<environment>-<orgSlug>`. */
  athenaWorkgroup: string;
  /** `ts-datahub-<environment>-<orgSlug>`: the IoT role alias the Data Hub asks credentials for. */
  iotRoleAlias: string;
  /** `ts-datahub-<environment>-<orgSlug>-policy`: the IoT policy on every Data Hub certificate. */
  iotPolicy: string;
  /** `ts-athena-<environment>-<orgSlug>`: the IAM user of AthenaCreateIamUser. */
  athenaUser: string;
  /** `/tetrascience/<environment>/orgs/<orgSlug>/`: the connector secrets' SSM path. */
  connectorSecretsPath: string;
  /** `alias/ts-org-<environment>-<orgSlug>`: the org key's alias. */
  keyAlias: string;
}

/** The names an organization's resources get in `region` and `environment`. */
export function organizationNames(orgSlug: string, region: string, environment: string): OrganizationNames {
  return {
    athenaPolicy: `ts-athena-${region}-${environment}-${orgSlug}-policy`,
    glueDatabase: `ts_${environment}_${orgSlug.replace(/-/g, "_")}`,
    athenaWorkgroup: `ts-athena-${environment}-${orgSlug}`,
    iotRoleAlias: `ts-datahub-${environment}-${orgSlug}`,
    iotPolicy: `ts-datahub-${environment}-${orgSlug}-policy`,
    athenaUser: `ts-athena-${environment}-${orgSlug}`,
    connectorSecretsPath: `/tetrascience/${environment}/orgs/${orgSlug}/`,
    keyAlias: `alias/ts-org-${environment}-${orgSlug}`,
  };
}

/** One broken rule: the field, its value, the rule and the fix. */
export interface OrgSlugProblem {
  field: string;
  value: unknown;
  rule: string;
}

/**
 * The problems of an orgSlug on its own: pattern, length, reserved names, and the length of every
 * name derived from it. `field` names it in messages (`orgSlug`, or the config key).
 */
export function orgSlugProblems(
  orgSlug: string,
  region: string,
  environment: string,
  options: { field?: string; athenaCreateIamUser?: boolean } = {},
): OrgSlugProblem[] {
  const field = options.field ?? "orgSlug";
  const problems: OrgSlugProblem[] = [];
  if (orgSlug.length < ORG_SLUG_MIN_LENGTH || orgSlug.length > ORG_SLUG_MAX_LENGTH) {
    problems.push({
      field,
      value: orgSlug,
      rule: `must be ${ORG_SLUG_MIN_LENGTH} to ${ORG_SLUG_MAX_LENGTH} characters long (it is ${orgSlug.length}); pick a shorter slug`,
    });
  }
  if (!ORG_SLUG_PATTERN.test(orgSlug)) {
    problems.push({
      field,
      value: orgSlug,
      rule: "must be lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit (it is the top-level prefix in the shared buckets and part of IAM, Glue and Athena names)",
    });
  }
  if ((RESERVED_ORG_SLUGS as readonly string[]).includes(orgSlug)) {
    problems.push({
      field,
      value: orgSlug,
      rule: `is reserved (the reserved slugs are ${RESERVED_ORG_SLUGS.join(", ")}: prefixes AWS or the platform write into the shared buckets); choose another slug`,
    });
  }
  if (problems.length > 0) {
    return problems;
  }
  const names = organizationNames(orgSlug, region, environment);
  const checks: [string, string, number][] = [
    ["IAM policy name", names.athenaPolicy, ORG_NAME_LIMITS.iamPolicy],
    ["Glue database name", names.glueDatabase, ORG_NAME_LIMITS.glueDatabase],
    ["Athena workgroup name", names.athenaWorkgroup, ORG_NAME_LIMITS.athenaWorkgroup],
    ["IoT role alias", names.iotRoleAlias, ORG_NAME_LIMITS.iotRoleAlias],
    ["IoT policy name", names.iotPolicy, ORG_NAME_LIMITS.iotPolicy],
  ];
  if (options.athenaCreateIamUser) {
    checks.push(["IAM user name", names.athenaUser, ORG_NAME_LIMITS.iamUser]);
  }
  for (const [what, name, limit] of checks) {
    if (name.length > limit) {
      problems.push({
        field,
        value: orgSlug,
        rule: `makes the ${what} "${name}" ${name.length} characters long, over AWS's limit of ${limit}; shorten the slug by ${name.length - limit} characters`,
      });
    }
  }
  return problems;
}

/** Throws the first problem of {@link orgSlugProblems} as an Error naming field, value and rule. */
export function validateOrgSlug(
  orgSlug: string,
  region: string,
  environment: string,
  options: { field?: string; athenaCreateIamUser?: boolean } = {},
): void {
  const [problem] = orgSlugProblems(orgSlug, region, environment, options);
  if (problem !== undefined) {
    throw new Error(`${problem.field} "${String(problem.value)}" ${problem.rule}`);
  }
}
