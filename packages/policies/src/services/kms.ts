import {
  absent,
  accountRootLike,
  allowsAnyone,
  CALLER_SCOPING_KEYS,
  coversAction,
  knownText,
  numberOf,
  sidOf,
  testsAnyOf,
} from "../conditions";
import { resourcePolicy } from "../define";
import { asArray, get, isTrue, type PolicyStatement, policyStatements, principals, strings } from "../props";

export const KEY_TYPES = ["aws:kms/key:Key"];

/** Actions that read data under a key: a grant of any of them lets the principal decrypt. */
const DECRYPT_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom"];

function grantsDecrypt(statement: PolicyStatement): boolean {
  return DECRYPT_ACTIONS.some((action) => coversAction(statement, action));
}

/** Conditions that keep a decrypt grant to use through an AWS service or by this account only. */
const KEY_USE_SCOPING = [
  "kms:ViaService",
  "kms:CallerAccount",
  "kms:EncryptionContext:*",
  "kms:GrantIsForAWSResource",
];

/** A key that rotates: symmetric encryption keys only (AWS cannot rotate asymmetric or HMAC keys). */
function rotatable(props: Record<string, unknown>): boolean {
  const spec =
    knownText(props["customerMasterKeySpec"]) ?? knownText(props["keySpec"]) ?? "SYMMETRIC_DEFAULT";
  const usage = knownText(props["keyUsage"]) ?? "ENCRYPT_DECRYPT";
  return spec === "SYMMETRIC_DEFAULT" && usage === "ENCRYPT_DECRYPT";
}

