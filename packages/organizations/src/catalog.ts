import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming, PolicyDocument } from "@tdp/core";
import {
  keyAdministrationStatement,
  keyUseThroughServicesStatements,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

export interface DataCatalogEncryptionArgs {
  /** Physical names of the deployment (the key's alias and description). */
  naming: Naming;
  region: string;
  /** The account id (the catalog's id); looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
}

/** The catalog key's policy: administered by the account, used only through Glue. */
export function catalogKeyPolicy(ctx: {
  partition: pulumi.Input<string>;
  region: string;
  accountId: pulumi.Input<string>;
}): PolicyDocument {
  const root = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root`;
  return policyDocument(
    keyAdministrationStatement(root),
    ...keyUseThroughServicesStatements(root, ctx.accountId, [`glue.${ctx.region}.amazonaws.com`]),
  );
}

/**
 * The Glue Data Catalog's encryption (an account-and-region setting, so one per stack): its
 * metadata, the organizations' databases and tables, encrypted with a key of its own, and
 * connection passwords returned encrypted. Readers of the catalog (the organizations' Athena
 * policies) need kms:Decrypt on this key through Glue.
 */
export class DataCatalogEncryption extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly keyArn: pulumi.Output<string>;
  readonly settings: aws.glue.DataCatalogEncryptionSettings;

  constructor(name: string, args: DataCatalogEncryptionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:organizations:DataCatalogEncryption", name, {}, opts);
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${args.naming.base}: encrypts the Glue Data Catalog (the organizations' databases and tables)`,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        policy: policyJson(catalogKeyPolicy({ partition, region: args.region, accountId })),
      },
      statefulResourceOptions({ parent: this }),
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${args.naming.base}-glue-catalog`, targetKeyId: this.key.keyId },
      { parent: this },
    );
    this.keyArn = this.key.arn;
    this.settings = new aws.glue.DataCatalogEncryptionSettings(
      `${name}-settings`,
      {
        catalogId: accountId,
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: "SSE-KMS", sseAwsKmsKeyId: this.key.arn },
          connectionPasswordEncryption: {
            returnConnectionPasswordEncrypted: true,
            awsKmsKeyId: this.key.arn,
          },
        },
      },
      { parent: this },
    );
    this.registerOutputs({ keyArn: this.keyArn });
  }
}
