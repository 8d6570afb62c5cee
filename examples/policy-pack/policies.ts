// The team's policies: the TDP pack's encryption and logging policies, plus one rule of its own.
import type { ResourceValidationPolicy } from "@pulumi/policy";
import type { TdpPolicy } from "@tdp/policies/policies";
import { allPolicies } from "@tdp/policies/policies";

/** Our pack's own rule: every bucket carries a `team` tag. */
export const bucketsNameTheirTeam: ResourceValidationPolicy = {
  name: "acme-buckets-name-their-team",
  description: "S3 buckets carry a team tag.",
  enforcementLevel: "advisory",
  validateResource: (args, reportViolation) => {
    if (args.type !== "aws:s3/bucket:Bucket" && args.type !== "aws:s3/bucketV2:BucketV2") return;
    const tags = (args.props as { tags?: Record<string, string> }).tags ?? {};
    if (tags["team"] === undefined) reportViolation("the bucket has no team tag");
  },
};

/** The TDP policies this team adopts: every policy whose name speaks of encryption or logging. */
export const adopted: TdpPolicy[] = allPolicies.filter((policy) => /encrypt|kms|log/i.test(policy.name));

export const policies = [...adopted, bucketsNameTheirTeam];
