import { backupPlanRetention, backupVaultCmk, backupVaultLock } from "../../src/services/backup";
import { KEY_ARN } from "../fixtures";
import { res, urnOf, type PolicyCase } from "../harness";

const DR_VAULT = "arn:aws:backup:us-west-2:222222222222:backup-vault:tdp-dr";

function vault(inputs: Record<string, unknown> = {}) {
  return [
    res(
      "aws:backup/vault:Vault",
      "backup-vault",
      { name: "tdp-database", kmsKeyArn: KEY_ARN, forceDestroy: false, ...inputs },
      { protect: true },
    ),
  ];
}

function lock(inputs: Record<string, unknown>, dependencies: string[] = []) {
  return res(
    "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
    "backup-vault-lock",
    { minRetentionDays: 7, maxRetentionDays: 35, ...inputs },
    { dependencies },
  );
}

/** A plan as @tdp/data's DatabaseBackup registers it; `rule` overrides the one rule's fields. */
function plan(rule: Record<string, unknown> = {}) {
  return [
    res("aws:backup/plan:Plan", "backup-plan", {
      name: "tdp-database",
      rules: [
        {
          ruleName: "database",
          targetVaultName: "tdp-database",
          schedule: "cron(0 1 * * ? *)",
          lifecycle: { deleteAfter: 35 },
          copyActions: [{ destinationVaultArn: DR_VAULT, lifecycle: { deleteAfter: 35 } }],
          ...rule,
        },
      ],
    }),
  ];
}

export const backupCases: PolicyCase[] = [
  {
    policy: backupVaultCmk,
    passes: [vault(), vault({ kmsKeyArn: "[unknown]" })],
    fails: [
      {
        fixture: vault({ kmsKeyArn: undefined }),
        message: /backup vault tdp-database uses the AWS-managed key/,
      },
      {
        fixture: vault({ kmsKeyArn: "arn:aws:kms:us-east-1:111111111111:alias/aws/backup" }),
        message: /names the AWS-managed key arn:aws:kms:us-east-1:111111111111:alias\/aws\/backup/,
      },
    ],
  },
  {
    policy: backupPlanRetention,
    passes: [
      plan(),
      plan({ copyActions: [] }),
      plan({ lifecycle: { coldStorageAfter: 30, deleteAfter: 120 } }),
      plan({ lifecycle: { deleteAfter: "[unknown]" } }),
    ],
    fails: [
      { fixture: plan({ lifecycle: undefined }), message: /rule database keeps its recovery points forever/ },
      {
        fixture: plan({ lifecycle: { deleteAfter: 0 } }),
        message: /deletes its recovery points after 0 days, at once/,
      },
      {
        fixture: plan({ lifecycle: { coldStorageAfter: 30, deleteAfter: 60 } }),
        message: /after 60 days, under 90 days after they move to cold storage \(day 30\)/,
      },
      {
        fixture: plan({ copyActions: [{ destinationVaultArn: DR_VAULT }] }),
        message:
          /rule database's copy to arn:aws:backup:us-west-2:222222222222:backup-vault:tdp-dr keeps its recovery points forever/,
      },
    ],
  },
  {
    policy: backupVaultLock,
    config: { requireVaultLock: true },
    passes: [
      [...vault(), lock({ backupVaultName: "tdp-database" })],
      // A preview: the vault's name is not known yet; the lock depends on the vault.
      [
        ...vault({ name: "[unknown]" }),
        lock({ backupVaultName: "[unknown]" }, [urnOf("aws:backup/vault:Vault", "backup-vault")]),
      ],
    ],
    fails: [
      {
        fixture: vault(),
        message: /backup vault tdp-database has no Vault Lock, though the stack asks for one/,
      },
      {
        fixture: [...vault(), lock({ backupVaultName: "another-vault" })],
        message: /backup vault tdp-database has no Vault Lock/,
      },
    ],
  },
];
