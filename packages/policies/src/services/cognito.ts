import { resourcePolicy } from "../define";
import { SECRET, asArray, get, isFalse, isPending, isTrue } from "../props";

/** The shortest password the platform accepts (Cognito's default is 8). */
export const MIN_PASSWORD_LENGTH = 12;

const CHARACTER_CLASSES = ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"];

/** Feature plans without threat protection (advanced security): only PLUS has it. */
export const TIERS_WITHOUT_THREAT_PROTECTION = ["LITE", "ESSENTIALS"];

export const USER_POOL = "aws:cognito/userPool:UserPool";
export const USER_POOL_CLIENT = "aws:cognito/userPoolClient:UserPoolClient";
export const IDENTITY_PROVIDER = "aws:cognito/identityProvider:IdentityProvider";
export const SSM_PARAMETER = "aws:ssm/parameter:Parameter";

export const cognitoUserPoolHardened = resourcePolicy({
  name: "cognito-user-pool-hardened",
  satisfiedBy: ["packages/sso/src/single-sign-on.ts"],
  description: `User pools require strong passwords (${MIN_PASSWORD_LENGTH}+ characters, all four character classes), MFA, and enforce advanced security (threat protection) where the feature plan has it (PLUS, or a pool with no plan named).`,
  module: "cognito",
  controls: { fsbp: ["Cognito.1", "Cognito.3", "Cognito.5"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation: `Set passwordPolicy { minimumLength: ${MIN_PASSWORD_LENGTH} or more, requireLowercase, requireUppercase, requireNumbers, requireSymbols: true }, mfaConfiguration "ON" and, on the PLUS plan, userPoolAddOns.advancedSecurityMode "ENFORCED"`,
  types: [USER_POOL],
  check(resource, report) {
    const props = resource.props;
    const policy = props["passwordPolicy"];
    if (!isPending(policy)) {
      const length = get(policy, "minimumLength");
      // Absent: Cognito's default of 8.
      const value = length === undefined ? 8 : Number(length);
      if (!isPending(length) && value < MIN_PASSWORD_LENGTH)
        report(
          `user pool ${resource.name} accepts ${value}-character passwords (fewer than ${MIN_PASSWORD_LENGTH})`,
        );
      // Cognito requires every class by default; only an explicit false drops one.
      const dropped = CHARACTER_CLASSES.filter((key) => isFalse(get(policy, key)));
      if (dropped.length > 0)
        report(`user pool ${resource.name}'s password policy turns off ${dropped.join(", ")}`);
    }
    const mfa = props["mfaConfiguration"];
    if (!isPending(mfa) && mfa !== "ON")
      report(
        `user pool ${resource.name} does not require MFA (mfaConfiguration ${typeof mfa === "string" ? mfa : "OFF"})`,
      );
    const tier = props["userPoolTier"];
    // LITE and ESSENTIALS have no threat protection to enforce (cognito-threat-protection-tier says so).
    if (isPending(tier) || (typeof tier === "string" && TIERS_WITHOUT_THREAT_PROTECTION.includes(tier)))
      return;
    const mode = get(props, "userPoolAddOns.advancedSecurityMode");
    if (!isPending(mode) && mode !== "ENFORCED")
      report(
        `user pool ${resource.name} does not enforce advanced security (advancedSecurityMode ${typeof mode === "string" ? mode : "OFF"})`,
      );
  },
});

export const cognitoThreatProtectionTier = resourcePolicy({
  name: "cognito-threat-protection-tier",
  satisfiedBy: ["packages/sso/src/single-sign-on.ts"],
  description:
    "User pools are on the PLUS feature plan, the only one with threat protection (adaptive authentication, compromised-credential checks).",
  module: "cognito",
  controls: { fsbp: ["Cognito.1"], checkov: [] },
  enforcementLevel: "advisory",
  remediation:
    'Set userPoolTier "PLUS" and userPoolAddOns.advancedSecurityMode "ENFORCED" (tdp:sso.tier: PLUS), or accept the lower plan knowingly',
  types: [USER_POOL],
  check(resource, report) {
    const tier = resource.props["userPoolTier"];
    if (typeof tier === "string" && TIERS_WITHOUT_THREAT_PROTECTION.includes(tier))
      report(`user pool ${resource.name} is on the ${tier} plan, which has no threat protection`);
  },
});

export const cognitoDeletionProtection = resourcePolicy({
  name: "cognito-user-pool-deletion-protection",
  satisfiedBy: ["packages/sso/src/single-sign-on.ts"],
  description:
    "User pools have deletion protection on: the users, their attributes and the federation live in them.",
  module: "cognito",
  controls: { fsbp: ["Cognito.6"], checkov: [], project: ["TDP.PROTECT.1"] },
  enforcementLevel: "mandatory",
  remediation: 'Set deletionProtection "ACTIVE" (and protect the resource, statefulResourceOptions)',
  types: [USER_POOL],
  check(resource, report) {
    const value = resource.props["deletionProtection"];
    if (!isPending(value) && value !== "ACTIVE")
      report(
        `user pool ${resource.name} has no deletion protection (deletionProtection ${typeof value === "string" ? value : "INACTIVE"})`,
      );
  },
});

export const cognitoNoImplicitFlow = resourcePolicy({
  name: "cognito-no-implicit-flow",
  satisfiedBy: ["packages/sso/src/single-sign-on.ts"],
  description:
    "App clients do not use the OAuth implicit grant (tokens in the browser's URL); the authorization-code flow only.",
  module: "cognito",
  controls: { fsbp: [], checkov: [], project: ["TDP.SSO.1"] },
  enforcementLevel: "mandatory",
  remediation: 'Set allowedOauthFlows ["code"] (the seed\'s callback {domain}/login/sso receives a code)',
  types: [USER_POOL_CLIENT],
  check(resource, report) {
    const flows = resource.props["allowedOauthFlows"];
    if (isPending(flows)) return;
    if (asArray(flows).includes("implicit"))
      report(`app client ${resource.name} allows the implicit grant (allowedOauthFlows implicit)`);
  },
});

/** A parameter that holds a client secret, by its name (`.../SSO_CLIENT_SECRET`, `.../BOX_CLIENT_SECRET`). */
const CLIENT_SECRET_NAME = /CLIENT_?SECRET/i;

export const cognitoClientSecretsProtected = resourcePolicy({
  name: "cognito-client-secrets-protected",
  satisfiedBy: [
    "packages/sso/src/single-sign-on.ts",
    "packages/eks-services/src/ssm/platform-integrations.ts",
  ],
  description:
    "Client secrets are never stored in plain text: an OIDC provider's client_secret comes from a Pulumi secret, and a parameter holding a client secret is a SecureString under a customer-managed key.",
  module: "cognito",
  controls: { fsbp: [], checkov: [], project: ["TDP.SECRETS.1"] },
  enforcementLevel: "mandatory",
  remediation:
    "Give the OIDC client secret as a Pulumi secret (pulumi config set --secret --path 'tdp:sso.identityProvider.clientSecret'); write client secrets to SSM as type SecureString with keyId the data layer's secrets key",
  types: [IDENTITY_PROVIDER, SSM_PARAMETER],
  check(resource, report) {
    const props = resource.props;
    if (resource.type === IDENTITY_PROVIDER) {
      if (props["providerType"] !== "OIDC" || !resource.secretsMarked) return;
      const details = props["providerDetails"];
      if (details === SECRET || isPending(details)) return;
      const secret = get(details, "client_secret");
      if (secret !== undefined && secret !== SECRET && !isPending(secret))
        report(`identity provider ${resource.name}'s client_secret is plain text, not a Pulumi secret`);
      return;
    }
    const name = props["name"];
    if (typeof name !== "string" || !CLIENT_SECRET_NAME.test(name)) return;
    if (props["type"] !== "SecureString")
      report(
        `parameter ${name} holds a client secret as ${String(props["type"] ?? "String")}, not a SecureString`,
      );
    else if (props["keyId"] === undefined || props["keyId"] === "" || props["keyId"] === "alias/aws/ssm")
      report(
        `parameter ${name} holds a client secret under the AWS-managed key, not a customer-managed one (keyId)`,
      );
  },
});

export const cognitoNoUnauthenticatedIdentities = resourcePolicy({
  name: "cognito-no-unauthenticated-identities",
  satisfiedBy: [],
  description: "Identity pools do not hand AWS credentials to unauthenticated (guest) identities.",
  module: "cognito",
  controls: { fsbp: ["Cognito.2"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation: "Set allowUnauthenticatedIdentities false and allowClassicFlow false",
  types: ["aws:cognito/identityPool:IdentityPool"],
  check(resource, report) {
    if (isTrue(resource.props["allowUnauthenticatedIdentities"]))
      report(`identity pool ${resource.name} allows unauthenticated identities`);
    if (isTrue(resource.props["allowClassicFlow"]))
      report(`identity pool ${resource.name} allows the classic (basic) authentication flow`);
  },
});

export const cognitoPolicies = [
  cognitoUserPoolHardened,
  cognitoThreatProtectionTier,
  cognitoDeletionProtection,
  cognitoNoImplicitFlow,
  cognitoClientSecretsProtected,
  cognitoNoUnauthenticatedIdentities,
];
