import { strict as assert } from "node:assert";

import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import type { ReplicationArgs } from "../src";
import { REPLICA_PURPOSES, Replication, replicationRoleArn, validateReplicationArgs } from "../src";
import { DR, PRIMARY, ROLE_ARN, primaryNaming, statement } from "./helpers";

const KEY = (region: string, account: string, n: number) =>
  `arn:aws:kms:${region}:${account}:key/00000000-0000-0000-0000-00000000000${n}`;
const sources = Object.fromEntries(
  REPLICA_PURPOSES.map((p) => [
    p,
    {
      bucketName: `acme-tdp-production-${p}`,
      arn: `arn:aws:s3:::acme-tdp-production-${p}`,
      kmsKeyArn: KEY("us-east-1", PRIMARY, p === "backup" ? 2 : 1),
    },
  ]),
);
const destinations = Object.fromEntries(
  REPLICA_PURPOSES.map((p, i) => [
    p,
    {
      bucketName: `acme-tdp-dr-${p}`,
      arn: `arn:aws:s3:::acme-tdp-dr-${p}`,
      kmsKeyArn: KEY("us-west-2", DR, i + 3),
    },
  ]),
);
const ARGS: ReplicationArgs = {
  naming: primaryNaming,
  iam: { permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/tdp-boundary" },
  region: "us-east-1",
  accountId: PRIMARY,
  drAccountId: DR,
  drRegion: "us-west-2",
  sources,
  destinations,
  alarmTarget: {
    topicArn: "arn:aws:sns:us-east-1:111111111111:acme-tdp-production-alerts",
    naming: primaryNaming,
  },
};

describe("Replication", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.record(() => new Replication("dr-replication", ARGS));
  });

  it("names its role exactly as the DR stack pins it, with the boundary", () => {
    const role = rec.one("aws:iam/role:Role");
    assert.equal(role.inputs["name"], "acme-tdp-production-dr-replication");
    assert.equal(replicationRoleArn(primaryNaming, PRIMARY), ROLE_ARN);
    assert.equal(role.inputs["permissionsBoundary"], "arn:aws:iam::111111111111:policy/tdp-boundary");
    const trust = JSON.parse(role.inputs["assumeRolePolicy"] as string) as {
      Statement: { Principal: unknown; Condition: unknown }[];
    };
    assert.deepEqual(trust.Statement[0]!.Principal, { Service: "s3.amazonaws.com" });
    assert.deepEqual(trust.Statement[0]!.Condition, { StringEquals: { "aws:SourceAccount": PRIMARY } });
  });

  it("gives the role only the replication actions, on the named buckets and keys", () => {
    const name = rec.one("aws:iam/rolePolicy:RolePolicy").name;
    const write = statement(rec, name, "WriteReplicas");
    assert.deepEqual(
      write.Resource,
      REPLICA_PURPOSES.map((p) => `arn:aws:s3:::acme-tdp-dr-${p}/*`),
    );
    const decrypt = statement(rec, name, "DecryptSourcesThroughS3");
    assert.deepEqual(decrypt.Resource, [KEY("us-east-1", PRIMARY, 1), KEY("us-east-1", PRIMARY, 2)]);
    assert.deepEqual(decrypt.Condition, { StringEquals: { "kms:ViaService": "s3.us-east-1.amazonaws.com" } });
    const encrypt = statement(rec, name, "EncryptReplicasThroughS3");
    assert.deepEqual(encrypt.Condition, { StringEquals: { "kms:ViaService": "s3.us-west-2.amazonaws.com" } });
    const read = statement(rec, name, "ReadSourceObjectVersions");
    assert.ok((read.Action as string[]).every((a) => a.startsWith("s3:Get")));
  });

  it("replicates every object of each bucket: KMS ones, delete markers, owner override, RTC with metrics", () => {
    for (const purpose of REPLICA_PURPOSES) {
      const config = rec.one(
        "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
        `dr-replication-${purpose}`,
      );
      assert.equal(config.inputs["bucket"], `acme-tdp-production-${purpose}`);
      const [rule] = config.inputs["rules"] as Record<string, Record<string, unknown>>[];
      assert.deepEqual(rule!["deleteMarkerReplication"], { status: "Enabled" });
      assert.deepEqual(rule!["sourceSelectionCriteria"], { sseKmsEncryptedObjects: { status: "Enabled" } });
      const destination = rule!["destination"]!;
      assert.equal(destination["bucket"], `arn:aws:s3:::acme-tdp-dr-${purpose}`);
      assert.equal(destination["account"], DR);
      assert.deepEqual(destination["accessControlTranslation"], { owner: "Destination" });
      assert.deepEqual(destination["encryptionConfiguration"], {
        replicaKmsKeyId: destinations[purpose]!.kmsKeyArn,
      });
      assert.deepEqual(destination["replicationTime"], { status: "Enabled", time: { minutes: 15 } });
      assert.deepEqual(destination["metrics"], { status: "Enabled", eventThreshold: { minutes: 15 } });
    }
  });

  it("sends failed replication and latency beyond the objective to the alert topic", () => {
    const failed = rec.one(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "dr-replication-alarm-replication-datalake-failed",
    );
    assert.equal(failed.inputs["metricName"], "OperationsFailedReplication");
    assert.deepEqual(failed.inputs["dimensions"], {
      SourceBucket: "acme-tdp-production-datalake",
      DestinationBucket: "acme-tdp-dr-datalake",
      RuleId: "dr-datalake",
    });
    assert.deepEqual(failed.inputs["alarmActions"], [ARGS.alarmTarget!.topicArn]);
    const latency = rec.one(
      "aws:cloudwatch/metricAlarm:MetricAlarm",
      "dr-replication-alarm-replication-stream-latency",
    );
    assert.equal(latency.inputs["metricName"], "ReplicationLatency");
    assert.equal(latency.inputs["threshold"], 900);
    assert.equal(rec.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 8);
  });

  it("replicates without RTC or alarms when asked", async () => {
    const other = await offline.record(
      () =>
        new Replication("r", {
          ...ARGS,
          replicationTimeControl: false,
          alarmTarget: undefined,
          sources: { stream: sources["stream"]! },
        }),
    );
    const [rule] = other.one("aws:s3/bucketReplicationConfig:BucketReplicationConfig").inputs[
      "rules"
    ] as Record<string, Record<string, unknown>>[];
    assert.equal(rule!["destination"]!["replicationTime"], undefined);
    assert.equal(other.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
  });
});

