import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

import type { TdpPolicyConfig } from "./types";

type Section = Record<string, unknown>;

function readStackFile(dir: string, stack: string): Record<string, unknown> | undefined {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return doc?.config ?? {};
}

function sectionOf(value: unknown): Section {
  return value !== null && typeof value === "object" ? (value as Section) : {};
}

function platformOf(config: Record<string, unknown> | undefined): Section {
  return sectionOf(config?.["tdp:platform"]);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * The policy settings of a stack, read from its stack file (`tdp:platform`): the role prefix and
 * boundary the stack applies, and the accounts grants may name (its own and its DR stack's; in a
 * dr stack with `tdp:dr` on, its own and its primary's). The
 * same values feed `pulumi preview --policy-pack-config` (`pnpm policy --print-config <stack>`).
 */
export function policyConfigFromStack(projectDir: string, stack: string): TdpPolicyConfig | undefined {
  const config = readStackFile(projectDir, stack);
  if (!config) return undefined;
  const platform = platformOf(config);
  const accounts = new Set<string>();
  const own = text(platform["accountId"]);
  if (own) accounts.add(own);
  const drStack = text(platform["drStack"]);
  if (drStack) {
    const drAccount = text(
      platformOf(readStackFile(projectDir, drStack.split("/").pop() ?? drStack))["accountId"],
    );
    if (drAccount) accounts.add(drAccount);
  }
  // A dr stack with DR on grants to its primary account (tdp:dr.primary.accountId): the pair.
  const dr = sectionOf(config["tdp:dr"]);
  const primaryAccount = text(sectionOf(dr["primary"])["accountId"]);
  if (platform["role"] === "dr" && dr["enabled"] === true && primaryAccount) accounts.add(primaryAccount);
  // DR on: the buckets the primary replicates, or the replicas the dr stack holds.
  const infrastructureName = text(platform["infrastructureName"]);
  const environment = text(platform["environment"]) ?? "production";
  const drBuckets: Record<string, string[]> = {};
  if (dr["enabled"] === true && infrastructureName) {
    const names = sectionOf(sectionOf(config["tdp:data"])["buckets"])["names"];
    const recovery = sectionOf(config["tdp:data"])["recovery"] !== undefined;
    const purposes = ["datalake", "stream", "backup", "artifacts"].filter(
      (p) => platform["role"] === "dr" || !(recovery && (p === "stream" || p === "datalake")),
    );
    const bucket = (p: string) => text(sectionOf(names)[p]) ?? `${infrastructureName}-${environment}-${p}`;
    drBuckets[platform["role"] === "dr" ? "drReplicaBuckets" : "drReplicatedBuckets"] = purposes.map(bucket);
  }
  // A dr stack in backup mode holds the staging vault the primary copies into (@tdp/dr BackupCopyRelay).
  const staging =
    dr["enabled"] === true &&
    platform["role"] === "dr" &&
    sectionOf(dr["databaseCopy"])["mode"] === "backup" &&
    infrastructureName
      ? { drStagingVault: `${infrastructureName}-${environment}-database-staging` }
      : {};
  const prefix = text(platform["iamRolePrefix"]);
  const boundary = text(platform["iamBoundaryPolicyArn"]);
  // tdp:data.database.vaultLock asks for AWS Backup Vault Lock on the database's vault.
  const vaultLock = sectionOf(sectionOf(config["tdp:data"])["database"])["vaultLock"] !== undefined;
  // Seed AthenaCreateIamUser (tdp:organizations[].athenaCreateIamUser) is the setting that asks for users.
  const organizations = config["tdp:organizations"];
  const athenaUsers =
    Array.isArray(organizations) && organizations.some((o) => sectionOf(o)["athenaCreateIamUser"] === true);
  return {
    ...(prefix ? { iamRolePrefix: prefix } : {}),
    ...(boundary ? { permissionsBoundaryArn: boundary } : {}),
    ...(accounts.size > 0 ? { allowedAccountIds: [...accounts] } : {}),
    allowIamUsers: athenaUsers,
    requireVaultLock: vaultLock,
    ...drBuckets,
    ...staging,
  };
}

/** The checks that cannot run, or run weakened, without these settings (for the CLI's warning). */
export function checksSkippedWithout(config: TdpPolicyConfig): string[] {
  return [
    ...(config.allowedAccountIds?.length
      ? []
      : [
          "cross-account principals (no-foreign-account-principals: only the accounts the plan's AWS provider is limited to, none if it is not)",
        ]),
    ...(config.permissionsBoundaryArn
      ? []
      : ["permissions boundary (iam-roles-bounded-and-prefixed: any boundary passes)"]),
    ...(config.iamRolePrefix ? [] : ["role name prefix (iam-roles-bounded-and-prefixed: unchecked)"]),
    ...(config.requireVaultLock === undefined ? ["backup vault lock (backup-vault-lock: not asked)"] : []),
  ];
}
