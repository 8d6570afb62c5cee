import {
  cognitoClientSecretsProtected,
  cognitoDeletionProtection,
  cognitoNoImplicitFlow,
  cognitoNoUnauthenticatedIdentities,
  cognitoThreatProtectionTier,
  cognitoUserPoolHardened,
} from "../../src/services/cognito";
import { res, type PolicyCase } from "../harness";

const pool = (inputs: Record<string, unknown> = {}) =>
  res("aws:cognito/userPool:UserPool", "users", {
    name: "tdp-users",
    mfaConfiguration: "ON",
    softwareTokenMfaConfiguration: { enabled: true },
    passwordPolicy: {
      minimumLength: 14,
      requireLowercase: true,
      requireUppercase: true,
      requireNumbers: true,
      requireSymbols: true,
      temporaryPasswordValidityDays: 3,
    },
    userPoolAddOns: { advancedSecurityMode: "ENFORCED" },
    deletionProtection: "ACTIVE",
    ...inputs,
  });

const client = (inputs: Record<string, unknown> = {}) =>
  res("aws:cognito/userPoolClient:UserPoolClient", "platform", {
    allowedOauthFlows: ["code"],
    allowedOauthFlowsUserPoolClient: true,
    generateSecret: true,
    ...inputs,
  });

const oidcProvider = (details: unknown) =>
  res("aws:cognito/identityProvider:IdentityProvider", "okta", {
    providerType: "OIDC",
    providerName: "AcmeOkta",
    providerDetails: details,
  });

const parameter = (inputs: Record<string, unknown>) =>
  res("aws:ssm/parameter:Parameter", "secret", {
    name: "/tetrascience/production/ECS/ts-service-user-org/SSO_CLIENT_SECRET",
    type: "SecureString",
    value: "[secret]",
    keyId: "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000001",
    ...inputs,
  });

const identityPool = (inputs: Record<string, unknown> = {}) =>
  res("aws:cognito/identityPool:IdentityPool", "identities", {
    identityPoolName: "tdp",
    allowUnauthenticatedIdentities: false,
    ...inputs,
  });

export const cognitoCases: PolicyCase[] = [
  {
    policy: cognitoUserPoolHardened,
    passes: [
      [pool()],
      [pool({ passwordPolicy: { minimumLength: 12 } })],
      [pool({ userPoolTier: "PLUS" })],
      // ESSENTIALS has no threat protection to enforce (cognito-threat-protection-tier reports it).
      [pool({ userPoolTier: "ESSENTIALS", userPoolAddOns: { advancedSecurityMode: "OFF" } })],
    ],
    fails: [
      {
        fixture: [pool({ userPoolTier: "PLUS", userPoolAddOns: { advancedSecurityMode: "AUDIT" } })],
        message: /does not enforce advanced security \(advancedSecurityMode AUDIT\)/,
      },
      {
        fixture: [pool({ passwordPolicy: { minimumLength: 8, requireSymbols: false } })],
        message: /user pool users accepts 8-character passwords \(fewer than 12\)/,
      },
      {
        fixture: [
          pool({ passwordPolicy: { minimumLength: 16, requireSymbols: false, requireNumbers: "false" } }),
        ],
        message: /password policy turns off requireNumbers, requireSymbols/,
      },
      { fixture: [pool({ passwordPolicy: undefined })], message: /accepts 8-character passwords/ },
      {
        fixture: [pool({ mfaConfiguration: "OPTIONAL" })],
        message: /does not require MFA \(mfaConfiguration OPTIONAL\)/,
      },
      {
        fixture: [pool({ userPoolAddOns: undefined })],
        message: /does not enforce advanced security \(advancedSecurityMode OFF\)/,
      },
    ],
  },
  {
    policy: cognitoThreatProtectionTier,
    passes: [[pool({ userPoolTier: "PLUS" })], [pool()]],
    fails: [
      {
        fixture: [pool({ userPoolTier: "ESSENTIALS" })],
        message: /user pool users is on the ESSENTIALS plan, which has no threat protection/,
      },
      { fixture: [pool({ userPoolTier: "LITE" })], message: /on the LITE plan/ },
    ],
  },
  {
    policy: cognitoDeletionProtection,
    passes: [[pool()], [pool({ deletionProtection: "[unknown]" })]],
    fails: [
      {
        fixture: [pool({ deletionProtection: "INACTIVE" })],
        message: /user pool users has no deletion protection \(deletionProtection INACTIVE\)/,
      },
      { fixture: [pool({ deletionProtection: undefined })], message: /\(deletionProtection INACTIVE\)/ },
    ],
  },
  {
    policy: cognitoNoImplicitFlow,
    passes: [
      [client()],
      [client({ allowedOauthFlows: "[unknown]" })],
      [client({ allowedOauthFlows: undefined })],
    ],
    fails: [
      {
        fixture: [client({ allowedOauthFlows: ["code", "implicit"] })],
        message: /app client platform allows the implicit grant/,
      },
    ],
  },
  {
    policy: cognitoClientSecretsProtected,
    passes: [
      [oidcProvider({ client_id: "0oa1", client_secret: "[secret]" })],
      [oidcProvider("[secret]")],
      [
        res("aws:cognito/identityProvider:IdentityProvider", "saml", {
          providerType: "SAML",
          providerDetails: { MetadataURL: "https://idp" },
        }),
      ],
      [parameter({})],
      [
        res("aws:ssm/parameter:Parameter", "domain", {
          name: "/x/SSO_DOMAIN",
          type: "String",
          insecureValue: "https://auth",
        }),
      ],
    ],
    fails: [
      {
        fixture: [oidcProvider({ client_id: "0oa1", client_secret: "plain-text" })],
        message: /identity provider okta's client_secret is plain text, not a Pulumi secret/,
      },
      {
        fixture: [parameter({ type: "String", value: undefined, insecureValue: "[secret]" })],
        message:
          /parameter \/tetrascience\/production\/ECS\/ts-service-user-org\/SSO_CLIENT_SECRET holds a client secret as String, not a SecureString/,
      },
      {
        fixture: [parameter({ keyId: undefined })],
        message: /holds a client secret under the AWS-managed key, not a customer-managed one/,
      },
      { fixture: [parameter({ keyId: "alias/aws/ssm" })], message: /under the AWS-managed key/ },
    ],
  },
  {
    policy: cognitoNoUnauthenticatedIdentities,
    passes: [[identityPool()], [identityPool({ allowUnauthenticatedIdentities: "[unknown]" })]],
    fails: [
      {
        fixture: [identityPool({ allowUnauthenticatedIdentities: true })],
        message: /identity pool identities allows unauthenticated identities/,
      },
      {
        fixture: [identityPool({ allowClassicFlow: true })],
        message: /allows the classic \(basic\) authentication flow/,
      },
    ],
  },
];