describe("validateReplicationArgs", () => {
  it("accepts the example", () => validateReplicationArgs(ARGS));
  it("refuses the same account on both sides", () =>
    assert.throws(
      () => validateReplicationArgs({ ...ARGS, drAccountId: PRIMARY }),
      /drAccountId "111111111111": the primary and the DR account are the same/,
    ));
  it("refuses the same region on both sides", () =>
    assert.throws(
      () => validateReplicationArgs({ ...ARGS, drRegion: "us-east-1" }),
      /drRegion "us-east-1": the primary and the DR region are the same/,
    ));
  it("refuses no sources", () =>
    assert.throws(() => validateReplicationArgs({ ...ARGS, sources: {} }), /sources is empty/));
  it("refuses a source without a destination", () =>
    assert.throws(
      () => validateReplicationArgs({ ...ARGS, destinations: { stream: destinations["stream"]! } }),
      /destinations.datalake: missing/,
    ));
  it("refuses an unknown bucket", () =>
    assert.throws(
      () =>
        validateReplicationArgs({
          ...ARGS,
          sources: { logs: sources["stream"]! } as ReplicationArgs["sources"],
        }),
      /sources.logs: not a replicated bucket/,
    ));
  it("refuses an unknown storage class", () =>
    assert.throws(
      () => validateReplicationArgs({ ...ARGS, storageClass: "COLD" as ReplicationArgs["storageClass"] }),
      /storageClass "COLD"/,
    ));
  it("refuses a latency threshold out of range", () =>
    assert.throws(
      () => validateReplicationArgs({ ...ARGS, latencyAlarmSeconds: 5 }),
      /latencyAlarmSeconds 5/,
    ));
  it("refuses alarms without the RTC metrics", () =>
    assert.throws(
      () => validateReplicationArgs({ ...ARGS, replicationTimeControl: false }),
      /replicationTimeControl/,
    ));
});
