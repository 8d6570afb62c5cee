import { companionsOf, ofTypes } from "../companions";
import { resourcePolicy, stackPolicy, type StackResource } from "../define";
import { asArray, get, isTrue, isUnknown, policyStatements, principals, strings } from "../props";

/** Bucket types: v7's Bucket and the older BucketV2 token a mixed program may still use. */
export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];
const BUCKET_KEYS = ["bucket", "id"];

function buckets(resources: StackResource[]): StackResource[] {
  return ofTypes(resources, BUCKET_TYPES);
}

function companions(bucket: StackResource, resources: StackResource[], type: string): StackResource[] {
  return companionsOf(bucket, resources, type, "bucket", BUCKET_KEYS);
}

function bucketName(bucket: StackResource): string {
  const name = bucket.props["bucket"];
  return typeof name === "string" && !isUnknown(name) ? name : bucket.name;
}

export const s3PublicAccessBlocked = stackPolicy({
  name: "s3-public-access-blocked",
  satisfiedBy: ["packages/data/src/secure-bucket.ts", "packages/bi-dashboard/src/buckets.ts"],
  description: "Every bucket has a public access block with all four settings on.",
  module: "s3",
  controls: { fsbp: ["S3.1", "S3.8"], checkov: ["CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"] },
  enforcementLevel: "mandatory",
  remediation:
    "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, ignorePublicAcls and restrictPublicBuckets true (SecureBucket does)",
  check(resources, report) {
    for (const bucket of buckets(resources)) {
      const blocks = companions(bucket, resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
      if (blocks.length === 0) report(`bucket ${bucketName(bucket)} has no public access block`, bucket.urn);
    }
    for (const block of ofTypes(resources, ["aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"])) {
      const off = [
        "blockPublicAcls",
        "blockPublicPolicy",
        "ignorePublicAcls",
        "restrictPublicBuckets",
      ].filter((key) => !isTrue(block.props[key]));
      if (off.length > 0) report(`public access block ${block.name} leaves ${off.join(", ")} off`, block.urn);
    }
  },
});

export const s3AclsDisabled = stackPolicy({
  name: "s3-acls-disabled",
  satisfiedBy: ["packages/data/src/secure-bucket.ts", "packages/bi-dashboard/src/buckets.ts"],
  description: "Every bucket enforces bucket-owner object ownership (ACLs disabled) and no ACL is granted.",
  module: "s3",
  controls: { fsbp: ["S3.12"], checkov: ["CKV2_AWS_65"] },
  enforcementLevel: "mandatory",
  remediation:
    "Add aws.s3.BucketOwnershipControls with rule.objectOwnership BucketOwnerEnforced and remove ACL grants",
  check(resources, report) {
    for (const bucket of buckets(resources)) {
      const controls = companions(
        bucket,
        resources,
        "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      );
      const enforced = controls.some((c) => get(c.props, "rule.objectOwnership") === "BucketOwnerEnforced");
      if (!enforced)
        report(`bucket ${bucketName(bucket)} does not enforce BucketOwnerEnforced ownership`, bucket.urn);
      const acl = bucket.props["acl"];
      if (typeof acl === "string" && acl !== "private")
        report(`bucket ${bucketName(bucket)} has the ACL ${acl}`, bucket.urn);
    }
    for (const acl of ofTypes(resources, ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"])) {
      report(`bucket ACL ${acl.name} grants access through ACLs`, acl.urn);
    }
  },
});

export const s3KmsEncryption = stackPolicy({
  name: "s3-kms-encryption",
  satisfiedBy: ["packages/data/src/secure-bucket.ts", "packages/data/src/keys.ts"],
  description: "Every bucket encrypts by default with a customer-managed KMS key and S3 bucket keys.",
  module: "s3",
  controls: { fsbp: ["S3.17"], checkov: ["CKV_AWS_145"] },
  enforcementLevel: "mandatory",
  remediation:
    "Add aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm aws:kms, the purpose's key as kmsMasterKeyId and bucketKeyEnabled true",
  check(resources, report) {
    for (const bucket of buckets(resources)) {
      const configs = companions(
        bucket,
        resources,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      );
      const rules = [
        ...configs.flatMap((c) => asArray(c.props["rules"])),
        ...asArray(get(bucket.props, "serverSideEncryptionConfiguration.rule")),
      ];
      if (rules.length === 0) {
        report(`bucket ${bucketName(bucket)} has no default encryption configuration`, bucket.urn);
        continue;
      }
      for (const rule of rules) {
        const algorithm = get(rule, "applyServerSideEncryptionByDefault.sseAlgorithm");
        const key = get(rule, "applyServerSideEncryptionByDefault.kmsMasterKeyId");
        if (algorithm !== "aws:kms" && algorithm !== "aws:kms:dsse") {
          report(`bucket ${bucketName(bucket)} encrypts with ${String(algorithm)}, not aws:kms`, bucket.urn);
        } else if (key === undefined || key === "") {
          report(
            `bucket ${bucketName(bucket)} uses the AWS-managed aws/s3 key, not a customer-managed key`,
            bucket.urn,
          );
        } else if (!isTrue(get(rule, "bucketKeyEnabled"))) {
          report(`bucket ${bucketName(bucket)} does not enable S3 bucket keys`, bucket.urn);
        }
      }
    }
  },
});

export const s3Versioning = stackPolicy({
  name: "s3-versioning",
  satisfiedBy: ["packages/data/src/secure-bucket.ts"],
  description: "Every bucket keeps object versions, so an overwrite or delete can be undone.",
  module: "s3",
  controls: { fsbp: ["S3.14"], checkov: ["CKV_AWS_21"] },
  enforcementLevel: "mandatory",
  remediation: "Add aws.s3.BucketVersioning with versioningConfiguration.status Enabled",
  check(resources, report) {
    for (const bucket of buckets(resources)) {
      const versionings = companions(bucket, resources, "aws:s3/bucketVersioning:BucketVersioning");
      const enabled =
        versionings.some((v) => get(v.props, "versioningConfiguration.status") === "Enabled") ||
        isTrue(get(bucket.props, "versioning.enabled"));
      if (!enabled) report(`bucket ${bucketName(bucket)} does not enable versioning`, bucket.urn);
    }
  },
});

function deniesInsecureTransport(policy: unknown): boolean {
  return (policyStatements(policy) ?? []).some((s) => {
    const secure = get(s.Condition, "Bool.aws:SecureTransport");
    return s.Effect === "Deny" && (secure === "false" || secure === false);
  });
}

export const s3TlsOnly = stackPolicy({
  name: "s3-tls-only",
  satisfiedBy: ["packages/data/src/secure-bucket.ts", "packages/core/src/policy-document.ts"],
  description: "Every bucket policy denies requests that do not use TLS.",
  module: "s3",
  controls: { fsbp: ["S3.5"], checkov: ["CKV_AWS_379"] },
  enforcementLevel: "mandatory",
  remediation:
    'Add a bucket policy statement denying s3:* when aws:SecureTransport is "false" (core\'s denyInsecureTransport)',
  check(resources, report) {
    for (const bucket of buckets(resources)) {
      const policies = companions(bucket, resources, "aws:s3/bucketPolicy:BucketPolicy");
      const known = policies.filter((p) => policyStatements(p.props["policy"]) !== undefined);
      if (policies.length > 0 && known.length === 0) continue;
      if (!known.some((p) => deniesInsecureTransport(p.props["policy"]))) {
        report(`bucket ${bucketName(bucket)} has no policy denying non-TLS requests`, bucket.urn);
      }
    }
  },
});

/** Conditions that keep a `Principal: "*"` grant to a known caller. */
const SCOPING_KEYS = [
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOwner",
  "aws:PrincipalOrgID",
  "aws:SourceVpce",
  "aws:PrincipalAccount",
];

export const s3NoPublicGrant = resourcePolicy({
  name: "s3-no-public-grant",
  satisfiedBy: ["packages/data/src/secure-bucket.ts", "packages/data/src/elb-log-delivery.ts"],
  description: "No bucket policy allows anyone (Principal *) without a condition naming the caller.",
  module: "s3",
  controls: { fsbp: ["S3.2", "S3.3", "S3.6"], checkov: ["CKV_AWS_70"] },
  enforcementLevel: "mandatory",
  remediation:
    "Name the principal, or keep the grant to a caller with aws:SourceAccount, aws:SourceArn or aws:PrincipalOrgID",
  types: ["aws:s3/bucketPolicy:BucketPolicy"],
  check(resource, report) {
    for (const statement of policyStatements(resource.props["policy"]) ?? []) {
      if (statement.Effect !== "Allow") continue;
      const open = principals(statement).some((p) => p.kind === "AWS" && p.value === "*");
      const scoped = Object.values(statement.Condition ?? {}).some((clause) =>
        Object.keys(clause ?? {}).some((key) => SCOPING_KEYS.includes(key)),
      );
      if (open && !scoped) {
        report(
          `statement ${statement.Sid ?? "(no Sid)"} allows ${strings(statement.Action).join(", ")} to anyone`,
        );
      }
    }
  },
});

export const s3AccessLogging = stackPolicy({
  name: "s3-access-logging",
  satisfiedBy: ["packages/data/src/buckets.ts"],
  description: "Every bucket logs its server access, except the buckets that receive access logs.",
  module: "s3",
  controls: { fsbp: ["S3.9"], checkov: ["CKV_AWS_18"] },
  enforcementLevel: "advisory",
  remediation: "Add aws.s3.BucketLogging sending the bucket's access logs to the access-logs bucket",
  check(resources, report) {
    const loggings = ofTypes(resources, ["aws:s3/bucketLogging:BucketLogging"]);
    const targets = new Set(
      loggings.map((l) => l.props["targetBucket"]).filter((t): t is string => typeof t === "string"),
    );
    for (const bucket of buckets(resources)) {
      if (targets.has(bucketName(bucket))) continue;
      if (
        companions(bucket, resources, "aws:s3/bucketLogging:BucketLogging").length === 0 &&
        !get(bucket.props, "logging")
      ) {
        report(`bucket ${bucketName(bucket)} does not log server access`, bucket.urn);
      }
    }
  },
});

export const s3Lifecycle = stackPolicy({
  name: "s3-lifecycle",
  satisfiedBy: ["packages/data/src/secure-bucket.ts"],
  description: "Every bucket has a lifecycle that aborts incomplete multipart uploads.",
  module: "s3",
  controls: { fsbp: ["S3.10", "S3.13"], checkov: ["CKV_AWS_300", "CKV2_AWS_61"] },
  enforcementLevel: "advisory",
  remediation:
    "Add aws.s3.BucketLifecycleConfiguration with an enabled abortIncompleteMultipartUpload rule (and noncurrent-version expiry)",
  check(resources, report) {
    for (const bucket of buckets(resources)) {
      const rules = companions(
        bucket,
        resources,
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      ).flatMap((c) => asArray(c.props["rules"]));
      const aborts = rules.some(
        (r) => get(r, "status") === "Enabled" && get(r, "abortIncompleteMultipartUpload") !== undefined,
      );
      if (!aborts)
        report(`bucket ${bucketName(bucket)} never aborts incomplete multipart uploads`, bucket.urn);
    }
  },
});

export const s3Policies = [
  s3PublicAccessBlocked,
  s3AclsDisabled,
  s3KmsEncryption,
  s3Versioning,
  s3TlsOnly,
  s3NoPublicGrant,
  s3AccessLogging,
  s3Lifecycle,
];
