import { strict as assert } from "node:assert";
import * as path from "node:path";

import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";

import { fixedNameEntries } from "./name-registry";

const FAILOVER = path.join(__dirname, "fixtures", "failover.yaml");
const DR_COPY =
  "arn:aws:rds:us-west-2:222222222222:snapshot:ts-platform-acme-tdp-production-postgres-2026-12-06-01-05";
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

  it("restores the database from the DR copy under the adopted DR database key, creating no key of its own", () => {
    const instance = rec.one("aws:rds/instance:Instance", "database-instance");
    assert.equal(instance.inputs["snapshotIdentifier"], DR_COPY);
    assert.equal(instance.inputs["identifier"], "acme-tdp-recovery-postgres");
    // RDS restores under the snapshot's key: the instance names that key, so no replacement follows.
    assert.equal(instance.inputs["kmsKeyId"], KEY("a4"));
    assert.equal(instance.inputs["performanceInsightsKmsKeyId"], KEY("a4"));
    const keys = rec.ofType("aws:kms/key:Key").map((k) => k.name);
    assert.ok(!keys.includes("data-keys-database-key"), "a database key would be created");
    assert.ok(keys.includes("data-keys-secrets-key"));
    assert.ok(!rec.ofType("tdp:data:DataKey").some((k) => k.name === "data-keys-database"));
    assert.ok(!rec.ofType("aws:kms/alias:Alias").some((a) => a.inputs["name"] === "alias/ts-rds-recovery"));
    // The master password's secret stays under this stack's secrets key.
    const secretsKey = String(instance.inputs["masterUserSecretKmsKeyId"]);
    assert.match(secretsKey, /^arn:aws:kms:us-west-2:222222222222:key\//);
    assert.notEqual(secretsKey, KEY("a4"));
    const data = rec.outputs["data"] as Record<string, unknown>;
    assert.equal((data["keyArns"] as Record<string, string>)["database"], KEY("a4"));
    assert.deepEqual(data["adoptedKeys"], ["database"]);
    assert.equal(data["databaseKeyAlias"], undefined);
    // The stack's AWS Backup plan backs the instance up into its own vault, under its own vault key.
    const vault = rec.one("aws:backup/vault:Vault");
    assert.notEqual(vault.inputs["kmsKeyArn"], KEY("a4"));
  });

  it("points the search snapshots (and so the restores) at the replicated repository", () => {
    const fn = rec.one("aws:lambda/function:Function", "search-snapshot-function");
    const variables = (fn.inputs["environment"] as { variables: Record<string, string> }).variables;
    assert.equal(variables["BUCKET"], "acme-tdp-dr-backup");
    assert.equal(variables["BASE_PATH"], "opensearch");
    assert.equal(variables["REPOSITORY"], "tdp-s3");
  });

  it("invokes the snapshot function once the domain exists, to restore the indices of the newest snapshot", () => {
    const invocation = rec.one("aws:lambda/invocation:Invocation", "search-restore");
    const fn = rec.one("aws:lambda/function:Function", "search-snapshot-function");
    const domain = rec.one("aws:opensearch/domain:Domain", "search-domain");
    assert.deepEqual(JSON.parse(String(invocation.inputs["input"])), {
      action: "restore",
      snapshot: "latest",
      indices: "*",
    });
    // A change of the setting replaces the invocation, which invokes the function again.
    assert.deepEqual(invocation.inputs["triggers"], { snapshot: "latest", indices: "*" });
    assert.equal(invocation.inputs["functionName"], fn.inputs["name"]);
    assert.ok(invocation.dependencies.includes(domain.urn), "the restore must wait for the domain");
    assert.ok(invocation.dependencies.includes(fn.urn), "the restore must wait for the function");
    assert.equal(
      invocation.inputs["lifecycleScope"],
      undefined,
      "CREATE_ONLY: invoked on create and replace",
    );
  });

  it("has no fixed name a replacement could collide with (its own types, the restore invocation, registered)", () => {
    const hazards = fixedNameEntries({ resources: rec.resources }).filter((e) => e.reason === undefined);
    assert.deepEqual(hazards, []);
  });
});
