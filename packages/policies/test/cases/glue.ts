import { glueCatalogEncrypted } from "../../src/services/glue";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const database = res("aws:glue/catalogDatabase:CatalogDatabase", "datalake-db", { name: "tdp_datalake" });

function settings(atRest: Record<string, unknown> = {}, passwords: Record<string, unknown> = {}) {
  return res("aws:glue/dataCatalogEncryptionSettings:DataCatalogEncryptionSettings", "catalog-encryption", {
    dataCatalogEncryptionSettings: {
      encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: KEY_ARN, ...atRest },
      connectionPasswordEncryption: {
        returnConnectionPasswordEncrypted: true,
        awsKmsKeyId: KEY_ARN,
        ...passwords,
      },
    },
  });
}

export const glueCases: PolicyCase[] = [
  {
    policy: glueCatalogEncrypted,
    passes: [[database, settings()], [settings({ sseAwsKmsKeyId: "[unknown]" })], []],
    fails: [
      {
        fixture: [database],
        message:
          /CatalogDatabase datalake-db writes to the Glue Data Catalog, but the stack sets no catalog encryption/,
      },
      {
        fixture: [database, settings({ catalogEncryptionMode: "DISABLED" })],
        message: /leaves the catalog's metadata unencrypted \(mode DISABLED\)/,
      },
      {
        fixture: [settings({}, { returnConnectionPasswordEncrypted: false })],
        message: /returns connection passwords in plain text/,
      },
    ],
  },
];
