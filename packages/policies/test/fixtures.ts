import type { PlanResource } from "../src/plan-file";
import { res, urnOf } from "./harness";

export const ACCOUNT = "111111111111";
export const KEY_ARN = `arn:aws:kms:us-east-1:${ACCOUNT}:key/0000-1111`;

export function tlsOnlyPolicy(bucket: string, extra: object[] = []): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...extra,
    ],
  });
}

/** A bucket with every companion SecureBucket creates; `omit` drops companions by type suffix. */
export function secureBucket(
  bucket: string,
  overrides: Partial<Record<string, Record<string, unknown>>> = {},
  omit: string[] = [],
): PlanResource[] {
  const bucketType = "aws:s3/bucket:Bucket";
  const depends = { dependencies: [urnOf(bucketType, `${bucket}-bucket`)] };
  const companions: [string, Record<string, unknown>][] = [
    [
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      {
        bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
    ],
    [
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      { bucket, rule: { objectOwnership: "BucketOwnerEnforced" } },
    ],
    [
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      {
        bucket,
        rules: [
          {
            applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
            bucketKeyEnabled: true,
          },
        ],
      },
    ],
    ["aws:s3/bucketVersioning:BucketVersioning", { bucket, versioningConfiguration: { status: "Enabled" } }],
    ["aws:s3/bucketPolicy:BucketPolicy", { bucket, policy: tlsOnlyPolicy(bucket) }],
    [
      "aws:s3/bucketLogging:BucketLogging",
      { bucket, targetBucket: "access-logs", targetPrefix: `${bucket}/` },
    ],
    [
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      {
        bucket,
        rules: [
          { id: "abort", status: "Enabled", abortIncompleteMultipartUpload: { daysAfterInitiation: 7 } },
        ],
      },
    ],
  ];
  return [
    res(
      bucketType,
      `${bucket}-bucket`,
      { bucket, forceDestroy: false, ...overrides["Bucket"] },
      { protect: true },
    ),
    ...companions
      .filter(([type]) => !omit.some((o) => type.endsWith(`:${o}`)))
      .map(([type, inputs]) => {
        const short = type.split(":").pop() ?? type;
        return res(type, `${bucket}-${short}`, { ...inputs, ...overrides[short] }, depends);
      }),
  ];
}
