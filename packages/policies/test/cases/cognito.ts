import { cognitoNoUnauthenticatedIdentities, cognitoUserPoolHardened } from "../../src/services/cognito";
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
    passes: [[pool()], [pool({ passwordPolicy: { minimumLength: 12 } })]],
    fails: [
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
