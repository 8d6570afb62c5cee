import type { StackResource } from "../define";
import { coversAction, knownText, numberOf, sidOf } from "../conditions";
import { ofTypes } from "../companions";
import { resourcePolicy, stackPolicy } from "../define";
import {
  asArray,
  asRecord,
  isPending,
  isTrue,
  type PolicyStatement,
  policyStatements,
  strings,
} from "../props";

export const ORGANIZATION_TYPE = "tdp:organizations:Organization";
export const ROLE_ALIAS_TYPES = ["aws:iot/roleAlias:RoleAlias"];
/** Seed 003: the Data Hub's credentials are valid one hour (requested every 30 minutes). */
export const MAX_CREDENTIAL_DURATION_SECONDS = 3600;
/** Identity policies an organization's principals hold. */
const IDENTITY_POLICY_TYPES = [
  "aws:iam/policy:Policy",
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/userPolicy:UserPolicy",
];

/** Every resource under `component`, at any depth. */
function descendants(resources: StackResource[], component: StackResource): StackResource[] {
  const below = new Set([component.urn]);
  const found: StackResource[] = [];
  let grew = true;
  while (grew) {
    grew = false;
    for (const r of resources) {
      if (r.parentUrn !== undefined && below.has(r.parentUrn) && !below.has(r.urn)) {
        below.add(r.urn);
        found.push(r);
        grew = true;
      }
    }
  }
  return found;
}

/** The organizations of the stack with their slug (the component's input). */
function organizations(resources: StackResource[]): { org: StackResource; slug: string }[] {
  return ofTypes(resources, [ORGANIZATION_TYPE]).flatMap((org) => {
    const slug = knownText(org.props["orgSlug"]);
    return slug === undefined ? [] : [{ org, slug }];
  });
}

/** How an S3 grant reaches beyond `<bucket>/<slug>/` (empty when it does not). */
function s3Reach(statement: PolicyStatement, slug: string): string[] {
  const problems: string[] = [];
  const s3 = strings(statement.Action).some((a) => a.toLowerCase().startsWith("s3:") || a === "*");
  if (!s3) return problems;
  for (const resource of strings(statement.Resource)) {
    if (resource === "*") {
      problems.push(`grants ${strings(statement.Action).join(", ")} on every resource`);
      continue;
    }
    const match = /^arn:aws[a-z-]*:s3:::([^/]+)(\/(.*))?$/.exec(resource);
    if (!match) continue;
    const key = match[3];
    if (key !== undefined && !key.startsWith(`${slug}/`)) {
      problems.push(`reaches ${resource}, outside the prefix ${slug}/`);
    } else if (
      key === undefined &&
      (coversAction(statement, "s3:ListBucket") || coversAction(statement, "s3:ListBucketVersions"))
    ) {
      const prefixes = Object.values(asRecord(statement.Condition) ?? {}).flatMap((test) =>
        asArray(asRecord(test)?.["s3:prefix"]).filter((v): v is string => typeof v === "string"),
      );
      if (prefixes.length === 0 || prefixes.some((p) => !p.startsWith(`${slug}/`)))
        problems.push(
          `lists ${resource} beyond the prefix ${slug}/ (an s3:prefix condition must name only ${slug}/...)`,
        );
    }
  }
  return problems;
}

export const organizationPoliciesOwnPrefix = stackPolicy({
  name: "organization-policies-own-prefix",
  satisfiedBy: ["packages/organizations/src/policies.ts"],
  description:
    "No identity policy of an organization (its Athena policy, its Data Hub and SSM roles' policies) reaches another organization's prefix in the shared buckets: every S3 object grant is under <bucket>/<orgSlug>/, every listing carries an s3:prefix condition naming only that prefix.",
  module: "organizations",
  controls: { fsbp: [], checkov: [], project: ["TDP.ORG.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Build the organization's policies with @tdp/organizations (orgPrefixObjectsArn and the s3:prefix listing), never with a bucket-wide or * resource",
  check(resources, report) {
    for (const { org, slug } of organizations(resources)) {
      for (const policy of ofTypes(descendants(resources, org), IDENTITY_POLICY_TYPES)) {
        for (const statement of policyStatements(policy.props["policy"]) ?? []) {
          if (statement.Effect !== "Allow") continue;
          for (const problem of s3Reach(statement, slug))
            report(
              `organization ${slug}: ${policy.name} statement ${sidOf(statement)} ${problem}`,
              policy.urn,
            );
        }
      }
    }
  },
});

export const organizationKeys = stackPolicy({
  name: "organization-keys",
  satisfiedBy: ["packages/organizations/src/organization.ts"],
  description:
    "Every organization has a KMS key of its own (seed 003), symmetric, rotating at least yearly and protected from deletion.",
  module: "organizations",
  controls: { fsbp: ["KMS.4"], checkov: ["CKV_AWS_7"], project: ["TDP.ORG.2"] },
  enforcementLevel: "mandatory",
  remediation:
    "Create organizations with @tdp/organizations' Organization, whose key rotates yearly (keyRotationPeriodInDays 365 or fewer) and is protected",
  check(resources, report) {
    for (const { org, slug } of organizations(resources)) {
      const keys = ofTypes(descendants(resources, org), ["aws:kms/key:Key"]);
      if (keys.length !== 1) {
        report(`organization ${slug} has ${keys.length} keys of its own, not one`, org.urn);
        continue;
      }
      const key = keys[0]!;
      if (!isTrue(key.props["enableKeyRotation"]))
        report(`organization ${slug}'s key ${key.name} does not rotate`, key.urn);
      const period = numberOf(key.props["rotationPeriodInDays"]);
      if (period !== undefined && period > 365)
        report(
          `organization ${slug}'s key ${key.name} rotates every ${period} days, less often than yearly`,
          key.urn,
        );
      if (!key.protect && !key.retainOnDelete)
        report(`organization ${slug}'s key ${key.name} is not protected from deletion`, key.urn);
    }
  },
});

export const roleAliasCredentialDuration = resourcePolicy({
  name: "iot-role-alias-credential-duration",
  satisfiedBy: ["packages/organizations/src/organization.ts"],
  description:
    "Every IoT role alias issues credentials valid for at most 3600 seconds (seed 003: valid one hour, refreshed every 30 minutes).",
  module: "organizations",
  controls: { fsbp: [], checkov: [], project: ["TDP.ORG.3"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set credentialDuration to 3600 or less on the role alias (tdp:organizations[].credentialDurationSeconds)",
  types: ROLE_ALIAS_TYPES,
  check(resource, report) {
    const duration = resource.props["credentialDuration"];
    if (isPending(duration)) return;
    const seconds = numberOf(duration);
    if (seconds !== undefined && seconds > MAX_CREDENTIAL_DURATION_SECONDS)
      report(
        `role alias ${knownText(resource.props["alias"]) ?? resource.name} issues credentials for ${seconds} seconds, over ${MAX_CREDENTIAL_DURATION_SECONDS}`,
      );
  },
});

export const organizationsPolicies = [
  organizationPoliciesOwnPrefix,
  organizationKeys,
  roleAliasCredentialDuration,
];