export const kmsKeyRotation = resourcePolicy({
  name: "kms-key-rotation",
  satisfiedBy: [
    "packages/data/src/keys.ts",
    "packages/bi-dashboard/src/encryption.ts",
    "packages/network/src/network.ts",
    "packages/organizations/src/organization.ts",
    "packages/organizations/src/catalog.ts",
  ],
  description:
    "Every symmetric encryption key rotates its key material automatically, at least yearly (asymmetric and HMAC keys cannot rotate).",
  module: "kms",
  controls: { fsbp: ["KMS.4"], checkov: ["CKV_AWS_7"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set enableKeyRotation true on the key (and rotationPeriodInDays, when given, to 365 or fewer)",
  types: KEY_TYPES,
  check(resource, report) {
    if (!rotatable(resource.props)) return;
    if (!isTrue(resource.props["enableKeyRotation"])) {
      report(`key ${resource.name} does not rotate its key material`);
      return;
    }
    const period = numberOf(resource.props["rotationPeriodInDays"]);
    if (period !== undefined && period > 365)
      report(`key ${resource.name} rotates every ${period} days, less often than yearly`);
  },
});

export const kmsKeyPolicy = resourcePolicy({
  name: "kms-key-policy",
  satisfiedBy: [
    "packages/data/src/keys.ts",
    "packages/bi-dashboard/src/encryption.ts",
    "packages/network/src/network.ts",
  ],
  description:
    "Every key has its own key policy, none of whose statements lets anyone (Principal *) use the key without a condition naming the caller, and the policy lock-out safety check is kept.",
  module: "kms",
  controls: { fsbp: [], checkov: ["CKV2_AWS_64", "CKV_AWS_33"] },
  enforcementLevel: "mandatory",
  remediation:
    "Give the key an explicit policy (as @tdp/data's DataKey does) granting named principals or services only, keep a Principal * grant to a caller with aws:SourceAccount, aws:SourceArn or kms:CallerAccount, and leave bypassPolicyLockoutSafetyCheck off",
  types: KEY_TYPES,
  check(resource, report) {
    const policy = resource.props["policy"];
    if (absent(policy)) {
      report(`key ${resource.name} has no key policy of its own (AWS's default applies)`);
    }
    for (const statement of policyStatements(policy) ?? []) {
      if (allowsAnyone(statement) && !testsAnyOf(statement, CALLER_SCOPING_KEYS))
        report(
          `key ${resource.name}: statement ${sidOf(statement)} allows ${strings(statement.Action).join(", ")} to anyone`,
        );
    }
    if (isTrue(resource.props["bypassPolicyLockoutSafetyCheck"]))
      report(`key ${resource.name} bypasses the policy lock-out safety check`);
  },
});

export const kmsKeyUseThroughServices = resourcePolicy({
  name: "kms-key-use-through-services",
  satisfiedBy: [
    "packages/data/src/keys.ts",
    "packages/bi-dashboard/src/encryption.ts",
    "packages/dr/src/targets.ts",
  ],
  description:
    "A key policy lets the account's principals decrypt only through the AWS services the key serves (kms:ViaService) or by this account (kms:CallerAccount). AWS's default statement (kms:* to the account root, no condition) delegates to IAM and is reported as advice, since then IAM policies alone decide who decrypts.",
  module: "kms",
  controls: { fsbp: ["KMS.1", "KMS.2"], checkov: [] },
  enforcementLevel: "advisory",
  remediation:
    "Split the account statement into administration (no kms:Decrypt) and use (kms:Decrypt, kms:GenerateDataKey* with kms:ViaService set to the key's services), as @tdp/data's DataKey does",
  types: KEY_TYPES,
  check(resource, report) {
    for (const statement of policyStatements(resource.props["policy"]) ?? []) {
      if (statement.Effect !== "Allow" || !grantsDecrypt(statement)) continue;
      const roots = principals(statement).filter((p) => p.kind === "AWS" && accountRootLike(p.value));
      if (roots.length === 0 || testsAnyOf(statement, KEY_USE_SCOPING)) continue;
      report(
        `key ${resource.name}: statement ${sidOf(statement)} lets every principal of ${roots.map((r) => r.value).join(", ")} that IAM allows decrypt with the key, through any service`,
      );
    }
  },
});

/** Identity policies (the documents attached to roles, users, groups, and managed policies). */
const IDENTITY_POLICY_TYPES = [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
  "aws:iam/role:Role",
];

/** Conditions that keep a decrypt grant on all keys to the keys of one service or one purpose. */
const IDENTITY_SCOPING = [
  "kms:ViaService",
  "kms:ResourceAliases",
  "kms:EncryptionContext:*",
  "aws:ResourceTag/*",
];

function identityDocuments(props: Record<string, unknown>): unknown[] {
  return [props["policy"], ...asArray(props["inlinePolicies"]).map((inline) => get(inline, "policy"))].filter(
    (doc) => doc !== undefined,
  );
}

export const kmsDecryptNotOnAllKeys = resourcePolicy({
  name: "kms-decrypt-not-on-all-keys",
  satisfiedBy: [
    "packages/core/src/policy-document.ts",
    "packages/bi-dashboard/src/instances.ts",
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/eks-services/src/ecs/service-roles.ts",
  ],
  description:
    "No IAM policy allows kms:Decrypt or kms:ReEncryptFrom on every key (Resource *) unless a condition keeps it to one service (kms:ViaService) or to tagged or aliased keys.",
  module: "kms",
  controls: { fsbp: ["KMS.1", "KMS.2"], checkov: ["CKV_AWS_109", "CKV_AWS_111"] },
  enforcementLevel: "mandatory",
  remediation:
    "Name the key ARNs in Resource (the purpose's key from @tdp/data's DataKeys), or add a kms:ViaService condition",
  types: IDENTITY_POLICY_TYPES,
  check(resource, report) {
    for (const document of identityDocuments(resource.props)) {
      for (const statement of policyStatements(document) ?? []) {
        if (statement.Effect !== "Allow" || !grantsDecrypt(statement)) continue;
        const resources = strings(statement.Resource);
        const allKeys = resources.some(
          (r) => r === "*" || /^arn:aws[a-z-]*:kms:[^:]*:[^:]*:(key\/)?\*$/.test(r),
        );
        if (allKeys && !testsAnyOf(statement, IDENTITY_SCOPING))
          report(
            `${resource.name}: statement ${sidOf(statement)} allows ${strings(statement.Action).join(", ")} on every KMS key`,
          );
      }
    }
  },
});

export const kmsPolicies = [kmsKeyRotation, kmsKeyPolicy, kmsKeyUseThroughServices, kmsDecryptNotOnAllKeys];
