import { strict as assert } from "node:assert";
import * as path from "node:path";

import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

const FAILOVER = path.join(__dirname, "fixtures", "failover.yaml");
const KEY = (n: string) => `arn:aws:kms:us-west-2:222222222222:key/00000000-0000-0000-0000-0000000000${n}`;

describe("failover: the primary program planned in the DR account and region", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStack({ stack: "failover", configFile: FAILOVER });
  });
  after(() => offline.reset());

  it("runs in the DR account and region, with no stack reference and no replication", () => {
    const provider = rec.one("pulumi:providers:aws");
    assert.equal(provider.inputs["region"], "us-west-2");
    assert.deepEqual(JSON.parse(String(provider.inputs["allowedAccountIds"])), ["222222222222"]);
    assert.equal(rec.ofType("pulumi:pulumi:StackReference").length, 0);
    assert.equal(rec.ofType("tdp:dr:Replication").length, 0);
    assert.equal(rec.outputs["dr"], undefined);
  });

  it("adopts the replica buckets with their DR keys instead of creating them", () => {
    const created = rec.ofType("aws:s3/bucket:Bucket").map((b) => b.inputs["bucket"]);
    for (const replica of ["acme-tdp-dr-stream", "acme-tdp-dr-datalake", "acme-tdp-dr-backup"]) {
      assert.ok(!created.includes(replica), `${replica} would be created`);
    }
    assert.ok(created.includes("acme-tdp-recovery-artifacts"));
    const buckets = (rec.outputs["data"] as { buckets: Record<string, Record<string, unknown>> }).buckets;
    assert.deepEqual(buckets["stream"], {
      name: "acme-tdp-dr-stream",
      arn: "arn:aws:s3:::acme-tdp-dr-stream",
      kmsKeyArn: KEY("a2"),
      adopted: true,
    });
    assert.equal(buckets["datalake"]!["kmsKeyArn"], KEY("a1"));
    assert.equal(buckets["backup"]!["name"], "acme-tdp-dr-backup");
    assert.equal(buckets["backup"]!["kmsKeyArn"], KEY("a3"));
  });

  it("restores the database from the DR copy", () => {
    const instance = rec.one("aws:rds/instance:Instance", "database-instance");
    assert.equal(
      instance.inputs["snapshotIdentifier"],
      "arn:aws:rds:us-west-2:222222222222:snapshot:tdp-recovery",
    );
    assert.equal(instance.inputs["identifier"], "acme-tdp-recovery-postgres");
  });

  it("points the search snapshots (and so the restores) at the replicated repository", () => {
    const fn = rec.one("aws:lambda/function:Function", "search-snapshot-function");
    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(variables["BUCKET"], "acme-tdp-dr-backup");
    assert.equal(variables["BASE_PATH"], "opensearch");
    assert.equal(variables["REPOSITORY"], "tdp-s3");
  });
});
