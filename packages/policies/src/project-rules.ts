/**
 * The project's own rules: promises of the seeds and of issue 3 that no FSBP or checkov control
 * states. A policy names them in `controls.project`; the control table lists them with their source,
 * and a test fails when a policy names an id that is not here.
 */
export interface ProjectRule {
  rule: string;
  /** Where the rule comes from (seed, setting, issue). */
  source: string;
}

export const PROJECT_RULES: Record<string, ProjectRule> = {
  "TDP.IAM.1": {
    rule: "No IAM user unless a setting asks for one.",
    source: 'seed 000: "We do NOT create any IAM users"',
  },
  "TDP.IAM.2": {
    rule: "Every IAM role carries the customer's permissions boundary and name prefix.",
    source: "seed IAMBoundaryPolicy, IAMRolePrefix",
  },
  "TDP.XACCOUNT.1": {
    rule: "No grant to an account other than the stack's own and its DR account.",
    source: "issue 3 (stack-wide policies); seed DRAWSAccountId",
  },
  "TDP.LOGS.1": {
    rule: "Every log group has a retention.",
    source: "seed LogRetentionDays (90 by default)",
  },
  "TDP.PROTECT.1": {
    rule: "Every stateful resource is protected from deletion (protect or retain-on-delete) with the service's own guard.",
    source: "issue 3 (stack-wide policies)",
  },
  "TDP.SECRETS.1": {
    rule: "No secret in plain text in any input.",
    source: "issue 3 (stack-wide policies); seed 004 (licence and database credentials)",
  },
  "TDP.BACKUP.1": {
    rule: "Recovery points, and their copies, expire after the configured retention.",
    source: "seed RDSBackupRetentionDays",
  },
  "TDP.BACKUP.2": {
    rule: "Backup vaults are locked (Vault Lock) where the stack asks for it.",
    source: "security baseline (Backup: vault lock where asked); tdp:data.database.vaultLock",
  },
  "TDP.ORG.1": {
    rule: "No identity policy of an organization reaches another organization's prefix in the shared buckets.",
    source:
      'seed 003 "Data Isolation": one bucket set, the top-level orgSlug prefix isolates each organization',
  },
  "TDP.ORG.2": {
    rule: "Every organization has its own KMS key, rotating yearly and protected.",
    source: 'seed 003 "Encryption": a separate key per organization that rotates yearly',
  },
  "TDP.ORG.3": {
    rule: "IoT role aliases issue credentials valid for at most one hour.",
    source: 'seed 003 "AWS IoT": temporary credentials valid for 1 hour, requested every 30 minutes',
  },
  "TDP.DR.1": {
    rule: "With DR on, every replicated bucket replicates, KMS-encrypted objects and delete markers included, to a KMS-encrypted replica.",
    source: "seed 001 EnableDR (replicate data and backups to another account and region)",
  },
  "TDP.DR.2": {
    rule: "The DR replicas and the DR backup vault are protected, and the replicas versioned and KMS-encrypted.",
    source: "seed 001 dr.yml; security baseline (stateful resources protected)",
  },
  "TDP.ACM.1": {
    rule: "Certificates validate through DNS, so they renew without a manual step.",
    source: "seed post-deployment steps (certificate approval by e-mail) replaced by code",
  },
};
