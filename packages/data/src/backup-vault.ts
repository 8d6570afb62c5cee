import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { policyDocument, policyJson, statefulResourceOptions } from "@tdp/core";

import type { VaultLockArgs } from "./backup";

/** The vault policy statement every vault of the platform carries. */
export const RECOVERY_POINTS_PROTECTED_STATEMENT: PolicyStatement = {
  // Lifecycle expiry still deletes them; people cannot, short of changing this policy.
  Sid: "RecoveryPointsAreNotDeletedOrShortened",
  Effect: "Deny",
  Principal: { AWS: "*" },
  Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
  Resource: "*",
};

export interface ProtectedVaultArgs {
  /** The vault's physical name. */
  vaultName: string;
  kmsKeyArn: pulumi.Input<string>;
  /** Statements after the protecting one (say, an account admitted to copy in). @default none */
  additionalStatements?: PolicyStatement[];
  /** AWS Backup Vault Lock. @default none */
  vaultLock?: VaultLockArgs;
}

/**
 * A backup vault as the platform keeps them, as children `${name}-vault`, `-vault-policy` and
 * `-vault-lock` of `parent`: protected from deletion, a policy that denies deleting or shortening
 * recovery points (plus `additionalStatements`), and the optional Vault Lock. The database's vault
 * (`DatabaseBackup`), the DR vault and backup mode's staging vault (`@tdp/dr`) are all made here.
 */
export function createProtectedVault(
  name: string,
  args: ProtectedVaultArgs,
  parent: pulumi.Resource,
): aws.backup.Vault {
  const vault = new aws.backup.Vault(
    `${name}-vault`,
    { name: args.vaultName, kmsKeyArn: args.kmsKeyArn, forceDestroy: false },
    statefulResourceOptions({ parent }),
  );
  new aws.backup.VaultPolicy(
    `${name}-vault-policy`,
    {
      backupVaultName: vault.name,
      policy: policyJson(
        policyDocument(RECOVERY_POINTS_PROTECTED_STATEMENT, ...(args.additionalStatements ?? [])),
      ),
    },
    { parent },
  );
  if (args.vaultLock !== undefined) {
    new aws.backup.VaultLockConfiguration(
      `${name}-vault-lock`,
      {
        backupVaultName: vault.name,
        minRetentionDays: args.vaultLock.minRetentionDays,
        maxRetentionDays: args.vaultLock.maxRetentionDays,
        changeableForDays: args.vaultLock.changeableForDays,
      },
      { parent },
    );
  }
  return vault;
}
