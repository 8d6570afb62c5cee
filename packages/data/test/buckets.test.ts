import { strict as assert } from "node:assert";

import * as aws from "@pulumi/aws";
import { offline } from "@tdp/offline";

import { BUCKET_PURPOSES, DataBuckets, SecureBucket, dataBucketNames, validateDataBucketsArgs } from "../src";
import type { DataBucketsArgs } from "../src";
import { ACCOUNT, BACKUP_KEY_ARN, KEY_ARN, byName, naming, ofType, policyOf, statement } from "./helpers";

describe("SecureBucket", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  before(async () => {
    rec = await offline.record(() => {
      new SecureBucket("lake", {
        bucketName: "acme-tdp-production-lake",
        kmsKeyArn: KEY_ARN,
        accessLogs: { bucketName: "acme-tdp-production-access-logs" },
        lifecycle: {
          abortIncompleteMultipartUploadDays: 3,
          noncurrentVersionExpirationDays: 45,
          expirationDays: 400,
        },
        replication: {
          destinationBucketArn: "arn:aws:s3:::acme-tdp-dr-lake",
          destinationKmsKeyArn: "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000009",
          roleArn: "arn:aws:iam::111111111111:role/acme-tdp-production-replication",
          destinationAccountId: "222222222222",
        },
      });
    });
  });

  it("creates a protected, retained bucket with its physical name", () => {
    const bucket = byName(rec, "lake-bucket");
    assert.equal(bucket.type, "aws:s3/bucket:Bucket");
    assert.equal(bucket.inputs["bucket"], "acme-tdp-production-lake");
    assert.equal(bucket.protect, true);
    assert.equal(bucket.retainOnDelete, true);
    assert.equal(bucket.parent, byName(rec, "lake").urn);
    assert.equal(byName(rec, "lake").type, "tdp:data:SecureBucket");
  });

  it("disables ACLs (BucketOwnerEnforced)", () => {
    assert.deepEqual(byName(rec, "lake-ownership").inputs["rule"], {
      objectOwnership: "BucketOwnerEnforced",
    });
  });

  it("blocks all public access", () => {
    const block = byName(rec, "lake-public-access").inputs;
    for (const flag of [
      "blockPublicAcls",
      "blockPublicPolicy",
      "ignorePublicAcls",
      "restrictPublicBuckets",
    ]) {
      assert.equal(block[flag], true, flag);
    }
  });

  it("encrypts with SSE-KMS and a bucket key", () => {
    const [rule] = byName(rec, "lake-encryption").inputs["rules"] as Record<string, unknown>[];
    assert.deepEqual(rule, {
      applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY_ARN },
      bucketKeyEnabled: true,
    });
  });

  it("turns versioning on", () => {
    assert.deepEqual(byName(rec, "lake-versioning").inputs["versioningConfiguration"], { status: "Enabled" });
  });

  it("expires incomplete uploads, old versions and (when asked) objects, after versioning", () => {
    const lifecycle = byName(rec, "lake-lifecycle");
    const rules = lifecycle.inputs["rules"] as Record<string, unknown>[];
    const rule = (id: string) => rules.find((r) => r["id"] === id)!;
    assert.deepEqual(rule("abort-incomplete-multipart-uploads")["abortIncompleteMultipartUpload"], {
      daysAfterInitiation: 3,
    });
    assert.deepEqual(rule("expire-noncurrent-versions")["noncurrentVersionExpiration"], {
      noncurrentDays: 45,
    });
    assert.deepEqual(rule("expire-current-objects")["expiration"], { days: 400 });
    for (const r of rules) {
      assert.equal(r["status"], "Enabled");
    }
    assert.ok(lifecycle.dependencies?.includes(byName(rec, "lake-versioning").urn));
  });

  it("logs its requests to the access-log bucket under its own prefix", () => {
    const logging = byName(rec, "lake-access-logs").inputs;
    assert.equal(logging["targetBucket"], "acme-tdp-production-access-logs");
    assert.equal(logging["targetPrefix"], "acme-tdp-production-lake/");
  });

  it("denies requests without TLS", () => {
    const tls = statement(byName(rec, "lake-policy"), "DenyInsecureTransport");
    assert.equal(tls.Effect, "Deny");
    assert.equal(tls.Principal, "*");
    assert.equal(tls.Action, "s3:*");
    assert.deepEqual(tls.Condition, { Bool: { "aws:SecureTransport": "false" } });
    assert.deepEqual(tls.Resource, [
      "arn:aws:s3:::acme-tdp-production-lake",
      "arn:aws:s3:::acme-tdp-production-lake/*",
    ]);
  });

  it("denies uploads naming another KMS key, but not uploads that omit the header", () => {
    const wrongKey = statement(byName(rec, "lake-policy"), "DenyUploadsWithAnotherKmsKey");
    assert.equal(wrongKey.Effect, "Deny");
    assert.equal(wrongKey.Action, "s3:PutObject");
    assert.deepEqual(wrongKey.Condition, {
      StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": KEY_ARN },
      // Present only: an upload without the header gets the default key.
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
    });
    const noKeyId = statement(byName(rec, "lake-policy"), "DenyKmsUploadsWithoutTheKeyId");
    assert.deepEqual(noKeyId.Condition, {
      StringEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "true" },
    });
    const algorithm = statement(byName(rec, "lake-policy"), "DenyUploadsWithAnotherAlgorithm");
    assert.deepEqual(algorithm.Condition, {
      StringNotEquals: { "s3:x-amz-server-side-encryption": "aws:kms" },
      Null: { "s3:x-amz-server-side-encryption": "false" },
    });
    for (const s of policyOf(byName(rec, "lake-policy")).Statement) {
      assert.ok(
        !JSON.stringify(s.Condition ?? {}).includes("IfExists"),
        `${s.Sid} uses an IfExists operator`,
      );
    }
  });

  it("applies the policy after the public-access block and ownership controls", () => {
    const deps = byName(rec, "lake-policy").dependencies ?? [];
    assert.ok(deps.includes(byName(rec, "lake-public-access").urn));
    assert.ok(deps.includes(byName(rec, "lake-ownership").urn));
  });

  it("replicates SSE-KMS objects with the replica key, owner override and RTC when asked", () => {
    const replication = byName(rec, "lake-replication");
    assert.equal(
      replication.inputs["role"],
      "arn:aws:iam::111111111111:role/acme-tdp-production-replication",
    );
    const [rule] = replication.inputs["rules"] as Record<string, Record<string, unknown>>[];
    assert.deepEqual(rule!["sourceSelectionCriteria"], { sseKmsEncryptedObjects: { status: "Enabled" } });
    assert.deepEqual(rule!["deleteMarkerReplication"], { status: "Enabled" });
    const destination = rule!["destination"] as Record<string, unknown>;
    assert.equal(destination["bucket"], "arn:aws:s3:::acme-tdp-dr-lake");
    assert.equal(destination["account"], "222222222222");
    assert.deepEqual(destination["accessControlTranslation"], { owner: "Destination" });
    assert.deepEqual(destination["encryptionConfiguration"], {
      replicaKmsKeyId: "arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-000000000009",
    });
    assert.deepEqual(destination["replicationTime"], { status: "Enabled", time: { minutes: 15 } });
    assert.ok(replication.dependencies?.includes(byName(rec, "lake-versioning").urn));
  });

  it("registers nothing when its arguments are invalid", async () => {
    await assert.rejects(
      offline.record(() => {
        new SecureBucket("bad", {
          bucketName: "Bad",
          kmsKeyArn: KEY_ARN,
          accessLogs: { bucketName: "x-logs" },
        });
      }),
      /bucketName "Bad" is not a valid S3 bucket name/,
    );
  });
});

