import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { ConfigError, KEY_USE_OR_GRANT_ACTIONS, actionMatches, formatProblem } from "@tdp/core";
import { BUCKET_PURPOSES, KEY_PURPOSES } from "@tdp/data";
import type { Recording } from "@tdp/offline";
import { offline } from "@tdp/offline";
import { parse, stringify } from "yaml";

/** A key policy statement as the tests read it. */
interface KeyStatement {
  Sid?: string;
  Effect: string;
  Principal?: { AWS?: string | string[]; Service?: string | string[] };
  Action: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

const PROD_FILE = path.join(__dirname, "..", "..", "Pulumi.prod.yaml");

/** A copy of Pulumi.prod.yaml with `tdp:data` changed by `edit`, written to a temporary file. */
function prodWithData(edit: (data: Record<string, unknown>) => void): string {
  const document = parse(fs.readFileSync(PROD_FILE, "utf8")) as { config: Record<string, unknown> };
  const data = structuredClone(document.config["tdp:data"]) as Record<string, unknown>;
  edit(data);
  document.config["tdp:data"] = data;
  if (data["recovery"] !== undefined) {
    // A recovery adopts the data lake read-only: the organizations' Data Hubs are off meanwhile.
    const orgs = document.config["tdp:organizations"] as Record<string, unknown>[] | undefined;
    document.config["tdp:organizations"] = (orgs ?? []).map((org) => ({ ...org, dataHub: false }));
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-data-"));
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(document));
  return file;
}

describe("the data layer in the prod stack", () => {
  let rec: Recording;
  before(async () => {
    rec = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  it("creates every data component once, with the stack's tagged provider", () => {
    for (const type of [
      "tdp:data:DataKeys",
      "tdp:data:DataBuckets",
      "tdp:data:Alerts",
      "tdp:data:SenderEmail",
      "tdp:data:ServiceLinkedRoles",
      "tdp:data:AuditTrail",
    ]) {
      rec.one(type);
    }
    const provider = rec.one("pulumi:providers:aws");
    for (const key of rec.ofType("aws:kms/key:Key").filter((k) => k.name.startsWith("data-keys"))) {
      assert.equal(key.provider, provider.urn, key.name);
    }
  });

  it("names the keys per purpose, the database key as the seed does", () => {
    const keys = rec.childrenOf(rec.one("tdp:data:DataKeys"));
    assert.deepEqual(
      keys.map((k) => k.name),
      KEY_PURPOSES.map((p) => `data-keys-${p}`),
    );
    assert.equal(
      rec.one("aws:kms/alias:Alias", "data-keys-database-alias").inputs["name"],
      "alias/ts-rds-production",
    );
  });

  it("creates the platform buckets under the infrastructure name, plus the trail bucket", () => {
    const names = rec
      .ofType("aws:s3/bucket:Bucket")
      .map((b) => String(b.inputs["bucket"]))
      .filter((n) => n.startsWith("acme-tdp-production-"));
    for (const purpose of [...BUCKET_PURPOSES, "access-logs", "cloudtrail"]) {
      assert.ok(names.includes(`acme-tdp-production-${purpose}`), purpose);
    }
  });

  it("subscribes NotificationEmail and verifies SourceNotificationEmail from the stack file", () => {
    assert.equal(
      rec.one("aws:sns/topicSubscription:TopicSubscription", "alerts-email").inputs["endpoint"],
      "platform-alerts@acme.example.com",
    );
    assert.equal(
      rec.one("aws:sesv2/emailIdentity:EmailIdentity").inputs["emailIdentity"],
      "tdp-notifications@acme.example.com",
    );
  });

  it("uses the prod lifecycle setting and the configured account for every key policy", () => {
    const lifecycle = rec.one(
      "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
      "data-buckets-datalake-lifecycle",
    );
    const rules = lifecycle.inputs["rules"] as Record<string, unknown>[];
    assert.deepEqual(
      rules.find((r) => r["id"] === "expire-noncurrent-versions")!["noncurrentVersionExpiration"],
      {
        noncurrentDays: 365,
      },
    );
    for (const key of rec.ofType("aws:kms/key:Key").filter((k) => k.name.startsWith("data-keys"))) {
      assert.match(String(key.inputs["policy"]), /arn:aws:iam::111111111111:root/);
    }
  });

  it("lets no key's administrative statement use the key or grant its use, even through a wildcard", () => {
    // Every statement naming the account root without a kms:ViaService condition is administrative
    // (whatever its Sid in the data, network, EKS or dashboard key): kms:CreateGrant there would let
    // any principal allowed it by IAM grant itself Decrypt, bypassing the ViaService scoping.
    const root = "arn:aws:iam::111111111111:root";
    const keys = rec.ofType("aws:kms/key:Key");
    assert.ok(keys.length > KEY_PURPOSES.length, "the prod stack's keys");
    for (const key of keys) {
      const policy = JSON.parse(String(key.inputs["policy"])) as { Statement: KeyStatement[] };
      const admin = policy.Statement.filter(
        (s) =>
          s.Effect === "Allow" &&
          [s.Principal?.AWS ?? []].flat().includes(root) &&
          !Object.values(s.Condition ?? {}).some((c) => "kms:ViaService" in c),
      );
      assert.ok(admin.length > 0, `${key.name} has no administrative statement`);
      for (const statement of admin) {
        const actions = [statement.Action].flat();
        for (const action of KEY_USE_OR_GRANT_ACTIONS) {
          const covering = actions.filter((pattern) => actionMatches(pattern, action));
          assert.deepEqual(
            covering,
            [],
            `${key.name} ${statement.Sid}: ${action} allowed by ${covering.join(", ")}`,
          );
        }
      }
      // The account can still change the policy (no lockout).
      assert.ok(
        admin.some((s) => [s.Action].flat().includes("kms:PutKeyPolicy")),
        `${key.name}: no kms:PutKeyPolicy for the account`,
      );
    }
  });

  it("keeps the grants RDS, OpenSearch, EC2 and AWS Backup need, through their service only", () => {
    for (const purpose of ["database", "search", "compute", "backup", "backup-vault"]) {
      const policy = JSON.parse(
        String(rec.one("aws:kms/key:Key", `data-keys-${purpose}-key`).inputs["policy"]),
      ) as { Statement: KeyStatement[] };
      const grants = policy.Statement.find((s) => s.Sid === "ServicesHoldGrantsForTheirResources");
      assert.ok(grants, `${purpose}: no grant statement`);
      assert.ok([grants.Action].flat().includes("kms:CreateGrant"), purpose);
      assert.equal(grants.Condition?.["Bool"]?.["kms:GrantIsForAWSResource"], true, purpose);
      assert.ok(grants.Condition?.["StringEquals"]?.["kms:ViaService"], purpose);
    }
  });

  it("creates the Auto Scaling service-linked role before the compute key that names it", () => {
    const role = rec.one("aws:iam/serviceLinkedRole:ServiceLinkedRole", "service-linked-roles-autoscaling");
    assert.equal(role.inputs["awsServiceName"], "autoscaling.amazonaws.com");
    assert.ok(rec.one("aws:kms/key:Key", "data-keys-compute-key").dependencies.includes(role.urn));
    // The other keys name no service-linked role and do not wait for it.
    assert.ok(!rec.one("aws:kms/key:Key", "data-keys-datalake-key").dependencies.includes(role.urn));
  });

  it("exports what the service layer needs", () => {
    const data = rec.outputs["data"] as Record<string, unknown>;
    const keyArns = data["keyArns"] as Record<string, string>;
    assert.deepEqual(Object.keys(keyArns).sort(), [...KEY_PURPOSES].sort());
    for (const arn of Object.values(keyArns)) {
      assert.match(arn, /^arn:aws:kms:us-east-1:\d{12}:key\//);
    }
    const buckets = data["buckets"] as Record<string, Record<string, unknown>>;
    assert.deepEqual(Object.keys(buckets).sort(), [...BUCKET_PURPOSES].sort());
    assert.equal(buckets["datalake"]!["name"], "acme-tdp-production-datalake");
    assert.equal(buckets["datalake"]!["arn"], "arn:aws:s3:::acme-tdp-production-datalake");
    assert.equal(buckets["backup"]!["kmsKeyArn"], keyArns["backup"]);
    assert.equal(buckets["stream"]!["adopted"], false);
    assert.match(String(data["alertTopicArn"]), /^arn:aws:sns:us-east-1:\d{12}:acme-tdp-production-alerts$/);
    assert.equal(data["databaseKeyAlias"], "alias/ts-rds-production");
    assert.ok(data["cloudTrailArn"]);
  });

  it("has no data layer in the dr stack", async () => {
    const dr = await offline.runStackShared("dr");
    assert.equal(dr.ofType("tdp:data:DataKeys").length, 0);
  });
});

describe("the data layer's stack config", () => {
  afterEach(() => offline.reset());

  it("adopts the stream and data lake buckets in recovery mode (seed STBucket, DLBucket)", async () => {
    const file = prodWithData((data) => {
      data["recovery"] = {
        streamBucket: "acme-tdp-production-stream-recovered",
        datalakeBucket: "acme-tdp-production-datalake-recovered",
      };
    });
    const rec = await offline.runStack({ stack: "prod", configFile: file });
    const names = rec.ofType("aws:s3/bucket:Bucket").map((b) => b.inputs["bucket"]);
    assert.ok(!names.includes("acme-tdp-production-stream"));
    assert.ok(!names.includes("acme-tdp-production-datalake"));
    const buckets = (rec.outputs["data"] as Record<string, unknown>)["buckets"] as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(buckets["stream"]!["name"], "acme-tdp-production-stream-recovered");
    assert.equal(buckets["stream"]!["adopted"], true);
    assert.equal(buckets["datalake"]!["name"], "acme-tdp-production-datalake-recovered");
  });

  it("fails at preview when an adopted bucket does not exist", async () => {
    const file = prodWithData((data) => {
      data["recovery"] = { streamBucket: "acme-missing-stream", datalakeBucket: "acme-missing-datalake" };
    });
    // The look-up (s3.getBucket) fails as AWS would; under mocks Pulumi drops the invoke's own message.
    await assert.rejects(offline.runStack({ stack: "prod", configFile: file }));
  });

  it("stops a primary stack without NotificationEmail and SourceNotificationEmail before any resource", async () => {
    const file = prodWithData((data) => {
      delete data["alerts"];
      delete data["email"];
    });
    try {
      await offline.runStack({ stack: "prod", configFile: file });
      assert.fail("expected a ConfigError");
    } catch (error) {
      assert.ok(error instanceof ConfigError, String(error));
      assert.deepEqual(error.problems.map(formatProblem), [
        "tdp:data.alerts.notificationEmail: (missing) — required in a primary stack (seed NotificationEmail): the address alerts are sent to",
        'tdp:data.email.sourceAddress: (missing) — required in a primary stack (seed SourceNotificationEmail): the "From" address of notification e-mails',
      ]);
    }
  });

  it("leaves out the trail and an existing service-linked role when asked", async () => {
    const file = prodWithData((data) => {
      data["cloudTrail"] = { enabled: false };
      data["serviceLinkedRoles"] = { ecs: false, openSearch: true, autoScaling: false };
    });
    const rec = await offline.runStack({ stack: "prod", configFile: file });
    assert.equal(rec.ofType("tdp:data:AuditTrail").length, 0);
    assert.deepEqual(
      rec.ofType("aws:iam/serviceLinkedRole:ServiceLinkedRole").map((r) => r.inputs["awsServiceName"]),
      ["opensearchservice.amazonaws.com"],
    );
    // An existing Auto Scaling role: the compute key still names it, and waits for nothing.
    const compute = rec.one("aws:kms/key:Key", "data-keys-compute-key");
    assert.match(String(compute.inputs["policy"]), /AWSServiceRoleForAutoScaling/);
    assert.ok(!compute.dependencies.some((d) => d.includes("ServiceLinkedRole")));
    const delivery = String(
      rec.one("aws:s3/bucketPolicy:BucketPolicy", "data-buckets-access-logs-policy").inputs["policy"],
    );
    assert.ok(!delivery.includes("cloudtrail"));
  });
});
