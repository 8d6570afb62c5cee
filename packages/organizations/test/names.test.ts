import { strict as assert } from "node:assert";

import {
  ORG_QUOTAS,
  RESERVED_ORG_SLUGS,
  estimatedBucketPolicyBytes,
  organizationNames,
  organizationQuotaProblems,
  orgBucketPolicyStatements,
  orgSid,
  orgSlugProblems,
  validateOrgSlug,
} from "../src";

describe("orgSlug rules", () => {
  it("accepts lowercase slugs with single inner hyphens", () => {
    for (const slug of ["exampleco", "acme-labs", "a1", "tetrascience"]) {
      assert.deepEqual(orgSlugProblems(slug, "us-east-1", "production"), [], slug);
    }
  });

  it("refuses uppercase, underscores, leading digits, double or edge hyphens", () => {
    for (const slug of ["Acme", "acme_labs", "1acme", "acme--labs", "-acme", "acme-", "a"]) {
      assert.throws(
        () => validateOrgSlug(slug, "us-east-1", "production"),
        new RegExp(`orgSlug "${slug}"`),
        slug,
      );
    }
  });

  it("refuses reserved slugs, naming them", () => {
    assert.ok(RESERVED_ORG_SLUGS.includes("awslogs"));
    assert.throws(
      () => validateOrgSlug("aws", "us-east-1", "production"),
      /is reserved \(the reserved slugs are aws, amazon/,
    );
  });

  it("refuses a slug whose derived IAM policy name passes 128 characters, saying by how much", () => {
    const slug = `a${"b".repeat(81)}`;
    const problems = orgSlugProblems(slug, "ap-southeast-4", "longenvironment1", {
      field: "tdp:organizations[0].orgSlug",
    });
    const policy = problems.find((p) => p.rule.includes("IAM policy name"));
    assert.ok(policy, JSON.stringify(problems));
    assert.equal(policy.field, "tdp:organizations[0].orgSlug");
    assert.match(
      policy.rule,
      /131 characters long, over AWS's limit of 128; shorten the slug by 3 characters/,
    );
  });

  it("checks the Athena workgroup's 128-character limit too", () => {
    const names = organizationNames("x".repeat(63), "us-east-1", "production");
    assert.ok(names.athenaWorkgroup.length <= 128);
    assert.equal(names.athenaPolicy, `ts-athena-us-east-1-production-${"x".repeat(63)}-policy`);
    assert.equal(names.glueDatabase, `ts_production_${"x".repeat(63)}`);
    assert.equal(
      organizationNames("acme-labs", "us-east-1", "production").glueDatabase,
      "ts_production_acme_labs",
    );
  });

  it("refuses a slug over 128 characters", () => {
    assert.throws(
      () => validateOrgSlug("a".repeat(129), "us-east-1", "production"),
      /must be 2 to 128 characters long \(it is 129\)/,
    );
  });
});

describe("organization quotas", () => {
  it("estimates the shared bucket policy under S3's 20 KB for a handful of organizations", () => {
    const bytes = estimatedBucketPolicyBytes(["exampleco", "acme-labs"]);
    assert.ok(bytes < ORG_QUOTAS.bucketPolicyBytes);
    assert.deepEqual(organizationQuotaProblems([{ orgSlug: "exampleco", dataHub: true }]), []);
  });

  it("names the S3 bucket-policy size quota when the organizations would not fit", () => {
    const orgs = Array.from({ length: 60 }, (_, i) => ({
      orgSlug: `organization-number-${i}`,
      dataHub: false,
    }));
    const [problem] = organizationQuotaProblems(orgs, "tdp:organizations");
    assert.match(problem?.rule ?? "", /over the Amazon S3 quota "bucket policy size" of 20480 bytes/);
  });

  it("names the IoT role-alias quota when too many organizations have a Data Hub", () => {
    const orgs = Array.from({ length: 3 }, (_, i) => ({ orgSlug: `o${i}`, dataHub: true }));
    const [problem] = organizationQuotaProblems(orgs, "tdp:organizations", 2);
    assert.match(problem?.rule ?? "", /over the AWS IoT Core quota "role aliases per account" of 2/);
    assert.deepEqual(
      organizationQuotaProblems(
        orgs.map((o) => ({ ...o, dataHub: false })),
        "tdp:organizations",
        2,
      ),
      [],
    );
  });
});

describe("orgBucketPolicyStatements", () => {
  it("refuses, under each prefix, an upload naming any key but the organization's", () => {
    const [statement] = orgBucketPolicyStatements("arn:aws:s3:::lake", [
      { orgSlug: "acme-labs", keyArn: "arn:k" },
    ]);
    assert.equal(statement?.Sid, "RefuseOtherKeysUnderPrefixOfAcmeLabs");
    assert.equal(statement?.Effect, "Deny");
    assert.deepEqual(statement?.Condition, {
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "arn:k" },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    });
  });

  it("keeps statement ids unique when two slugs spell the same id", () => {
    assert.equal(orgSid("X", "a-1b"), orgSid("X", "a1b"));
    const sids = orgBucketPolicyStatements("arn:aws:s3:::lake", [
      { orgSlug: "a-1b", keyArn: "k1" },
      { orgSlug: "a1b", keyArn: "k2" },
    ]).map((s) => s.Sid);
    assert.equal(new Set(sids).size, 2);
  });
});
