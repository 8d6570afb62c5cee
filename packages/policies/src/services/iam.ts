import { resourcePolicy } from "../define";
import {
  asArray,
  get,
  policyStatements,
  principals,
  strings,
  type PolicyStatement,
  type Props,
} from "../props";

/** Resources whose `policy` input is an identity policy document. */
const IDENTITY_POLICY_TYPES = [
  "aws:iam/rolePolicy:RolePolicy",
  "aws:iam/policy:Policy",
  "aws:iam/userPolicy:UserPolicy",
  "aws:iam/groupPolicy:GroupPolicy",
];
export const ROLE = "aws:iam/role:Role";

/** Every identity policy document of a resource, named for the message: `policy`, or a role's inline policies. */
function identityDocuments(resource: { type: string; props: Props }): [string, PolicyStatement[]][] {
  if (resource.type === ROLE) {
    return asArray(resource.props["inlinePolicies"]).flatMap((inline, i) => {
      const statements = policyStatements(get(inline, "policy"));
      const name = get(inline, "name");
      return statements ? [[`inline policy ${typeof name === "string" ? name : `#${i}`}`, statements]] : [];
    });
  }
  const statements = policyStatements(resource.props["policy"]);
  return statements ? [["policy", statements]] : [];
}

function sid(statement: PolicyStatement): string {
  return statement.Sid ?? "(no Sid)";
}

function allowsOn(statement: PolicyStatement, resource: string): boolean {
  return statement.Effect === "Allow" && strings(statement.Resource).includes(resource);
}

export const iamNoAdminStatements = resourcePolicy({
  name: "iam-no-admin-statements",
  satisfiedBy: ["packages/core/src/policy-document.ts", "packages/core/src/iam.ts"],
  description: 'No identity policy allows every action ("*") on every resource ("*").',
  module: "iam",
  controls: { fsbp: ["IAM.1"], checkov: ["CKV_AWS_62", "CKV_AWS_63"] },
  enforcementLevel: "mandatory",
  remediation:
    "Name the actions the service calls and the resources it touches (core's allow(actions, resources))",
  types: [...IDENTITY_POLICY_TYPES, ROLE],
  check(resource, report) {
    for (const [where, statements] of identityDocuments(resource)) {
      for (const statement of statements) {
        const everything = strings(statement.Action).some((a) => a === "*" || a === "*:*");
        const allButSome = statement.NotAction !== undefined;
        if (allowsOn(statement, "*") && (everything || allButSome)) {
          report(
            `${resource.name} ${where} statement ${sid(statement)} allows ${everything ? '"*"' : "everything but NotAction"} on "*"`,
          );
        }
      }
    }
  },
});

/** Does an action pattern (IAM wildcards `*` and `?`, case-insensitive) cover the action? */
export function actionCovers(pattern: string, action: string): boolean {
  const regex = pattern
    .split("")
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${regex}$`, "i").test(action);
}

export const iamNoPassRoleOnAny = resourcePolicy({
  name: "iam-no-passrole-on-any-role",
  satisfiedBy: ["packages/bi-dashboard/src/rotation-events.ts", "packages/core/src/policy-document.ts"],
  description:
    'No identity policy allows iam:PassRole (or iam:*) on every role ("*"): that hands over any role\'s rights.',
  module: "iam",
  controls: { fsbp: [], checkov: ["CKV_AWS_110", "CKV_AWS_286"] },
  enforcementLevel: "mandatory",
  remediation:
    "Allow iam:PassRole only on the ARNs of the roles passed, with an iam:PassedToService condition naming the service",
  types: [...IDENTITY_POLICY_TYPES, ROLE],
  check(resource, report) {
    for (const [where, statements] of identityDocuments(resource)) {
      for (const statement of statements) {
        const passes = strings(statement.Action).filter((a) => actionCovers(a, "iam:PassRole"));
        const roleWildcard = strings(statement.Resource).some(
          (r) => r === "*" || /^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/\*$/.test(r),
        );
        if (statement.Effect === "Allow" && passes.length > 0 && roleWildcard)
          report(
            `${resource.name} ${where} statement ${sid(statement)} allows ${passes.join(", ")} on every role`,
          );
      }
    }
  },
});

export const iamTrustNotPublic = resourcePolicy({
  name: "iam-trust-not-public",
  satisfiedBy: ["packages/core/src/policy-document.ts", "packages/eks-services/src/eks/workload-role.ts"],
  description:
    'No role trusts anyone (Principal "*" or AWS "*") or a federated identity provider without conditions naming who.',
  module: "iam",
  controls: { fsbp: [], checkov: ["CKV_AWS_60", "CKV_AWS_61", "CKV_AWS_358"] },
  enforcementLevel: "mandatory",
  remediation:
    "Name the service or account principal in assumeRolePolicy, and keep web-identity trust to the audience and subject (the service account) with conditions",
  types: [ROLE],
  check(resource, report) {
    for (const statement of policyStatements(resource.props["assumeRolePolicy"]) ?? []) {
      if (statement.Effect !== "Allow") continue;
      const conditioned = Object.keys(statement.Condition ?? {}).length > 0;
      if (conditioned) continue;
      for (const principal of principals(statement)) {
        if (principal.value === "*")
          report(`role ${resource.name} statement ${sid(statement)} lets anyone assume it`);
        else if (principal.kind === "Federated")
          report(
            `role ${resource.name} statement ${sid(statement)} lets every identity of ${principal.value} assume it (no condition)`,
          );
      }
    }
  },
});

/** AWS managed policies that grant (nearly) everything. */
const ADMIN_POLICY = /^arn:aws[a-z-]*:iam::aws:policy\/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$/;

export const iamNoAdministratorAccess = resourcePolicy({
  name: "iam-no-administrator-access",
  satisfiedBy: ["packages/core/src/iam.ts"],
  description:
    "No role, user or group gets the AdministratorAccess (or IAMFullAccess, PowerUserAccess) managed policy.",
  module: "iam",
  controls: { fsbp: ["IAM.1"], checkov: ["CKV_AWS_274"] },
  enforcementLevel: "mandatory",
  remediation:
    "Attach the narrow AWS managed policy the service documents, or an inline policy naming the actions",
  types: [
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    "aws:iam/policyAttachment:PolicyAttachment",
    "aws:iam/userPolicyAttachment:UserPolicyAttachment",
    "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
    ROLE,
  ],
  check(resource, report) {
    const arns = [...strings(resource.props["policyArn"]), ...strings(resource.props["managedPolicyArns"])];
    for (const arn of arns.filter((a) => ADMIN_POLICY.test(a)))
      report(`${resource.name} attaches ${arn.split("/").pop() ?? arn}`);
  },
});

export const iamPolicies = [
  iamNoAdminStatements,
  iamNoPassRoleOnAny,
  iamTrustNotPublic,
  iamNoAdministratorAccess,
];
