import { resourcePolicy } from "../define";
import { get, isFalse, isTrue, isPending } from "../props";

/** The shortest password the platform accepts (Cognito's default is 8). */
export const MIN_PASSWORD_LENGTH = 12;

const CHARACTER_CLASSES = ["requireLowercase", "requireUppercase", "requireNumbers", "requireSymbols"];

export const cognitoUserPoolHardened = resourcePolicy({
  name: "cognito-user-pool-hardened",
  satisfiedBy: [],
  description: `User pools require strong passwords (${MIN_PASSWORD_LENGTH}+ characters, all four character classes), MFA, and enforce advanced security (threat protection).`,
  module: "cognito",
  controls: { fsbp: ["Cognito.1", "Cognito.3"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation: `Set passwordPolicy { minimumLength: ${MIN_PASSWORD_LENGTH} or more, requireLowercase, requireUppercase, requireNumbers, requireSymbols: true }, mfaConfiguration "ON" and userPoolAddOns.advancedSecurityMode "ENFORCED"`,
  types: ["aws:cognito/userPool:UserPool"],
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
    const mode = get(props, "userPoolAddOns.advancedSecurityMode");
    if (!isPending(mode) && mode !== "ENFORCED")
      report(
        `user pool ${resource.name} does not enforce advanced security (advancedSecurityMode ${typeof mode === "string" ? mode : "OFF"})`,
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

export const cognitoPolicies = [cognitoUserPoolHardened, cognitoNoUnauthenticatedIdentities];
