import {
  s3AccessLogging,
  s3AclsDisabled,
  s3KmsEncryption,
  s3Lifecycle,
  s3NoPublicGrant,
  s3PublicAccessBlocked,
  s3TlsOnly,
  s3Versioning,
} from "../../src/services/s3";
import { res, type PolicyCase } from "../harness";
import { KEY_ARN, secureBucket, tlsOnlyPolicy } from "../fixtures";

const good = secureBucket("data");

export const s3Cases: PolicyCase[] = [
  {
    policy: s3PublicAccessBlocked,
    passes: [good],
    fails: [
      {
        fixture: secureBucket("data", {}, ["BucketPublicAccessBlock"]),
        message: /bucket data has no public access block/,
      },
      {
        fixture: secureBucket("data", { BucketPublicAccessBlock: { restrictPublicBuckets: false } }),
        message: /leaves restrictPublicBuckets off/,
      },
    ],
  },
  {
    policy: s3AclsDisabled,
    passes: [good],
    fails: [
      {
        fixture: secureBucket("data", {
          BucketOwnershipControls: { rule: { objectOwnership: "ObjectWriter" } },
        }),
        message: /does not enforce BucketOwnerEnforced/,
      },
      {
        fixture: [
          ...good,
          res("aws:s3/bucketAcl:BucketAcl", "data-acl", { bucket: "data", acl: "public-read" }),
        ],
        message: /grants access through ACLs/,
      },
    ],
  },
  {
    policy: s3KmsEncryption,
    passes: [good],
    fails: [
      {
        fixture: secureBucket("data", {}, ["BucketServerSideEncryptionConfiguration"]),
        message: /no default encryption/,
      },
      {
        fixture: secureBucket("data", {
          BucketServerSideEncryptionConfiguration: {
            rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
          },
        }),
        message: /encrypts with AES256, not aws:kms/,
      },
      {
        fixture: secureBucket("data", {
          BucketServerSideEncryptionConfiguration: {
            rules: [
              { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN } },
            ],
          },
        }),
        message: /does not enable S3 bucket keys/,
      },
    ],
  },
  {
    policy: s3Versioning,
    passes: [good],
    fails: [
      {
        fixture: secureBucket("data", {
          BucketVersioning: { versioningConfiguration: { status: "Suspended" } },
        }),
        message: /bucket data does not enable versioning/,
      },
    ],
  },
  {
    policy: s3TlsOnly,
    passes: [good],
    fails: [
      { fixture: secureBucket("data", {}, ["BucketPolicy"]), message: /no policy denying non-TLS requests/ },
      {
        fixture: secureBucket("data", {
          BucketPolicy: {
            policy: JSON.stringify({
              Statement: [
                {
                  Effect: "Allow",
                  Principal: { Service: "logging.s3.amazonaws.com" },
                  Action: "s3:PutObject",
                },
              ],
            }),
          },
        }),
        message: /no policy denying non-TLS requests/,
      },
    ],
  },
  {
    policy: s3NoPublicGrant,
    passes: [
      good,
      secureBucket("logs", {
        BucketPolicy: {
          policy: tlsOnlyPolicy("logs", [
            {
              Effect: "Allow",
              Principal: "*",
              Action: "s3:PutObject",
              Condition: { StringEquals: { "aws:SourceAccount": "111111111111" } },
            },
          ]),
        },
      }),
    ],
    fails: [
      {
        fixture: secureBucket("data", {
          BucketPolicy: {
            policy: tlsOnlyPolicy("data", [
              { Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "s3:GetObject" },
            ]),
          },
        }),
        message: /statement Open allows s3:GetObject to anyone/,
      },
    ],
  },
  {
    policy: s3AccessLogging,
    passes: [good, [...secureBucket("access-logs", {}, ["BucketLogging"]), ...good]],
    fails: [
      {
        fixture: secureBucket("data", {}, ["BucketLogging"]),
        message: /bucket data does not log server access/,
      },
    ],
  },
  {
    policy: s3Lifecycle,
    passes: [good],
    fails: [
      {
        fixture: secureBucket("data", {}, ["BucketLifecycleConfiguration"]),
        message: /never aborts incomplete multipart uploads/,
      },
    ],
  },
];
