import { absent, knownText, numberOf } from "../conditions";
import { companionsOf, ofTypes } from "../companions";
import { resourcePolicy, stackPolicy } from "../define";
import { asArray, get, isPending } from "../props";

export const VAULT_TYPES = ["aws:backup/vault:Vault"];
export const PLAN_TYPES = ["aws:backup/plan:Plan"];

export const backupVaultCmk = resourcePolicy({
  name: "backup-vault-cmk",
  satisfiedBy: ["packages/data/src/backup.ts", "packages/data/src/keys.ts"],
  description:
    "Every backup vault encrypts its recovery points with a customer-managed KMS key (which a DR account can be granted; the AWS-managed aws/backup key cannot be shared).",
  module: "backup",
  controls: { fsbp: ["Backup.1"], checkov: ["CKV_AWS_166"] },
  enforcementLevel: "mandatory",
  remediation: "Set kmsKeyArn on the vault to the backup key (@tdp/data's DataKeys backup key)",
  types: VAULT_TYPES,
  check(resource, report) {
    const key = resource.props["kmsKeyArn"];
    const name = knownText(resource.props["name"]) ?? resource.name;
    if (absent(key)) report(`backup vault ${name} uses the AWS-managed key, not a customer-managed key`);
    else if (typeof key === "string" && /:alias\/aws\/backup$|^alias\/aws\//.test(key))
      report(`backup vault ${name} names the AWS-managed key ${key}`);
  },
});

/** AWS Backup moves to cold storage no sooner than this many days before deletion. */
const COLD_STORAGE_MINIMUM_DAYS = 90;

function lifecycleProblem(lifecycle: unknown): string | undefined {
  if (isPending(lifecycle)) return undefined;
  const deleteAfter = get(lifecycle, "deleteAfter");
  if (isPending(deleteAfter)) return undefined;
  const days = numberOf(deleteAfter);
  if (days === undefined) return "keeps its recovery points forever (no lifecycle.deleteAfter)";
  if (days < 1) return `deletes its recovery points after ${days} days, at once`;
  const cold = numberOf(get(lifecycle, "coldStorageAfter"));
  if (cold !== undefined && days < cold + COLD_STORAGE_MINIMUM_DAYS)
    return `deletes its recovery points after ${days} days, under ${COLD_STORAGE_MINIMUM_DAYS} days after they move to cold storage (day ${cold})`;
  return undefined;
}

export const backupPlanRetention = resourcePolicy({
  name: "backup-plan-retention",
  satisfiedBy: ["packages/data/src/backup.ts", "packages/data/src/database-validation.ts"],
  description:
    "Every backup rule, and every copy it makes to another vault, expires its recovery points after the configured retention: none are kept forever, none deleted at once.",
  module: "backup",
  controls: { fsbp: [], checkov: [], project: ["TDP.BACKUP.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set lifecycle.deleteAfter (days, 1 or more; at least coldStorageAfter + 90) on every rule and every copyActions entry (the backup component's retentionDays and copyRetentionDays)",
  types: PLAN_TYPES,
  check(resource, report) {
    const plan = knownText(resource.props["name"]) ?? resource.name;
    for (const rule of asArray(resource.props["rules"])) {
      const ruleName = String(get(rule, "ruleName") ?? "(unnamed)");
      const problem = lifecycleProblem(get(rule, "lifecycle"));
      if (problem) report(`backup plan ${plan}: rule ${ruleName} ${problem}`);
      for (const copy of asArray(get(rule, "copyActions"))) {
        const copyProblem = lifecycleProblem(get(copy, "lifecycle"));
        const target = knownText(get(copy, "destinationVaultArn")) ?? "another vault";
        if (copyProblem) report(`backup plan ${plan}: rule ${ruleName}'s copy to ${target} ${copyProblem}`);
      }
    }
  },
});

export const VAULT_LOCK_TYPE = "aws:backup/vaultLockConfiguration:VaultLockConfiguration";

export const backupVaultLock = stackPolicy({
  name: "backup-vault-lock",
  satisfiedBy: ["packages/data/src/backup.ts", "stacks/src/config/data/database.ts"],
  description:
    "Where the stack asks for Vault Lock (tdp:data.database.vaultLock, the requireVaultLock setting), every backup vault has a VaultLockConfiguration, so no one can delete recovery points early or shorten their retention.",
  module: "backup",
  controls: { fsbp: [], checkov: [], project: ["TDP.BACKUP.2"] },
  enforcementLevel: "mandatory",
  remediation:
    "Add an aws.backup.VaultLockConfiguration for the vault (the backup component's vaultLock does), or take vaultLock out of the stack's settings",
  check(resources, report, config) {
    // Not asked for: nothing to check (a lock cannot be undone after its grace time, so it is opt-in).
    if (!config.requireVaultLock) return;
    for (const vault of ofTypes(resources, VAULT_TYPES)) {
      if (companionsOf(vault, resources, VAULT_LOCK_TYPE, "backupVaultName", ["name"]).length === 0)
        report(
          `backup vault ${knownText(vault.props["name"]) ?? vault.name} has no Vault Lock, though the stack asks for one`,
          vault.urn,
        );
    }
  },
});

export const backupPolicies = [backupVaultCmk, backupPlanRetention, backupVaultLock];