describe("DataBuckets", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  before(async () => {
    rec = await offline.record(() => {
      new DataBuckets("data-buckets", {
        naming,
        accountId: ACCOUNT,
        kmsKeyArns: { datalake: KEY_ARN, backup: BACKUP_KEY_ARN },
        lifecycle: { stream: { noncurrentVersionExpirationDays: 14 } },
        additionalLogSourceBucketNames: ["acme-tdp-production-cloudtrail"],
        region: "us-east-1",
        loadBalancerLogPrefixes: ["alb/web"],
      });
    });
  });

  it("creates the five platform buckets and the access-log bucket", () => {
    const names = ofType(rec, "aws:s3/bucket:Bucket").map((b) => b.inputs["bucket"]);
    assert.deepEqual(names.sort(), [
      "acme-tdp-production-access-logs",
      "acme-tdp-production-artifacts",
      "acme-tdp-production-athena-results",
      "acme-tdp-production-backup",
      "acme-tdp-production-datalake",
      "acme-tdp-production-stream",
    ]);
    assert.deepEqual([...BUCKET_PURPOSES], ["datalake", "stream", "backup", "artifacts", "athena-results"]);
  });

  it("encrypts the backup bucket with the backup key and the others with the datalake key", () => {
    const keyOf = (purpose: string) =>
      (
        (byName(rec, `data-buckets-${purpose}-encryption`).inputs["rules"] as Record<string, unknown>[])[0]![
          "applyServerSideEncryptionByDefault"
        ] as Record<string, unknown>
      )["kmsMasterKeyId"];
    assert.equal(keyOf("backup"), BACKUP_KEY_ARN);
    for (const purpose of ["datalake", "stream", "artifacts", "athena-results"]) {
      assert.equal(keyOf(purpose), KEY_ARN, purpose);
    }
  });

  it("uses SSE-S3 for the access-log bucket only (S3 log delivery cannot use SSE-KMS)", () => {
    const [rule] = byName(rec, "data-buckets-access-logs-encryption").inputs["rules"] as Record<
      string,
      unknown
    >[];
    assert.deepEqual(rule, { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } });
    const policy = policyOf(byName(rec, "data-buckets-access-logs-policy"));
    assert.ok(!policy.Statement.some((s) => s.Sid === "DenyUploadsWithAnotherKmsKey"));
  });

  it("admits S3 log delivery for this account's source buckets only", () => {
    const delivery = statement(byName(rec, "data-buckets-access-logs-policy"), "S3ServerAccessLogDelivery");
    assert.deepEqual(delivery.Principal, { Service: "logging.s3.amazonaws.com" });
    assert.equal(delivery.Action, "s3:PutObject");
    assert.deepEqual(delivery.Condition?.["StringEquals"], { "aws:SourceAccount": ACCOUNT });
    assert.deepEqual(delivery.Condition?.["ArnLike"]?.["aws:SourceArn"], [
      ...BUCKET_PURPOSES.map((p) => `arn:aws:s3:::acme-tdp-production-${p}`),
      "arn:aws:s3:::acme-tdp-production-cloudtrail",
    ]);
  });

  it("admits the region's ELB log delivery under the load-balancer prefixes only", () => {
    const elb = statement(byName(rec, "data-buckets-access-logs-policy"), "LoadBalancerAccessLogs");
    assert.deepEqual(elb.Principal, { AWS: "arn:aws:iam::127311923021:root" });
    assert.equal(elb.Action, "s3:PutObject");
    assert.deepEqual(elb.Resource, [
      `arn:aws:s3:::acme-tdp-production-access-logs/alb/web/AWSLogs/${ACCOUNT}/*`,
    ]);
  });

  it("logs every platform bucket to the access-log bucket, which does not log itself", () => {
    for (const purpose of BUCKET_PURPOSES) {
      assert.equal(
        byName(rec, `data-buckets-${purpose}-access-logs`).inputs["targetBucket"],
        "acme-tdp-production-access-logs",
      );
    }
    assert.equal(ofType(rec, "aws:s3/bucketLogging:BucketLogging").length, BUCKET_PURPOSES.length);
  });

  it("applies the lifecycle defaults per bucket, with overrides", () => {
    const noncurrent = (purpose: string) =>
      (
        (byName(rec, `data-buckets-${purpose}-lifecycle`).inputs["rules"] as Record<string, unknown>[]).find(
          (r) => r["id"] === "expire-noncurrent-versions",
        )!["noncurrentVersionExpiration"] as Record<string, unknown>
      )["noncurrentDays"];
    assert.equal(noncurrent("datalake"), 365);
    assert.equal(noncurrent("stream"), 14);
    assert.equal(noncurrent("athena-results"), 7);
    const accessLogRules = byName(rec, "data-buckets-access-logs-lifecycle").inputs["rules"] as Record<
      string,
      unknown
    >[];
    assert.deepEqual(accessLogRules.find((r) => r["id"] === "expire-current-objects")!["expiration"], {
      days: 365,
    });
  });

  it("protects every bucket and gives each every baseline child", () => {
    for (const bucket of ofType(rec, "aws:s3/bucket:Bucket")) {
      assert.equal(bucket.protect, true, bucket.name);
    }
    for (const type of [
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "aws:s3/bucketVersioning:BucketVersioning",
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "aws:s3/bucketPolicy:BucketPolicy",
    ]) {
      assert.equal(ofType(rec, type).length, 6, type);
    }
  });
});

