import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import { DataCatalogEncryption, Organization } from "../src";

const naming = new Naming({ infrastructureName: "acme-tdp" });
const CATALOG_KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-0000000000c0";

interface Statement {
  Sid?: string;
  Action: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

describe("DataCatalogEncryption", () => {
  it("encrypts the catalog and its connection passwords with a protected, rotating key used only through Glue", async () => {
    const rec = await offline.record(() => {
      new DataCatalogEncryption("glue-catalog", { naming, region: "us-east-1", accountId: "111111111111" });
    });
    const key = rec.one("aws:kms/key:Key", "glue-catalog-key");
    assert.equal(key.inputs["enableKeyRotation"], true);
    assert.equal(key.protect, true);
    const statements = (JSON.parse(key.inputs["policy"] as string) as { Statement: Statement[] }).Statement;
    const use = statements.find((s) => s.Sid === "AccountPrincipalsUseTheKeyThroughServices")!;
    assert.deepEqual(use.Condition?.["StringEquals"]?.["kms:ViaService"], ["glue.us-east-1.amazonaws.com"]);
    const settings = rec.one(
      "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings",
      "glue-catalog-settings",
    );
    const config = settings.inputs["dataCatalogEncryptionSettings"] as Record<
      string,
      Record<string, unknown>
    >;
    assert.equal(config["encryptionAtRest"]?.["catalogEncryptionMode"], "SSE-KMS");
    assert.equal(config["connectionPasswordEncryption"]?.["returnConnectionPasswordEncrypted"], true);
    assert.equal(settings.inputs["catalogId"], "111111111111");
  });
});

describe("Organization with an encrypted catalog and its own connector repositories", () => {
  it("lets the Athena policy decrypt catalog metadata through Glue only, and pulls from the given repositories", async () => {
    const rec = await offline.record(() => {
      new Organization("org-c", {
        orgSlug: "c-lab",
        naming,
        iam: {},
        region: "us-east-1",
        accountId: "111111111111",
        buckets: { datalake: "lake", athenaResults: "results" },
        catalogKeyArn: CATALOG_KEY,
        connectorRepositoryArn: "arn:aws:ecr:us-east-1:222222222222:repository/data-connector-*",
      });
    });
    const athena = (
      JSON.parse(rec.one("aws:iam/policy:Policy").inputs["policy"] as string) as { Statement: Statement[] }
    ).Statement;
    const catalog = athena.find((s) => s.Sid === "DecryptCatalogMetadataThroughGlue")!;
    assert.equal(catalog.Resource, CATALOG_KEY);
    assert.deepEqual(catalog.Condition, {
      StringEquals: { "kms:ViaService": "glue.us-east-1.amazonaws.com" },
    });
    const dataHub = (
      JSON.parse(
        rec.one("aws:iam/rolePolicy:RolePolicy", "org-c-datahub-policy").inputs["policy"] as string,
      ) as {
        Statement: Statement[];
      }
    ).Statement;
    assert.equal(
      dataHub.find((s) => s.Sid === "DownloadDataConnectorImages")!.Resource,
      "arn:aws:ecr:us-east-1:222222222222:repository/data-connector-*",
    );
  });

  it("without a catalog key, the Athena policy has no catalog statement", async () => {
    const rec = await offline.record(() => {
      new Organization("org-d", {
        orgSlug: "d-lab",
        naming,
        iam: {},
        region: "us-east-1",
        accountId: "111111111111",
        buckets: { datalake: "lake", athenaResults: "results" },
      });
    });
    const athena = (
      JSON.parse(rec.one("aws:iam/policy:Policy").inputs["policy"] as string) as { Statement: Statement[] }
    ).Statement;
    assert.ok(!athena.some((s) => s.Sid === "DecryptCatalogMetadataThroughGlue"));
  });
});
