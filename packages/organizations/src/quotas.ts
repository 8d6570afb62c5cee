import type { OrgSlugProblem } from "./names";

/**
 * Account quotas the organizations of one stack count against. Each organization adds a statement
 * (and a key to the allowed-key list) to the policies of the shared buckets, and, with a Data Hub,
 * an IoT role alias.
 */
export const ORG_QUOTAS = {
  /** Amazon S3: a bucket policy is at most 20 KB (20,480 bytes); the quota is not adjustable. */
  bucketPolicyBytes: 20_480,
  /** AWS IoT Core: role aliases per account and region, 100 by default (adjustable via Service Quotas). */
  iotRoleAliases: 100,
} as const;

/** What the shared bucket's policy holds before any organization is added (measured on the plan). */
const BASE_BUCKET_POLICY_BYTES = 1_500;
/** A KMS key ARN at its longest (`arn:aws-us-gov:kms:<region>:<12 digits>:key/<uuid>`), quoted. */
const KEY_ARN_BYTES = 90;
/** A bucket ARN at its longest (63-character name). */
const BUCKET_ARN_BYTES = 76;

/** The bytes one organization adds to a shared bucket's policy (its statement and its key). */
export function orgBucketPolicyBytes(orgSlug: string): number {
  const statement = {
    Sid: `RefuseOtherKeysUnderPrefixOf${orgSlug}`,
    Effect: "Deny",
    Principal: "*",
    Action: "s3:PutObject",
    Resource: `${"b".repeat(BUCKET_ARN_BYTES)}/${orgSlug}/*`,
    Condition: {
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "k".repeat(KEY_ARN_BYTES) },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    },
  };
  // The statement, a comma, and the key's place in the bucket-wide allowed-key list.
  return JSON.stringify(statement).length + 1 + KEY_ARN_BYTES + 3;
}

/** The estimated size of a shared bucket's policy with these organizations. */
export function estimatedBucketPolicyBytes(orgSlugs: string[]): number {
  return orgSlugs.reduce((total, slug) => total + orgBucketPolicyBytes(slug), BASE_BUCKET_POLICY_BYTES);
}

/** Problems of the organization list against the account's quotas (`field` names the list). */
export function organizationQuotaProblems(
  orgs: { orgSlug: string; dataHub: boolean }[],
  field = "organizations",
  iotRoleAliasQuota: number = ORG_QUOTAS.iotRoleAliases,
): OrgSlugProblem[] {
  const problems: OrgSlugProblem[] = [];
  const bytes = estimatedBucketPolicyBytes(orgs.map((o) => o.orgSlug));
  if (bytes > ORG_QUOTAS.bucketPolicyBytes) {
    problems.push({
      field,
      value: `${orgs.length} organizations`,
      rule: `would make the shared buckets' policies about ${bytes} bytes, over the Amazon S3 quota "bucket policy size" of ${ORG_QUOTAS.bucketPolicyBytes} bytes (not adjustable); split the organizations over two deployments or shorten their slugs`,
    });
  }
  const aliases = orgs.filter((o) => o.dataHub).length;
  if (aliases > iotRoleAliasQuota) {
    problems.push({
      field,
      value: `${aliases} organizations with a Data Hub`,
      rule: `need ${aliases} IoT role aliases, over the AWS IoT Core quota "role aliases per account" of ${iotRoleAliasQuota} in the region; turn dataHub off for some organizations, or raise the quota in Service Quotas and pass the new value`,
    });
  }
  return problems;
}