describe("DataBuckets: the access-log bucket's lifecycle", () => {
  const rules = async (args: Partial<DataBucketsArgs>) => {
    const rec = await offline.record(() => {
      new DataBuckets("data-buckets", {
        naming,
        accountId: ACCOUNT,
        kmsKeyArns: { datalake: KEY_ARN, backup: BACKUP_KEY_ARN },
        ...args,
      });
    });
    const found = byName(rec, "data-buckets-access-logs-lifecycle").inputs["rules"] as Record<
      string,
      unknown
    >[];
    return Object.fromEntries(found.map((r) => [r["id"], r]));
  };

  it("keeps old log versions 30 days and logs 365 by default", async () => {
    const byId = await rules({});
    assert.deepEqual(byId["expire-noncurrent-versions"]!["noncurrentVersionExpiration"], {
      noncurrentDays: 30,
    });
    assert.deepEqual(byId["expire-current-objects"]!["expiration"], { days: 365 });
  });

  it("takes a noncurrent-version expiry override, keeping the retention", async () => {
    const byId = await rules({
      lifecycle: { "access-logs": { noncurrentVersionExpirationDays: 7 } },
      accessLogRetentionDays: 90,
    });
    assert.deepEqual(byId["expire-noncurrent-versions"]!["noncurrentVersionExpiration"], {
      noncurrentDays: 7,
    });
    assert.deepEqual(byId["abort-incomplete-multipart-uploads"]!["abortIncompleteMultipartUpload"], {
      daysAfterInitiation: 7,
    });
    assert.deepEqual(byId["expire-current-objects"]!["expiration"], { days: 90 });
  });
});

