import { drBucketsReplicated, drTargetsProtected } from "../../src/services/dr";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const SOURCE = "acme-tdp-production-datalake";
const REPLICA = "acme-tdp-dr-datalake";
const DR_KEY = "arn:aws:kms:us-west-2:222222222222:key/0000-2222";

/** A bucket with its versioning and encryption, as SecureBucket registers them. */
function bucket(name: string, options: { protect?: boolean; versioning?: string; sse?: string } = {}) {
  return [
    res("aws:s3/bucket:Bucket", `${name}-bucket`, { bucket: name }, { protect: options.protect ?? true }),
    res("aws:s3/bucketVersioning:BucketVersioning", `${name}-versioning`, {
      bucket: name,
      versioningConfiguration: { status: options.versioning ?? "Enabled" },
    }),
    res(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      `${name}-encryption`,
      {
        bucket: name,
        rules: [
          {
            applyServerSideEncryptionByDefault: {
              sseAlgorithm: options.sse ?? "aws:kms",
              kmsMasterKeyId: KEY_ARN,
            },
          },
        ],
      },
    ),
  ];
}

/** The replication rule @tdp/dr's Replication registers; `rule` overrides its fields. */
function replication(rule: Record<string, unknown> = {}) {
  return res("aws:s3/bucketReplicationConfig:BucketReplicationConfig", "dr-replication-datalake", {
    bucket: SOURCE,
    role: "arn:aws:iam::111111111111:role/acme-tdp-production-dr-replication",
    rules: [
      {
        id: "dr-datalake",
        status: "Enabled",
        filter: {},
        deleteMarkerReplication: { status: "Enabled" },
        sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
        destination: {
          bucket: `arn:aws:s3:::${REPLICA}`,
          account: "222222222222",
          encryptionConfiguration: { replicaKmsKeyId: DR_KEY },
        },
        ...rule,
      },
    ],
  });
}

const vault = (protect: boolean) =>
  res(
    "aws:backup/vault:Vault",
    "dr-targets-vault",
    { name: "acme-tdp-dr-database", kmsKeyArn: DR_KEY },
    { protect },
  );

const STAGING = "acme-tdp-dr-database-staging";
const stagingVault = (protect: boolean) =>
  res(
    "aws:backup/vault:Vault",
    "dr-backup-relay-vault",
    { name: STAGING, kmsKeyArn: "arn:aws:kms:us-east-1:222222222222:key/0000-3333" },
    { protect },
  );

export const drCases: PolicyCase[] = [
  {
    policy: drBucketsReplicated,
    config: { drReplicatedBuckets: [SOURCE, "acme-tdp-production-stream"] },
    // The stream bucket is not in the plan: adopted in a recovery, nothing to replicate from here.
    passes: [[...bucket(SOURCE), replication()]],
    fails: [
      {
        fixture: bucket(SOURCE),
        message: /bucket acme-tdp-production-datalake has no replication to the DR account/,
      },
      {
        fixture: [
          ...bucket(SOURCE),
          replication({ sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Disabled" } } }),
        ],
        message: /leaves out KMS-encrypted objects, delete markers or the replica key/,
      },
      {
        fixture: [...bucket(SOURCE), replication({ deleteMarkerReplication: { status: "Disabled" } })],
        message: /leaves out KMS-encrypted objects, delete markers or the replica key/,
      },
      {
        fixture: [
          ...bucket(SOURCE),
          replication({ destination: { bucket: `arn:aws:s3:::${REPLICA}`, account: "222222222222" } }),
        ],
        message: /leaves out KMS-encrypted objects, delete markers or the replica key/,
      },
      {
        fixture: [...bucket(SOURCE, { versioning: "Suspended" }), replication()],
        message: /bucket acme-tdp-production-datalake is not versioned/,
      },
    ],
  },
  {
    policy: drTargetsProtected,
    config: { drReplicaBuckets: [REPLICA] },
    passes: [[...bucket(REPLICA), vault(true)]],
    fails: [
      {
        fixture: [...bucket(REPLICA, { protect: false }), vault(true)],
        message: /replica bucket acme-tdp-dr-datalake is not protected/,
      },
      {
        fixture: [...bucket(REPLICA, { versioning: "Suspended" })],
        message: /replica bucket acme-tdp-dr-datalake is not versioned/,
      },
      {
        fixture: [...bucket(REPLICA, { sse: "AES256" })],
        message: /replica bucket acme-tdp-dr-datalake is not KMS-encrypted/,
      },
      {
        fixture: [...bucket(REPLICA), vault(false)],
        message: /DR backup vault acme-tdp-dr-database is not protected/,
      },
      { fixture: [vault(true)], message: /replica bucket acme-tdp-dr-datalake is not in the stack/ },
    ],
  },
  {
    policy: drTargetsProtected,
    // Backup mode: the staging vault the primary copies into.
    config: { drReplicaBuckets: [REPLICA], drStagingVault: STAGING },
    passes: [[...bucket(REPLICA), vault(true), stagingVault(true)]],
    fails: [
      {
        fixture: [...bucket(REPLICA), vault(true), stagingVault(false)],
        message: /DR staging vault acme-tdp-dr-database-staging is not protected/,
      },
      {
        fixture: [...bucket(REPLICA), vault(true)],
        message: /DR staging vault acme-tdp-dr-database-staging is not in the stack/,
      },
    ],
  },
];
