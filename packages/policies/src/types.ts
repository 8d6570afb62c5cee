import type {
  EnforcementLevel,
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";

/** The published control ids a policy implements. */
export interface Controls {
  /** AWS Security Hub Foundational Security Best Practices ids, e.g. `S3.5`. */
  fsbp: string[];
  /** checkov ids, e.g. `CKV_AWS_145`. */
  checkov: string[];
  /** The project's own documented rule ids (src/project-rules.ts), e.g. `TDP.IAM.1`. */
  project: string[];
}

/** The service modules the policies are grouped by (one file each under src/services). */
export type PolicyModule =
  | "s3"
  | "kms"
  | "rds"
  | "opensearch"
  | "eks"
  | "ecs"
  | "elb"
  | "ec2"
  | "iam"
  | "lambda"
  | "logs"
  | "secrets"
  | "sns-sqs"
  | "backup"
  | "cognito"
  | "acm"
  | "cloudtrail"
  | "athena"
  | "glue"
  | "organizations"
  | "dr"
  | "stack-wide";

/** What every policy of ours carries besides the @pulumi/policy fields. */
export interface PolicyMetadata {
  module: PolicyModule;
  controls: Controls;
  enforcementLevel: EnforcementLevel;
  /** Where the project satisfies the policy (repository paths). */
  satisfiedBy: string[];
}

export type TdpResourcePolicy = ResourceValidationPolicy & PolicyMetadata;
export type TdpStackPolicy = StackValidationPolicy & PolicyMetadata;
export type TdpPolicy = TdpResourcePolicy | TdpStackPolicy;

/**
 * Settings the stack-wide policies compare against (pulumi preview: `--policy-pack-config`, or
 * `pnpm policy --print-config <stack>` to produce it from the stack file).
 */
export interface TdpPolicyConfig {
  /** Every IAM role's name starts with it (seed IAMRolePrefix); unchecked when absent. */
  iamRolePrefix?: string;
  /** Every IAM role carries this permissions boundary (seed IAMBoundaryPolicy); when absent any boundary passes. */
  permissionsBoundaryArn?: string;
  /** Accounts principals and grants may name: this account and the DR account. */
  allowedAccountIds?: string[];
  /** Whether a setting asked for IAM users (seed 000: "We do NOT create any IAM users"). */
  allowIamUsers?: boolean;
  /**
   * Whether the stack asked for AWS Backup Vault Lock (tdp:data.database.vaultLock): every backup
   * vault then needs a VaultLockConfiguration. Unchecked when absent or false.
   */
  requireVaultLock?: boolean;
  /** DR on in a primary stack: the buckets that must replicate to the DR account. @default none */
  drReplicatedBuckets?: string[];
  /** A dr stack with DR on: the replica buckets it must hold, protected. @default none */
  drReplicaBuckets?: string[];
  /** A dr stack with DR on in backup mode: the staging vault it must hold, protected. @default none */
  drStagingVault?: string;
}

export type { PolicyResource, ReportViolation };

/** Is this a stack-wide policy? */
export function isStackPolicy(policy: TdpPolicy): policy is TdpStackPolicy {
  return "validateStack" in policy;
}
