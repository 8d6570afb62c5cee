import { createHash } from "node:crypto";

/**
 * AWS physical-name limits for the resource kinds the project names explicitly.
 * Each entry is the service's documented maximum length and the characters it accepts.
 */
export const NAME_RULES = {
  s3Bucket: { maxLength: 63, lowercase: true, pattern: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/ },
  loadBalancer: { maxLength: 32, lowercase: false, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  targetGroup: { maxLength: 32, lowercase: false, pattern: /^[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]$/ },
  iamRole: { maxLength: 64, lowercase: false, pattern: /^[\w+=,.@-]+$/ },
  iamPolicy: { maxLength: 128, lowercase: false, pattern: /^[\w+=,.@-]+$/ },
  rdsIdentifier: { maxLength: 63, lowercase: true, pattern: /^[a-z][a-z0-9-]*[a-z0-9]$/ },
  openSearchDomain: { maxLength: 28, lowercase: true, pattern: /^[a-z][a-z0-9-]*$/ },
  lambdaFunction: { maxLength: 64, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  eksCluster: { maxLength: 100, lowercase: false, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
  eksNodeGroup: { maxLength: 63, lowercase: false, pattern: /^[A-Za-z0-9][A-Za-z0-9_-]*$/ },
  ecsCluster: { maxLength: 255, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  ecsService: { maxLength: 255, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  sqsQueue: { maxLength: 80, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  snsTopic: { maxLength: 256, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  secret: { maxLength: 512, lowercase: false, pattern: /^[A-Za-z0-9/_+=.@-]+$/ },
  logGroup: { maxLength: 512, lowercase: false, pattern: /^[A-Za-z0-9/_.#-]+$/ },
  backupVault: { maxLength: 50, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  backupPlan: { maxLength: 50, lowercase: false, pattern: /^[A-Za-z0-9_.-]+$/ },
  autoScalingGroup: { maxLength: 255, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
  launchTemplate: { maxLength: 128, lowercase: false, pattern: /^[A-Za-z0-9()./_-]+$/ },
  securityGroup: { maxLength: 255, lowercase: false, pattern: /^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]+$/ },
  eventRule: { maxLength: 64, lowercase: false, pattern: /^[A-Za-z0-9._-]+$/ },
  cloudTrail: { maxLength: 128, lowercase: false, pattern: /^[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9]$/ },
  cognitoUserPool: { maxLength: 128, lowercase: false, pattern: /^[\w\s+=,.@-]+$/ },
  generic: { maxLength: 255, lowercase: false, pattern: /^[A-Za-z0-9_-]+$/ },
} as const;

export type NameKind = keyof typeof NAME_RULES;

const HASH_LENGTH = 6;

/**
 * What the AWS provider appends to a name prefix (`namePrefix`, `nodeGroupNamePrefix`): a
 * timestamp and a counter, 26 characters.
 */
export const GENERATED_SUFFIX_LENGTH = 26;

/** A short, stable hex digest of `text`, used to keep shortened names unique. */
export function shortHash(text: string, length: number = HASH_LENGTH): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Shortens `name` to at most `maxLength` characters, deterministically: names that fit are
 * returned unchanged; longer ones keep their head and end in `-` plus a hash of the full name,
 * so two different long names never shorten to the same result.
 */
export function shorten(name: string, maxLength: number): string {
  if (name.length <= maxLength) {
    return name;
  }
  if (maxLength < HASH_LENGTH + 2) {
    throw new Error(
      `cannot shorten "${name}" to ${maxLength} characters: the limit is below ${HASH_LENGTH + 2}`,
    );
  }
  const head = name.slice(0, maxLength - HASH_LENGTH - 1).replace(/[-_.]+$/, "");
  return `${head}-${shortHash(name)}`;
}

/** `InfrastructureName` (seed 001): the root of every physical name. */
export const INFRASTRUCTURE_NAME_PATTERN = /^[a-z][a-z0-9-]{1,22}[a-z0-9]$/;
/** `Environment` (seed 001): production, dr, test, ... */
export const ENVIRONMENT_PATTERN = /^[a-z][a-z0-9]{1,15}$/;
/** `IAMRolePrefix` (seed 001): prepended to every IAM role name. */
export const IAM_ROLE_PREFIX_PATTERN = /^[\w+=,.@-]{0,32}$/;

export function validateInfrastructureName(value: string): void {
  if (!INFRASTRUCTURE_NAME_PATTERN.test(value)) {
    throw new Error(
      `infrastructureName "${value}" is invalid: use 3 to 24 lowercase letters, digits and hyphens, ` +
        "starting with a letter and not ending with a hyphen (it becomes part of bucket and domain names)",
    );
  }
}

export function validateEnvironment(value: string): void {
  if (!ENVIRONMENT_PATTERN.test(value)) {
    throw new Error(
      `environment "${value}" is invalid: use 2 to 16 lowercase letters and digits, starting with a letter`,
    );
  }
}

export function validateIamRolePrefix(value: string): void {
  if (!IAM_ROLE_PREFIX_PATTERN.test(value)) {
    throw new Error(
      `iamRolePrefix "${value}" is invalid: use at most 32 of the characters IAM allows in role names (A-Z a-z 0-9 + = , . @ _ -)`,
    );
  }
}

export interface NamingArgs {
  /** Seed 001 `InfrastructureName`: the customer-specific root of every name. */
  infrastructureName: string;
  /** Seed 001 `Environment`. @default "production" */
  environment?: string;
  /** Seed 001 `IAMRolePrefix`, prepended to IAM role names. @default "" */
  iamRolePrefix?: string;
}

/**
 * Physical names for one deployment: `<infrastructureName>-<environment>-<purpose>`, made to fit
 * each AWS service's length and character rules by {@link shorten}.
 */
export class Naming {
  readonly infrastructureName: string;
  readonly environment: string;
  readonly iamRolePrefix: string;
  /** `<infrastructureName>-<environment>`. */
  readonly base: string;

  constructor(args: NamingArgs) {
    this.infrastructureName = args.infrastructureName;
    this.environment = args.environment ?? "production";
    this.iamRolePrefix = args.iamRolePrefix ?? "";
    validateInfrastructureName(this.infrastructureName);
    validateEnvironment(this.environment);
    validateIamRolePrefix(this.iamRolePrefix);
    this.base = `${this.infrastructureName}-${this.environment}`;
  }

  /** The physical name of a resource of `kind` serving `purpose`, within that kind's limits. */
  name(kind: NameKind, purpose?: string): string {
    const rule = NAME_RULES[kind];
    let full = purpose ? `${this.base}-${purpose}` : this.base;
    if (rule.lowercase) {
      full = full.toLowerCase();
    }
    const result = shorten(full, rule.maxLength);
    if (!rule.pattern.test(result)) {
      throw new Error(`name "${result}" for ${kind} breaks its character rule ${rule.pattern}`);
    }
    return result;
  }

  /**
   * A name prefix (`<base>-<purpose>-`) for a resource the provider names with a unique suffix, so
   * that a replacement never collides with the name of the resource it replaces. Shortened so the
   * prefix and the provider's {@link GENERATED_SUFFIX_LENGTH}-character suffix fit the kind's limit.
   */
  namePrefix(kind: NameKind, purpose: string): string {
    const rule = NAME_RULES[kind];
    let full = `${this.base}-${purpose}`;
    if (rule.lowercase) {
      full = full.toLowerCase();
    }
    const room = rule.maxLength - GENERATED_SUFFIX_LENGTH - 1;
    if (room < HASH_LENGTH + 2) {
      throw new Error(
        `${kind} names allow no prefix of ${full}: their limit of ${rule.maxLength} leaves ${room} characters before the provider's ${GENERATED_SUFFIX_LENGTH}-character suffix`,
      );
    }
    return `${shorten(full, room)}-`;
  }

  /** An IAM role name: `IAMRolePrefix` + `<base>-<purpose>`, shortened to IAM's 64 characters. */
  roleName(purpose: string): string {
    const max = NAME_RULES.iamRole.maxLength - this.iamRolePrefix.length;
    return `${this.iamRolePrefix}${shorten(`${this.base}-${purpose}`, max)}`;
  }

  /** An IAM policy name with the same prefix rule as roles. */
  policyName(purpose: string): string {
    const max = NAME_RULES.iamPolicy.maxLength - this.iamRolePrefix.length;
    return `${this.iamRolePrefix}${shorten(`${this.base}-${purpose}`, max)}`;
  }

  /** A CloudWatch log group name under `/tdp/<base>/`. */
  logGroupName(purpose: string): string {
    return shorten(`/tdp/${this.base}/${purpose}`, NAME_RULES.logGroup.maxLength);
  }

  /** An SSM parameter path in the seed's layout: `/tetrascience/<environment>/<rest>`. */
  ssmPath(...segments: string[]): string {
    return ["", "tetrascience", this.environment, ...segments].join("/");
  }
}
