import { ofTypes } from "../companions";
import { absent } from "../conditions";
import { stackPolicy } from "../define";
import { get, isFalse, isPending } from "../props";

export const CATALOG_ENCRYPTION = "aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings";
/** Resources that put metadata (schemas, locations, connection passwords) into the Data Catalog. */
export const CATALOG_CONTENT_TYPES = [
  "aws:glue/catalogDatabase:CatalogDatabase",
  "aws:glue/catalogTable:CatalogTable",
  "aws:glue/crawler:Crawler",
  "aws:glue/connection:Connection",
  "aws:athena/database:Database",
];

export const glueCatalogEncrypted = stackPolicy({
  name: "glue-catalog-encrypted",
  satisfiedBy: [],
  description:
    "The Glue Data Catalog encrypts its metadata with a KMS key and returns connection passwords encrypted; a stack that fills the catalog sets this (account-wide) encryption.",
  module: "glue",
  controls: { fsbp: [], checkov: ["CKV_AWS_94"] },
  enforcementLevel: "mandatory",
  remediation:
    "Add an aws.glue.DataCatalogEncryptionSettings with encryptionAtRest.catalogEncryptionMode SSE-KMS and sseAwsKmsKeyId, and connectionPasswordEncryption.returnConnectionPasswordEncrypted true with awsKmsKeyId",
  check(resources, report) {
    const settings = ofTypes(resources, [CATALOG_ENCRYPTION]);
    for (const s of settings) {
      const config = s.props["dataCatalogEncryptionSettings"];
      if (isPending(config)) continue;
      const atRest = get(config, "encryptionAtRest");
      const mode = get(atRest, "catalogEncryptionMode");
      if (!isPending(mode) && mode !== "SSE-KMS" && mode !== "SSE-KMS-WITH-SERVICE-ROLE")
        report(
          `catalog encryption ${s.name} leaves the catalog's metadata unencrypted (mode ${String(mode ?? "DISABLED")})`,
          s.urn,
        );
      else if (!isPending(mode) && absent(get(atRest, "sseAwsKmsKeyId")))
        report(`catalog encryption ${s.name} names no KMS key for the metadata`, s.urn);
      const passwords = get(config, "connectionPasswordEncryption.returnConnectionPasswordEncrypted");
      if (isFalse(passwords) || passwords === undefined)
        report(`catalog encryption ${s.name} returns connection passwords in plain text`, s.urn);
    }
    if (settings.length > 0) return;
    for (const r of ofTypes(resources, CATALOG_CONTENT_TYPES))
      report(
        `${r.type.split(":").pop()} ${r.name} writes to the Glue Data Catalog, but the stack sets no catalog encryption`,
        r.urn,
      );
  },
});

export const gluePolicies = [glueCatalogEncrypted];