describe("DataBuckets: what logs into the access-log bucket", () => {
  it("waits for the bucket's policy (a load balancer's access logs are refused before it)", async () => {
    const rec = await offline.record(() => {
      const buckets = new DataBuckets("data-buckets", {
        naming,
        accountId: ACCOUNT,
        kmsKeyArns: { datalake: KEY_ARN, backup: BACKUP_KEY_ARN },
        region: "us-east-1",
        loadBalancerLogPrefixes: ["alb/web"],
      });
      new aws.lb.LoadBalancer("web-alb", {
        accessLogs: { bucket: buckets.accessLogsBucketName, prefix: "alb/web", enabled: true },
      });
    });
    const alb = byName(rec, "web-alb");
    assert.equal(
      (alb.inputs["accessLogs"] as Record<string, unknown>)["bucket"],
      "acme-tdp-production-access-logs",
    );
    assert.ok(alb.dependencies?.includes(byName(rec, "data-buckets-access-logs-policy").urn));
  });
});

describe("DataBuckets in recovery mode (seed STBucket, DLBucket)", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  let outputs: Record<string, unknown>;
  before(async () => {
    let buckets: DataBuckets | undefined;
    rec = await offline.record(() => {
      buckets = new DataBuckets("data-buckets", {
        naming,
        accountId: ACCOUNT,
        kmsKeyArns: { datalake: KEY_ARN, backup: BACKUP_KEY_ARN },
        recovery: {
          streamBucketName: "acme-tdp-production-stream-recovered",
          datalakeBucketName: "acme-tdp-production-datalake-recovered",
        },
      });
    });
    outputs = (await offline.outputValue(
      // The adopted buckets' outputs, resolved.
      (await import("@pulumi/pulumi")).output({
        stream: buckets!.buckets.stream,
        datalake: buckets!.buckets.datalake,
      }),
    )) as Record<string, unknown>;
  });

  it("creates neither the stream nor the data lake bucket", () => {
    const names = ofType(rec, "aws:s3/bucket:Bucket").map((b) => b.inputs["bucket"]);
    assert.ok(!names.includes("acme-tdp-production-stream"));
    assert.ok(!names.includes("acme-tdp-production-datalake"));
    assert.equal(names.length, 4);
  });

  it("exposes the adopted buckets through the same outputs", () => {
    const stream = outputs["stream"] as Record<string, unknown>;
    assert.equal(stream["bucketName"], "acme-tdp-production-stream-recovered");
    assert.equal(stream["arn"], "arn:aws:s3:::acme-tdp-production-stream-recovered");
    assert.equal(stream["adopted"], true);
    assert.equal(
      (outputs["datalake"] as Record<string, unknown>)["bucketName"],
      "acme-tdp-production-datalake-recovered",
    );
  });

  it("does not admit the adopted buckets to the access-log bucket", () => {
    const delivery = statement(byName(rec, "data-buckets-access-logs-policy"), "S3ServerAccessLogDelivery");
    const sources = delivery.Condition?.["ArnLike"]?.["aws:SourceArn"] as string[];
    assert.equal(sources.length, 3);
  });
});

