import type * as pulumi from "@pulumi/pulumi";

import type { PolicyStatement } from "./policy-document";

/**
 * The two halves of a customer-managed key's policy: the account administers the key (no use of
 * it), and principals use it only through the services it serves (FSBP KMS.1/KMS.2).
 */

/**
 * What the account may do to the key itself: administration, never encrypt, decrypt or grant.
 * Listed one by one (AWS KMS "Actions, resources, and condition keys") rather than with the usual
 * `kms:Create*`-style wildcards: `kms:Create*` covers `kms:CreateGrant`, so any principal of the
 * account allowed kms:CreateGrant by IAM could grant itself Decrypt on the key and bypass the
 * kms:ViaService scoping of the use statements. Grants that services need (RDS, EBS, OpenSearch,
 * Backup) come through each key's ViaService-scoped grant statement instead. `kms:PutKeyPolicy`
 * stays, so the account can always change the policy (no lockout).
 */
export const KEY_ADMIN_ACTIONS = [
  "kms:CreateAlias",
  "kms:UpdateAlias",
  "kms:DeleteAlias",
  "kms:DescribeKey",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:RotateKeyOnDemand",
  "kms:GetKeyPolicy",
  "kms:GetKeyRotationStatus",
  "kms:PutKeyPolicy",
  // ListAliases, ListGrants, ListKeyPolicies, ListKeyRotations, ListResourceTags: read-only.
  "kms:List*",
  // Revoking a grant only takes access away.
  "kms:RevokeGrant",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:ScheduleKeyDeletion",
  "kms:CancelKeyDeletion",
  // Multi-Region keys (the DR issue): make a replica in the DR region, move the primary.
  "kms:ReplicateKey",
  "kms:UpdatePrimaryRegion",
];

/**
 * Key actions that use the key or hand out its use; none belongs in an administrative statement
 * (`kms:CreateGrant` lets the grantee encrypt and decrypt).
 */
export const KEY_USE_OR_GRANT_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncryptFrom",
  "kms:ReEncryptTo",
  "kms:GenerateDataKey",
  "kms:GenerateDataKeyWithoutPlaintext",
  "kms:GenerateDataKeyPair",
  "kms:GenerateDataKeyPairWithoutPlaintext",
  "kms:CreateGrant",
];

/** What a principal needs to encrypt and decrypt data with a key through a service. */
export const KEY_USE_ACTIONS = [
  "kms:Encrypt",
  "kms:Decrypt",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:DescribeKey",
];

/** Does an IAM action pattern (`kms:Create*`, `kms:*`, `*`) cover `action`? Case-insensitive, as IAM is. */
export function actionMatches(pattern: string, action: string): boolean {
  const escaped = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`).test(action.toLowerCase());
}

/** The account administers the key (KEY_ADMIN_ACTIONS): the first statement of every key policy of ours. */
export function keyAdministrationStatement(root: pulumi.Input<string>): PolicyStatement {
  return {
    Sid: "AccountAdministersTheKey",
    Effect: "Allow",
    Principal: { AWS: root },
    Action: KEY_ADMIN_ACTIONS,
    Resource: "*",
  };
}

/**
 * The two statements that let a key's account use it only through `viaServices` (full endpoint
 * names, `rds.us-east-1.amazonaws.com`): encrypt and decrypt through them, and let them hold
 * grants for the AWS resources they keep encrypted with it (RDS, EBS, EFS, OpenSearch, Backup).
 */
export function keyUseThroughServicesStatements(
  root: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
  viaServices: string[],
): PolicyStatement[] {
  return [
    {
      Sid: "AccountPrincipalsUseTheKeyThroughServices",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
      Condition: { StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": viaServices } },
    },
    {
      Sid: "ServicesHoldGrantsForTheirResources",
      Effect: "Allow",
      Principal: { AWS: root },
      Action: ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
      Resource: "*",
      Condition: {
        StringEquals: { "kms:CallerAccount": accountId, "kms:ViaService": viaServices },
        Bool: { "kms:GrantIsForAWSResource": true },
      },
    },
  ];
}

/** What CloudWatch Logs needs of a key that encrypts log groups. */
export const LOGS_KEY_ACTIONS = [
  "kms:Encrypt*",
  "kms:Decrypt*",
  "kms:ReEncrypt*",
  "kms:GenerateDataKey*",
  "kms:Describe*",
];

/**
 * The statement letting the region's CloudWatch Logs use a key for the named log groups only (the
 * encryption context carries the group's ARN): `ArnEquals` for exact ARNs, `ArnLike` for patterns.
 */
export function cloudWatchLogsKeyStatement(
  sid: string,
  region: string,
  logGroupArns: pulumi.Input<string> | pulumi.Input<string>[],
  match: "ArnEquals" | "ArnLike" = "ArnEquals",
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: `logs.${region}.amazonaws.com` },
    Action: LOGS_KEY_ACTIONS,
    Resource: "*",
    Condition: { [match]: { "kms:EncryptionContext:aws:logs:arn": logGroupArns } },
  };
}
