import { knownText } from "../conditions";
import { companionsOf, ofTypes } from "../companions";
import { stackPolicy, type StackResource } from "../define";
import { asArray, get, isPending } from "../props";

const BUCKET_TYPES = ["aws:s3/bucket:Bucket"];
const REPLICATION_TYPE = "aws:s3/bucketReplicationConfig:BucketReplicationConfig";
const VERSIONING_TYPE = "aws:s3/bucketVersioning:BucketVersioning";
const ENCRYPTION_TYPE =
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";
const VAULT_TYPES = ["aws:backup/vault:Vault"];

const nameOf = (bucket: StackResource) => knownText(bucket.props["bucket"]) ?? bucket.name;

/** The named buckets of the stack (a name not in the plan is skipped: adopted in a recovery). */
function bucketsNamed(resources: StackResource[], names: string[]): StackResource[] {
  const wanted = new Set(names);
  return ofTypes(resources, BUCKET_TYPES).filter((b) => wanted.has(nameOf(b)));
}

function versioned(bucket: StackResource, resources: StackResource[]): boolean {
  return companionsOf(bucket, resources, VERSIONING_TYPE, "bucket", ["bucket", "id"]).some((v) => {
    const status = get(v.props, "versioningConfiguration.status");
    return isPending(status) || status === "Enabled";
  });
}

export const drBucketsReplicated = stackPolicy({
  name: "dr-buckets-replicated",
  satisfiedBy: ["packages/dr/src/replication.ts", "packages/policies/src/stack-config.ts"],
  description:
    "With DR on (tdp:dr.enabled in a primary stack, the drReplicatedBuckets setting), every replicated bucket (data lake, stream, backup, artifacts) is versioned and has an enabled replication rule that replicates KMS-encrypted objects and delete markers to a KMS-encrypted replica.",
  module: "dr",
  controls: { fsbp: ["S3.7"], checkov: ["CKV_AWS_144"], project: ["TDP.DR.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Replicate the bucket with @tdp/dr's Replication (the primary stack does with tdp:dr.enabled and tdp:platform.drStack)",
  check(resources, report, config) {
    for (const bucket of bucketsNamed(resources, config.drReplicatedBuckets ?? [])) {
      const name = nameOf(bucket);
      if (!versioned(bucket, resources))
        report(`bucket ${name} is not versioned, so it cannot replicate`, bucket.urn);
      const rules = companionsOf(bucket, resources, REPLICATION_TYPE, "bucket", ["bucket", "id"]).flatMap(
        (c) => asArray(c.props["rules"]),
      );
      if (rules.length === 0) {
        report(`bucket ${name} has no replication to the DR account, though DR is on`, bucket.urn);
        continue;
      }
      const complete = rules.some((rule) => {
        const status = (key: string) => get(rule, key);
        const enabled = (key: string) => isPending(status(key)) || status(key) === "Enabled";
        const replicaKey = get(rule, "destination.encryptionConfiguration.replicaKmsKeyId");
        return (
          enabled("status") &&
          enabled("sourceSelectionCriteria.sseKmsEncryptedObjects.status") &&
          enabled("deleteMarkerReplication.status") &&
          (isPending(replicaKey) || (typeof replicaKey === "string" && replicaKey.length > 0))
        );
      });
      if (!complete)
        report(
          `bucket ${name}'s replication leaves out KMS-encrypted objects, delete markers or the replica key: no rule is enabled with all three`,
          bucket.urn,
        );
    }
  },
});

export const drTargetsProtected = stackPolicy({
  name: "dr-targets-protected",
  satisfiedBy: [
    "packages/dr/src/targets.ts",
    "packages/dr/src/backup-copy-relay.ts",
    "packages/policies/src/stack-config.ts",
  ],
  description:
    "In a dr stack (the drReplicaBuckets setting), every replica bucket and the DR backup vault are protected from deletion, and the replicas are versioned and KMS-encrypted (what replication needs of them); in backup mode (the drStagingVault setting) the staging vault the primary copies into is in the stack and protected too.",
  module: "dr",
  controls: { fsbp: [], checkov: [], project: ["TDP.DR.2"] },
  enforcementLevel: "mandatory",
  remediation:
    "Create the replicas and the vault with @tdp/dr's DrTargets (protected, versioned, SSE-KMS), and in backup mode the staging vault with @tdp/dr's BackupCopyRelay",
  check(resources, report, config) {
    // Backup mode: the staging vault the primary copies into must be here, and protected.
    const staging = config.drStagingVault;
    if (staging !== undefined) {
      const vault = ofTypes(resources, VAULT_TYPES).find((v) => knownText(v.props["name"]) === staging);
      if (vault === undefined)
        report(`DR staging vault ${staging} is not in the stack`, resources[0]?.urn ?? "");
    }
    const names = config.drReplicaBuckets ?? [];
    if (names.length === 0) return;
    const found = bucketsNamed(resources, names);
    for (const missing of names.filter((n) => !found.some((b) => nameOf(b) === n)))
      report(`replica bucket ${missing} is not in the stack`, resources[0]?.urn ?? "");
    for (const bucket of found) {
      const name = nameOf(bucket);
      if (!bucket.protect) report(`replica bucket ${name} is not protected`, bucket.urn);
      if (!versioned(bucket, resources)) report(`replica bucket ${name} is not versioned`, bucket.urn);
      const kms = companionsOf(bucket, resources, ENCRYPTION_TYPE, "bucket", ["bucket", "id"]).some((e) =>
        asArray(e.props["rules"]).some((r) => {
          const algorithm = get(r, "applyServerSideEncryptionByDefault.sseAlgorithm");
          return isPending(algorithm) || algorithm === "aws:kms";
        }),
      );
      if (!kms) report(`replica bucket ${name} is not KMS-encrypted`, bucket.urn);
    }
    for (const vault of ofTypes(resources, VAULT_TYPES))
      if (!vault.protect) {
        const name = knownText(vault.props["name"]) ?? vault.name;
        report(`DR ${name === staging ? "staging" : "backup"} vault ${name} is not protected`, vault.urn);
      }
  },
});

export const drPolicies = [drBucketsReplicated, drTargetsProtected];