describe("DataBuckets: statements and keys of other components (the organizations)", () => {
  const ORG_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-00000000000a";
  let rec: Awaited<ReturnType<typeof offline.record>>;
  before(async () => {
    rec = await offline.record(() => {
      new DataBuckets("data", {
        naming,
        accountId: ACCOUNT,
        kmsKeyArns: { datalake: KEY_ARN, backup: BACKUP_KEY_ARN },
        policyStatements: {
          datalake: (arn) => [
            { Sid: "ExtraForTheLake", Effect: "Deny", Principal: "*", Action: "s3:PutObject", Resource: arn },
          ],
        },
        additionalKmsKeyArns: { datalake: [ORG_KEY] },
      });
    });
  });

  it("adds the statements to that bucket's one policy, and to no other bucket's", () => {
    const policies = ofType(rec, "aws:s3/bucketPolicy:BucketPolicy");
    assert.equal(policies.filter((p) => p.name === "data-datalake-policy").length, 1);
    assert.equal(statement(byName(rec, "data-datalake-policy"), "ExtraForTheLake").Effect, "Deny");
    assert.ok(
      !policyOf(byName(rec, "data-stream-policy")).Statement.some((s) => s.Sid === "ExtraForTheLake"),
    );
  });

  it("lets uploads name the extra keys as well as the bucket's key, in that bucket only", () => {
    const lake = statement(byName(rec, "data-datalake-policy"), "DenyUploadsWithAnotherKmsKey");
    assert.deepEqual(
      lake.Condition?.["StringNotEquals"]?.["s3:x-amz-server-side-encryption-aws-kms-key-id"],
      [KEY_ARN, ORG_KEY],
    );
    const stream = statement(byName(rec, "data-stream-policy"), "DenyUploadsWithAnotherKmsKey");
    assert.equal(
      stream.Condition?.["StringNotEquals"]?.["s3:x-amz-server-side-encryption-aws-kms-key-id"],
      KEY_ARN,
    );
  });

  it("names the buckets as the component does, before any exists", () => {
    const names = dataBucketNames({ naming });
    for (const purpose of [...BUCKET_PURPOSES, "access-logs" as const]) {
      assert.equal(byName(rec, `data-${purpose}-bucket`).inputs["bucket"], names[purpose]);
    }
    const recovered = dataBucketNames({
      naming,
      bucketNames: { datalake: "custom-lake" },
      recovery: { streamBucketName: "old-stream", datalakeBucketName: "old-lake" },
    });
    assert.equal(recovered.datalake, "old-lake");
    assert.equal(recovered.stream, "old-stream");
    assert.equal(recovered["athena-results"], "acme-tdp-production-athena-results");
  });

  it("refuses extra statements or keys for an unknown bucket or the backup bucket", () => {
    assert.throws(
      () => validateDataBucketsArgs({ additionalKmsKeyArns: { backup: [ORG_KEY] } }),
      /additionalKmsKeyArns\.backup: the backup bucket/,
    );
    assert.throws(
      () => validateDataBucketsArgs({ policyStatements: { nope: () => [] } as never }),
      /policyStatements\.nope: unknown bucket/,
    );
  });

  it("refuses extra keys on an SSE-S3 bucket", () => {
    assert.throws(
      () =>
        new SecureBucket("logs", {
          bucketName: "acme-logs",
          sseS3Reason: "S3 server access log delivery supports only SSE-S3",
          accessLogTarget: { sourceBucketArns: [], accountId: ACCOUNT },
          additionalKmsKeyArns: [ORG_KEY],
        }),
      /additionalKmsKeyArns needs kmsKeyArn/,
    );
  });
});
