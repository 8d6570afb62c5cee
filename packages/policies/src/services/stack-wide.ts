// The table alone: the package root would load the AWS provider SDK (about 2 s of start-up).
import { ELB_ACCOUNT_BY_REGION } from "@tdp/core/elb-accounts";

import { ofTypes } from "../companions";
import { stackPolicy, type StackResource } from "../define";
import {
  accountOf,
  asRecord,
  get,
  isPending,
  isTrue,
  isUnknown,
  type PolicyStatement,
  policyStatements,
  principals,
  SECRET,
  strings,
} from "../props";

export const ROLE_TYPES = ["aws:iam/role:Role"];

export const noIamUsers = stackPolicy({
  name: "no-iam-users",
  satisfiedBy: ["packages/eks-services/src/ecs/iam-users.ts"],
  description:
    'No IAM user, access key or login profile unless a setting asks for one (seed 000: "We do NOT create any IAM users").',
  module: "stack-wide",
  controls: { fsbp: ["IAM.2"], checkov: ["CKV_AWS_273"], project: ["TDP.IAM.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Use roles (IRSA, task roles, instance profiles); set allowIamUsers in the policy config only when a setting asks for users",
  check(resources, report, config) {
    if (config.allowIamUsers) return;
    const userTypes = [
      "aws:iam/user:User",
      "aws:iam/accessKey:AccessKey",
      "aws:iam/userLoginProfile:UserLoginProfile",
      "aws:iam/userPolicy:UserPolicy",
      "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    ];
    for (const user of ofTypes(resources, userTypes))
      report(`${user.type.split(":").pop()} ${user.name} is an IAM user credential`, user.urn);
  },
});

export const rolesBoundedAndPrefixed = stackPolicy({
  name: "iam-roles-bounded-and-prefixed",
  satisfiedBy: ["packages/core/src/iam.ts", "stacks/src/program.ts"],
  description:
    "Every IAM role carries the configured permissions boundary (IAMBoundaryPolicy) and name prefix (IAMRolePrefix).",
  module: "stack-wide",
  controls: { fsbp: [], checkov: [], project: ["TDP.IAM.2"] },
  enforcementLevel: "mandatory",
  remediation:
    "Create roles through @tdp/core's ServiceRole (or the stack's IAM transformation), which applies the prefix and boundary",
  check(resources, report, config) {
    for (const role of ofTypes(resources, ROLE_TYPES)) {
      const boundary = role.props["permissionsBoundary"];
      if (
        config.permissionsBoundaryArn &&
        !isUnknown(boundary) &&
        boundary !== config.permissionsBoundaryArn
      ) {
        report(
          `role ${role.name} has boundary ${String(boundary ?? "(none)")}, not ${config.permissionsBoundaryArn}`,
          role.urn,
        );
      } else if (config.permissionsBoundaryArn && boundary === undefined) {
        report(`role ${role.name} has no permissions boundary`, role.urn);
      }
      const name = role.props["name"] ?? role.props["namePrefix"];
      if (!config.iamRolePrefix || isPending(name)) continue;
      if (typeof name !== "string" || name === "") {
        // Auto-named: Pulumi names it after the resource plus a random suffix, without the prefix.
        report(
          `role ${role.name} has neither name nor namePrefix, so it is auto-named without the prefix ${config.iamRolePrefix}`,
          role.urn,
        );
      } else if (!name.startsWith(config.iamRolePrefix)) {
        report(`role ${role.name} is named ${name}, without the prefix ${config.iamRolePrefix}`, role.urn);
      }
    }
  },
});

/** Accounts the stack's AWS providers are limited to (allowedAccountIds), a fallback for the config. */
function providerAccounts(resources: StackResource[]): string[] {
  return ofTypes(resources, ["pulumi:providers:aws"]).flatMap((p) => {
    const value = p.props["allowedAccountIds"];
    const list: unknown = typeof value === "string" ? safeJson(value) : value;
    return Array.isArray(list) ? list.filter((a): a is string => typeof a === "string") : [];
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** AWS's own accounts that a policy may name: the Elastic Load Balancing log writers. */
const AWS_SERVICE_ACCOUNTS = new Set(Object.values(ELB_ACCOUNT_BY_REGION));

/** Every policy document among a resource's inputs (any JSON text or object with a Statement). */
function documentsOf(props: Record<string, unknown>): [string, unknown][] {
  return Object.entries(props).filter(([, value]) => (policyStatements(value) ?? []).length > 0);
}

/** Condition keys that name the account a grant to anyone (Principal "*") or to a service is for. */
const ACCOUNT_CONDITION_KEYS = ["aws:principalaccount", "aws:sourceaccount", "aws:sourceowner"];
/** Condition keys whose ARNs name the account a grant is for. */
const ARN_CONDITION_KEYS = ["aws:principalarn", "aws:sourcearn"];

/**
 * The accounts an Allow statement's conditions let in: aws:PrincipalAccount, aws:SourceAccount,
 * aws:SourceOwner values and the accounts of aws:PrincipalArn / aws:SourceArn values, under any
 * operator but the negated ones (StringNotEquals names who is kept out).
 */
function conditionAccounts(statement: PolicyStatement): { key: string; account: string }[] {
  const found: { key: string; account: string }[] = [];
  for (const [operator, clause] of Object.entries(statement.Condition ?? {})) {
    if (/Not/.test(operator)) continue;
    for (const [key, value] of Object.entries(asRecord(clause) ?? {})) {
      const lower = key.toLowerCase();
      for (const text of strings(value)) {
        const account = ACCOUNT_CONDITION_KEYS.includes(lower)
          ? /^\d{12}$/.test(text)
            ? text
            : undefined
          : ARN_CONDITION_KEYS.includes(lower)
            ? accountOf(text)
            : undefined;
        if (account) found.push({ key, account });
      }
    }
  }
  return found;
}

/** Resource inputs (not policy documents) that name a principal: [type, input names]. */
const PRINCIPAL_INPUTS: Record<string, string[]> = {
  "aws:lambda/permission:Permission": ["principal", "sourceAccount"],
  "aws:kms/grant:Grant": ["granteePrincipal", "retiringPrincipal"],
  "aws:ram/principalAssociation:PrincipalAssociation": ["principal"],
};

export const noForeignAccounts = stackPolicy({
  name: "no-foreign-account-principals",
  satisfiedBy: ["packages/data/src/keys.ts", "packages/core/src/tags.ts"],
  description:
    'No policy, Lambda permission, KMS grant or RAM share names a principal outside this account and the configured DR account (Principal AWS, and Principal "*" or service statements whose aws:PrincipalAccount, aws:SourceAccount, aws:SourceOwner or ARN conditions name an account).',
  module: "stack-wide",
  controls: {
    fsbp: ["S3.6", "KMS.1"],
    checkov: ["CKV_AWS_109", "CKV_AWS_111"],
    project: ["TDP.XACCOUNT.1"],
  },
  enforcementLevel: "mandatory",
  remediation:
    "Grant only to this account's principals, or add the DR account to the stack's configuration (tdp:platform.drStack)",
  check(resources, report, config) {
    const allowed = new Set([...(config.allowedAccountIds ?? []), ...providerAccounts(resources)]);
    if (allowed.size === 0) return;
    const foreign = (account: string | undefined): account is string =>
      account !== undefined && !allowed.has(account) && !AWS_SERVICE_ACCOUNTS.has(account);
    for (const resource of resources) {
      for (const [key, document] of documentsOf(resource.props)) {
        for (const statement of policyStatements(document) ?? []) {
          if (statement.Effect === "Deny") continue;
          for (const principal of principals(statement)) {
            if (principal.kind !== "AWS") continue;
            const account = accountOf(principal.value);
            if (foreign(account)) {
              report(
                `${resource.name}.${key} grants to account ${account} (${principal.value})`,
                resource.urn,
              );
            }
          }
          for (const { key: condition, account } of conditionAccounts(statement)) {
            if (foreign(account))
              report(
                `${resource.name}.${key} statement ${statement.Sid ?? "(no Sid)"} lets in account ${account} (${condition})`,
                resource.urn,
              );
          }
        }
      }
      for (const input of PRINCIPAL_INPUTS[resource.type] ?? []) {
        const value = resource.props[input];
        if (typeof value !== "string" || isUnknown(value)) continue;
        const account = accountOf(value);
        if (foreign(account))
          report(`${resource.name}.${input} names account ${account} (${value})`, resource.urn);
      }
    }
  },
});

export const LOG_GROUP_TYPES = ["aws:cloudwatch/logGroup:LogGroup"];

export const logRetention = stackPolicy({
  name: "log-group-retention",
  satisfiedBy: ["packages/data/src/log-group.ts"],
  description: "Every log group has a retention (seed LogRetentionDays, 90 by default).",
  module: "stack-wide",
  // Not CloudWatch.16 nor CKV_AWS_338: both require a year (365 days) or more, and the seed's
  // LogRetentionDays (90 by default) is the customer's choice. CKV_AWS_66 asks for any retention.
  controls: { fsbp: [], checkov: ["CKV_AWS_66"], project: ["TDP.LOGS.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set retentionInDays on the log group (@tdp/data's log group helper takes the platform's logRetentionDays)",
  check(resources, report) {
    for (const group of ofTypes(resources, LOG_GROUP_TYPES)) {
      const days = group.props["retentionInDays"];
      // A retention a preview does not know yet (computed from another resource) is one to come.
      if (isPending(days)) continue;
      if (days === undefined || days === null || days === 0 || days === "0")
        report(`log group ${group.name} keeps its events forever`, group.urn);
    }
  },
});

/** Stateful resource types and, where the service has one, its own deletion guard. */
export const STATEFUL: Record<
  string,
  { guard?: (props: Record<string, unknown>) => boolean; guardName?: string }
> = {
  "aws:s3/bucket:Bucket": { guard: (p) => !isTrue(p["forceDestroy"]), guardName: "forceDestroy off" },
  "aws:s3/bucketV2:BucketV2": { guard: (p) => !isTrue(p["forceDestroy"]), guardName: "forceDestroy off" },
  "aws:rds/instance:Instance": {
    guard: (p) => isTrue(p["deletionProtection"]) && !isTrue(p["skipFinalSnapshot"]),
    guardName: "deletionProtection on and a final snapshot",
  },
  "aws:rds/cluster:Cluster": {
    guard: (p) => isTrue(p["deletionProtection"]) && !isTrue(p["skipFinalSnapshot"]),
    guardName: "deletionProtection on and a final snapshot",
  },
  "aws:opensearch/domain:Domain": {},
  "aws:efs/fileSystem:FileSystem": {},
  "aws:kms/key:Key": {
    guard: (p) => p["deletionWindowInDays"] === undefined || Number(p["deletionWindowInDays"]) >= 30,
    guardName: "a 30-day deletion window",
  },
  "aws:backup/vault:Vault": { guard: (p) => !isTrue(p["forceDestroy"]), guardName: "forceDestroy off" },
  "aws:dynamodb/table:Table": {
    guard: (p) => isTrue(p["deletionProtectionEnabled"]),
    guardName: "deletionProtectionEnabled on",
  },
  "aws:lb/loadBalancer:LoadBalancer": {},
  "aws:cognito/userPool:UserPool": {
    guard: (p) => p["deletionProtection"] === "ACTIVE" || isPending(p["deletionProtection"]),
    guardName: "deletionProtection ACTIVE",
  },
};

export const statefulProtected = stackPolicy({
  name: "stateful-resources-protected",
  satisfiedBy: ["packages/core/src/protection.ts"],
  description:
    "Every stateful resource (bucket, database, domain, file system, key, backup vault, user pool) is protected from deletion (protect or retainOnDelete), with the service's own guard where it has one.",
  module: "stack-wide",
  controls: { fsbp: ["RDS.8", "KMS.3"], checkov: ["CKV_AWS_293"], project: ["TDP.PROTECT.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Register it with @tdp/core's statefulResourceOptions (protect and retainOnDelete) and turn the service's deletion guard on",
  check(resources, report) {
    for (const resource of resources) {
      const rule = STATEFUL[resource.type];
      if (!rule || resource.type === "aws:lb/loadBalancer:LoadBalancer") continue;
      if (!resource.protect && !resource.retainOnDelete)
        report(
          `${resource.type.split(":").pop()} ${resource.name} is not protected from deletion (neither protect nor retainOnDelete)`,
          resource.urn,
        );
      if (rule.guard && !rule.guard(resource.props)) {
        report(
          `${resource.type.split(":").pop()} ${resource.name} lacks ${rule.guardName ?? "its deletion guard"}`,
          resource.urn,
        );
      }
    }
  },
});

/** Names that hold secrets, and values that are secrets whatever their name. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_?KEY|API_?KEY|LICEN[CS]E|CREDENTIAL)/i;
/** Short secret words that only count as a whole word of the name (DB_PASS, PWD, dbPass; not BYPASS). */
const SECRET_WORD = /^(PASS|PWD|PW|PASSPHRASE|APIKEY|PRIVATEKEY|CLIENTSECRET|AUTHKEY|SECRETKEY)$/i;

/** The words of a name: split on _ - . / and camelCase (`dbPass`, `DB_PASS`, `db-pass`). */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "");
}

/** Does a variable, parameter or input name say it holds a secret? */
export function secretLookingName(name: string): boolean {
  return SECRET_NAME.test(name) || nameWords(name).some((word) => SECRET_WORD.test(word));
}
const SECRET_VALUE = [/AKIA[0-9A-Z]{16}/, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, /xox[bap]-[0-9A-Za-z-]{10,}/];
/** Values that point at a secret rather than hold one. */
const REFERENCE = /^(\[secret\]|\[unknown\]|arn:|resolve:|\{\{resolve:|\$\(|\$\{|ssm:|secretsmanager:|\/)/;

function plaintext(name: string, value: unknown): boolean {
  if (typeof value !== "string" || value === "" || REFERENCE.test(value)) return false;
  return secretLookingName(name) || SECRET_VALUE.some((pattern) => pattern.test(value));
}

function decodeUserData(value: unknown): string | undefined {
  if (typeof value !== "string" || isUnknown(value) || value === "[secret]") return undefined;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  // Base64 of text round-trips; plain text (user data given unencoded) does not.
  return Buffer.from(decoded, "utf8").toString("base64").replace(/=+$/, "") === value.replace(/=+$/, "")
    ? decoded
    : value;
}

/** Shell assignments (`NAME=value`, `export NAME="value"`) in a script. */
function assignments(script: string): [string, string][] {
  const found: [string, string][] = [];
  for (const match of script.matchAll(
    /(?:^|[\s;])(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|[^\s;]*)/g,
  )) {
    found.push([match[1] ?? "", match[3] ?? match[4] ?? match[2] ?? ""]);
  }
  return found;
}

/**
 * Inputs that are secrets whatever their value: a value there must come from a Pulumi secret (the
 * plan writes "[secret]"), a generated password, or be left to the service (manageMasterUserPassword).
 * `a.*.b` walks every element of a list.
 */
const SECRET_INPUTS: Record<string, string[]> = {
  "aws:rds/instance:Instance": ["password"],
  "aws:rds/cluster:Cluster": ["masterPassword"],
  "aws:docdb/cluster:Cluster": ["masterPassword"],
  "aws:redshift/cluster:Cluster": ["masterPassword"],
  "aws:opensearch/domain:Domain": ["advancedSecurityOptions.masterUserOptions.masterUserPassword"],
  "aws:elasticsearch/domain:Domain": ["advancedSecurityOptions.masterUserOptions.masterUserPassword"],
  "aws:secretsmanager/secretVersion:SecretVersion": ["secretString", "secretBinary"],
  "aws:elasticache/replicationGroup:ReplicationGroup": ["authToken"],
  "aws:elasticache/user:User": ["passwords.*"],
  "aws:mq/broker:Broker": ["users.*.password"],
};

/** The values at a dotted path whose `*` steps walk lists. */
function valuesAt(props: unknown, path: string): unknown[] {
  const [head, ...rest] = path.split(".*");
  const base = get(props, head ?? "");
  if (rest.length === 0) return [base];
  const tail = rest.join(".*").replace(/^\./, "");
  return (Array.isArray(base) ? base : []).flatMap((item) => (tail === "" ? [item] : valuesAt(item, tail)));
}

function environmentFindings(resource: StackResource): string[] {
  const findings: string[] = [];
  const check = (where: string, name: string, value: unknown) => {
    if (plaintext(name, value)) findings.push(`${where} ${name} holds a plaintext secret`);
  };
  const lambdaVariables = asRecord(asRecord(resource.props["environment"])?.["variables"]) ?? {};
  for (const [name, value] of Object.entries(lambdaVariables)) check("environment variable", name, value);
  const containers = resource.props["containerDefinitions"];
  const definitions: unknown = typeof containers === "string" ? safeJson(containers) : containers;
  for (const container of Array.isArray(definitions) ? definitions : []) {
    for (const variable of Array.isArray(asRecord(container)?.["environment"])
      ? (asRecord(container)?.["environment"] as unknown[])
      : []) {
      const entry = asRecord(variable) ?? {};
      check("container environment", String(entry["name"] ?? ""), entry["value"]);
    }
  }
  const script = decodeUserData(resource.props["userData"]);
  if (script !== undefined) {
    for (const [name, value] of assignments(script)) check("user data", name, value);
    if (SECRET_VALUE.some((pattern) => pattern.test(script))) findings.push("user data holds a credential");
  }
  if (resource.secretsMarked) {
    for (const path of SECRET_INPUTS[resource.type] ?? []) {
      for (const value of valuesAt(resource.props, path)) {
        if (value !== undefined && value !== null && value !== "" && value !== SECRET && !isUnknown(value))
          findings.push(`${path} is set in plain text (not a Pulumi secret)`);
      }
    }
  }
  if (resource.type === "aws:ssm/parameter:Parameter" && resource.props["type"] !== "SecureString") {
    check(
      "String parameter",
      String(resource.props["name"] ?? resource.name),
      resource.props["value"] ?? resource.props["insecureValue"],
    );
  }
  return findings;
}

export const noPlaintextSecrets = stackPolicy({
  name: "no-plaintext-secrets",
  satisfiedBy: [
    "packages/bi-dashboard/src/user-data.ts",
    "packages/eks-services/src/ssm/platform-integrations.ts",
  ],
  description:
    "No secret in plain text in any input: user data, environment variables, task definitions, String parameters, and the password and secret inputs of databases, search domains, caches, brokers and secret versions (which must come from Pulumi secrets).",
  module: "stack-wide",
  controls: {
    fsbp: ["ECS.8", "CodeBuild.2"],
    checkov: ["CKV_AWS_45", "CKV_AWS_46", "CKV_AWS_173"],
    project: ["TDP.SECRETS.1"],
  },
  enforcementLevel: "mandatory",
  remediation:
    "Keep the secret in Secrets Manager or a SecureString parameter (from a Pulumi secret) and read it at run time; give password inputs a Pulumi secret (pulumi config set --secret, random.RandomPassword) or let the service manage it (manageMasterUserPassword)",
  check(resources, report) {
    for (const resource of resources) {
      if (resource.type.startsWith("pulumi:")) continue;
      for (const finding of environmentFindings(resource))
        report(`${resource.name}: ${finding}`, resource.urn);
    }
  },
});

export const stackWidePolicies = [
  noIamUsers,
  rolesBoundedAndPrefixed,
  noForeignAccounts,
  logRetention,
  statefulProtected,
  noPlaintextSecrets,
];
