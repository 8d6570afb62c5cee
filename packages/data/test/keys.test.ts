import { strict as assert } from "node:assert";

import * as aws from "@pulumi/aws";

import { KEY_USE_OR_GRANT_ACTIONS, actionMatches } from "@tdp/core";
import { offline } from "@tdp/offline";

import { DataKey, DataKeys, KEY_PURPOSES, validateDataKeysArgs } from "../src";
import { ACCOUNT, REGION, byName, naming, ofType, policyOf, statement } from "./helpers";

describe("DataKeys", () => {
  let rec: Awaited<ReturnType<typeof offline.record>>;
  before(async () => {
    rec = await offline.record(() => {
      new DataKeys("data-keys", {
        naming,
        region: REGION,
        accountId: ACCOUNT,
        replication: {
          datalake: {
            multiRegion: true,
            additionalPrincipalArns: ["arn:aws:iam::222222222222:role/replication"],
          },
        },
      });
    });
  });

  it("creates one key and one alias per purpose", () => {
    assert.equal(ofType(rec, "aws:kms/key:Key").length, KEY_PURPOSES.length);
    assert.equal(ofType(rec, "aws:kms/alias:Alias").length, KEY_PURPOSES.length);
    assert.deepEqual(
      [...KEY_PURPOSES],
      ["datalake", "database", "search", "logs", "messaging", "secrets", "backup", "backup-vault", "compute"],
    );
  });

  for (const purpose of KEY_PURPOSES) {
    it(`${purpose}: yearly rotation, 30-day deletion window, symmetric, protected and retained`, () => {
      const key = byName(rec, `data-keys-${purpose}-key`);
      assert.equal(key.inputs["enableKeyRotation"], true);
      assert.equal(key.inputs["rotationPeriodInDays"], 365);
      assert.equal(key.inputs["deletionWindowInDays"], 30);
      assert.equal(key.inputs["customerMasterKeySpec"], "SYMMETRIC_DEFAULT");
      assert.equal(key.protect, true);
      assert.equal(key.retainOnDelete, true);
    });

    it(`${purpose}: the account administers the key but uses it only through services`, () => {
      const key = byName(rec, `data-keys-${purpose}-key`);
      const admin = statement(key, "AccountAdministersTheKey");
      assert.deepEqual(admin.Principal, { AWS: `arn:aws:iam::${ACCOUNT}:root` });
      const actions = admin.Action as string[];
      // Through a wildcard too: kms:Create* would cover kms:CreateGrant, a way round kms:ViaService.
      for (const crypto of KEY_USE_OR_GRANT_ACTIONS) {
        const covering = actions.filter((pattern) => actionMatches(pattern, crypto));
        assert.deepEqual(covering, [], `${crypto} allowed by the admin statement`);
      }
      assert.ok(actions.includes("kms:PutKeyPolicy"), "the account could not change the policy");
      const use = statement(key, "AccountPrincipalsUseTheKeyThroughServices");
      assert.equal(use.Condition?.["StringEquals"]?.["kms:CallerAccount"], ACCOUNT);
      assert.ok(Array.isArray(use.Condition?.["StringEquals"]?.["kms:ViaService"]));
      const grants = statement(key, "ServicesHoldGrantsForTheirResources");
      assert.equal(grants.Condition?.["Bool"]?.["kms:GrantIsForAWSResource"], true);
    });
  }

  it("scopes each key to the services that use it", () => {
    const via = (purpose: string) =>
      statement(byName(rec, `data-keys-${purpose}-key`), "AccountPrincipalsUseTheKeyThroughServices")
        .Condition?.["StringEquals"]?.["kms:ViaService"];
    assert.deepEqual(via("datalake"), ["s3.us-east-1.amazonaws.com"]);
    assert.deepEqual(via("database"), ["rds.us-east-1.amazonaws.com", "backup.us-east-1.amazonaws.com"]);
    assert.deepEqual(via("search"), ["es.us-east-1.amazonaws.com"]);
    assert.deepEqual(via("messaging"), ["sns.us-east-1.amazonaws.com", "sqs.us-east-1.amazonaws.com"]);
    assert.deepEqual(via("secrets"), [
      "secretsmanager.us-east-1.amazonaws.com",
      "ssm.us-east-1.amazonaws.com",
      "lambda.us-east-1.amazonaws.com",
    ]);
    assert.deepEqual(via("backup"), ["s3.us-east-1.amazonaws.com"]);
    assert.deepEqual(via("backup-vault"), ["backup.us-east-1.amazonaws.com"]);
    assert.deepEqual(via("compute"), ["ec2.us-east-1.amazonaws.com"]);
  });

  it("lets the account create the compute key's grants for EC2's volumes only through EC2", () => {
    const grants = statement(byName(rec, "data-keys-compute-key"), "ServicesHoldGrantsForTheirResources");
    assert.deepEqual(grants.Action, ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]);
    assert.deepEqual(grants.Condition, {
      StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["ec2.us-east-1.amazonaws.com"] },
      Bool: { "kms:GrantIsForAWSResource": true },
    });
  });

  it("lets the Auto Scaling service-linked role use the compute key and grant it to the volumes it launches", () => {
    const key = byName(rec, "data-keys-compute-key");
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    const use = statement(key, "ServiceLinkedRolesUseTheKey");
    assert.equal(use.Effect, "Allow");
    assert.deepEqual(use.Principal, { AWS: [slr] });
    assert.deepEqual(use.Action, [
      "kms:Encrypt",
      "kms:Decrypt",
      "kms:ReEncrypt*",
      "kms:GenerateDataKey*",
      "kms:DescribeKey",
    ]);
    assert.equal(use.Condition, undefined);
    const attach = statement(key, "ServiceLinkedRolesAttachPersistentResources");
    assert.deepEqual(attach.Principal, { AWS: [slr] });
    assert.deepEqual(attach.Action, ["kms:CreateGrant"]);
    assert.deepEqual(attach.Condition, { Bool: { "kms:GrantIsForAWSResource": true } });
  });

  it("admits no service-linked role to the other keys", () => {
    for (const purpose of KEY_PURPOSES.filter((p) => p !== "compute")) {
      const policy = policyOf(byName(rec, `data-keys-${purpose}-key`));
      assert.ok(
        !policy.Statement.some((s) => s.Sid?.startsWith("ServiceLinkedRoles")),
        `${purpose} names a service-linked role`,
      );
    }
  });

  it("gives the AWS Backup vault a key of its own, used only through AWS Backup", () => {
    const key = byName(rec, "data-keys-backup-vault-key");
    assert.equal(
      byName(rec, "data-keys-backup-vault-alias").inputs["name"],
      "alias/acme-tdp-production-backup-vault",
    );
    assert.match(String(key.inputs["description"]), /AWS Backup vault/);
    const grants = statement(key, "ServicesHoldGrantsForTheirResources");
    assert.deepEqual(grants.Condition, {
      StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["backup.us-east-1.amazonaws.com"] },
      Bool: { "kms:GrantIsForAWSResource": true },
    });
  });

  it("names the compute key's alias after its purpose", () => {
    assert.equal(byName(rec, "data-keys-compute-alias").inputs["name"], "alias/acme-tdp-production-compute");
  });

  it("lets CloudWatch Logs use the logs key only for this account's log groups", () => {
    const logs = statement(byName(rec, "data-keys-logs-key"), "ServicePrincipal0");
    assert.deepEqual(logs.Principal, { Service: "logs.us-east-1.amazonaws.com" });
    assert.deepEqual(logs.Condition, {
      ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:*` },
    });
  });

  it("lets CloudWatch, EventBridge and Backup of this account encrypt alert messages", () => {
    const policy = policyOf(byName(rec, "data-keys-messaging-key"));
    const services = policy.Statement.filter((s) => s.Sid?.startsWith("ServicePrincipal"));
    assert.deepEqual(
      services.map((s) => (s.Principal as { Service: string }).Service),
      ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"],
    );
    for (const s of services) {
      assert.deepEqual(s.Action, ["kms:Decrypt", "kms:GenerateDataKey*"]);
      assert.deepEqual(s.Condition, { StringEquals: { "aws:SourceAccount": ACCOUNT } });
    }
  });

  it("names the database key's alias as the seed does (ts-rds-<environment>)", () => {
    assert.equal(byName(rec, "data-keys-database-alias").inputs["name"], "alias/ts-rds-production");
    assert.equal(
      byName(rec, "data-keys-datalake-alias").inputs["name"],
      "alias/acme-tdp-production-datalake",
    );
  });

  it("takes the DR issue's replication settings without reshaping", () => {
    const datalake = byName(rec, "data-keys-datalake-key");
    assert.equal(datalake.inputs["multiRegion"], true);
    assert.deepEqual(statement(datalake, "AdditionalPrincipalsUseTheKey").Principal, {
      AWS: ["arn:aws:iam::222222222222:role/replication"],
    });
    assert.equal(byName(rec, "data-keys-search-key").inputs["multiRegion"], false);
    const search = policyOf(byName(rec, "data-keys-search-key"));
    assert.ok(!search.Statement.some((s) => s.Sid === "AdditionalPrincipalsUseTheKey"));
  });

  it("parents every key under the component", () => {
    const component = byName(rec, "data-keys");
    assert.equal(component.type, "tdp:data:DataKeys");
    const key = byName(rec, "data-keys-logs");
    assert.equal(key.type, "tdp:data:DataKey");
    assert.equal(key.parent, component.urn);
  });
});

describe("DataKeys with service-linked roles to wait for", () => {
  it("makes only the key naming them (compute) depend on the resources creating them", async () => {
    const rec = await offline.record(() => {
      const role = new aws.iam.ServiceLinkedRole("autoscaling-role", {
        awsServiceName: "autoscaling.amazonaws.com",
      });
      new DataKeys("data-keys", { naming, region: REGION, accountId: ACCOUNT, serviceLinkedRoles: [role] });
    });
    const role = byName(rec, "autoscaling-role");
    assert.ok((byName(rec, "data-keys-compute-key").dependencies ?? []).includes(role.urn));
    for (const key of ofType(rec, "aws:kms/key:Key").filter((k) => k.name !== "data-keys-compute-key")) {
      assert.ok(!(key.dependencies ?? []).includes(role.urn), key.name);
    }
  });
});

describe("DataKeys adopting the database key (DR recovery)", () => {
  const DR_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-0000000000a4";

  it("creates every key but the database's, whose ARN is the adopted one", async () => {
    const arns: Record<string, string> = {};
    let adopted: readonly string[] = [];
    let purposes: string[] = [];
    const rec = await offline.record(() => {
      const keys = new DataKeys("data-keys", {
        naming,
        region: REGION,
        accountId: ACCOUNT,
        adoptedKeyArns: { database: DR_KEY },
      });
      adopted = keys.adopted;
      purposes = Object.keys(keys.arns);
      assert.equal(keys.keys.database, undefined);
      for (const [purpose, arn] of Object.entries(keys.arns)) {
        arn.apply((v) => (arns[purpose] = v));
      }
    });
    const created = ofType(rec, "aws:kms/key:Key").map((k) => k.name);
    assert.equal(created.length, KEY_PURPOSES.length - 1);
    assert.ok(!created.includes("data-keys-database-key"));
    assert.ok(
      !ofType(rec, "aws:kms/alias:Alias").some((a) => a.inputs["name"] === "alias/ts-rds-production"),
    );
    assert.equal(arns["database"], DR_KEY);
    assert.deepEqual(purposes, [...KEY_PURPOSES], "every purpose has an ARN, in order");
    assert.deepEqual(adopted, ["database"]);
  });

  it("refuses another purpose, a key of another account or region, and replication settings for it", () => {
    const base = { naming, region: REGION, accountId: ACCOUNT };
    assert.throws(
      () => validateDataKeysArgs({ ...base, adoptedKeyArns: { logs: DR_KEY } as never }),
      /^Error: adoptedKeyArns.logs: only the database key may be adopted/,
    );
    assert.throws(
      () => validateDataKeysArgs({ ...base, adoptedKeyArns: { database: "alias/ts-rds-dr" } }),
      /adoptedKeyArns.database "alias\/ts-rds-dr" is not a KMS key ARN/,
    );
    assert.throws(
      () =>
        validateDataKeysArgs({
          ...base,
          adoptedKeyArns: { database: DR_KEY.replace("us-east-1", "us-west-2") },
        }),
      /is a key of region us-west-2; this deployment is in us-east-1, and a key is used only in its own region/,
    );
    assert.throws(
      () =>
        validateDataKeysArgs({
          ...base,
          adoptedKeyArns: { database: DR_KEY.replace("111111111111", "222222222222") },
        }),
      /is a key of account 222222222222; this deployment is in account 111111111111/,
    );
    assert.throws(
      () =>
        validateDataKeysArgs({
          ...base,
          adoptedKeyArns: { database: DR_KEY },
          replication: { database: { copyAccountIds: ["222222222222"] } },
        }),
      /replication.database: the database key is adopted \(adoptedKeyArns.database\), so its policy is not this deployment's to change/,
    );
  });
});

describe("DataKey", () => {
  it("registers nothing when its arguments are invalid", async () => {
    await assert.rejects(
      offline.record(() => {
        new DataKey("bad", {
          naming,
          purpose: "x",
          description: "d",
          region: REGION,
          accountId: ACCOUNT,
          viaServices: ["s3"],
          rotationPeriodInDays: 10,
        });
      }),
      /rotationPeriodInDays 10 must be a whole number from 90 to 2560/,
    );
  });
});
