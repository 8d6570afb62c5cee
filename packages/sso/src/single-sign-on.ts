import { createHash } from "node:crypto";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming } from "@tdp/core";
import { dnsValidatedCertificate, statefulResourceOptions } from "@tdp/core";

import type { IdentityProviderArgs, SsoDomainArgs, UserPoolTier } from "./validation";
import {
  DEFAULT_ACCESS_TOKEN_MINUTES,
  DEFAULT_ID_TOKEN_MINUTES,
  DEFAULT_PASSWORD_LENGTH,
  DEFAULT_REFRESH_TOKEN_DAYS,
  GROUPS_ATTRIBUTE,
  GROUPS_MAX_LENGTH,
  LOGIN_PATH,
  LOGOUT_PATH,
  MAPPED_ATTRIBUTES,
  effectiveClaims,
  validateSsoSettings,
} from "./validation";

/** The service that reads the SSO parameters (seed: `/tetrascience/{environment}/ECS/ts-service-user-org/`). */
export const SSO_SERVICE = "ts-service-user-org";
/** The services that restart when an SSO value changes (seed: "restart ts-service-user-org and ts-service-web"). */
export const SSO_RESTARTED_SERVICES = [SSO_SERVICE, "ts-service-web"] as const;
/** The environment variable holding the hash of the SSO values in those services' task definitions. */
export const SSO_HASH_VARIABLE = "SSO_CONFIG_HASH";
/** The parameters, as the seed names them. */
export const SSO_PARAMETERS = [
  "SSO_DOMAIN",
  "SSO_CLIENT_ID",
  "SSO_REDIRECT_URI",
  "SSO_GROUPS_ATTRIBUTE",
  "SSO_CLIENT_SECRET",
] as const;
export type SsoParameter = (typeof SSO_PARAMETERS)[number];

/** Sender of the user pool's e-mails (verification codes and invitations of local users). */
export interface SsoEmailArgs {
  /** A verified SES identity of the account (the data layer's sender), its ARN. */
  sourceArn: pulumi.Input<string>;
  /** The "From" address, of that identity. */
  fromAddress: pulumi.Input<string>;
}

export interface SingleSignOnArgs {
  /** Physical names; the parameter path uses its environment. */
  naming: Naming;
  /** The region of the user pool (the stack's). */
  region: string;
  /** Seed PublicDomain: callback `https://<publicDomain>/login/sso`, sign-out `https://<publicDomain>/logout`. */
  publicDomain: string;
  /** The customer's identity provider (SAML or OIDC) and its claim names. */
  identityProvider: IdentityProviderArgs;
  /** The user pool's hosted domain: a Cognito prefix or a custom domain. */
  domain: SsoDomainArgs;
  /** The data layer's secrets key: SSO_CLIENT_SECRET is a SecureString under it. */
  secretsKmsKeyArn: pulumi.Input<string>;
  /**
   * An AWS provider for us-east-1, for a custom domain's certificate (CloudFront takes certificates
   * from us-east-1 only). @default the component's provider (right when the stack is in us-east-1)
   */
  certificateProvider?: aws.Provider;
  /**
   * What the custom domain waits for: Cognito refuses a custom domain whose parent domain has no
   * A record (the web entry point's alias record of the public domain). @default []
   */
  domainDependsOn?: pulumi.Input<pulumi.Resource>[];
  /** The SSM path of the parameters. @default `/tetrascience/<environment>/ECS/ts-service-user-org` */
  parameterPath?: string;
  /** E-mail through a verified SES identity. @default Cognito's own sender (50 e-mails a day; federated users get none) */
  email?: SsoEmailArgs;
  /** Feature plan: PLUS adds threat protection (enforced), ESSENTIALS has none. @default "PLUS" */
  tier?: UserPoolTier;
  /** Extra callback URLs (https, under publicDomain). @default [] */
  callbackUrls?: string[];
  /** Extra sign-out URLs (https, under publicDomain). @default [] */
  logoutUrls?: string[];
  /** @default 60 */
  accessTokenValidityMinutes?: number;
  /** @default 60 */
  idTokenValidityMinutes?: number;
  /** @default 1 */
  refreshTokenValidityDays?: number;
  /** Minimum password length of local users (administrators the pool may hold). @default 14 */
  passwordMinimumLength?: number;
}

/** The SAML service provider's values, or the OIDC redirect URI, that the identity team enters. */
export interface IdentityTeamValues {
  /** SAML: the audience / entity id, `urn:amazon:cognito:sp:<userPoolId>`. */
  samlEntityId?: pulumi.Output<string>;
  /** SAML: the assertion consumer service (reply) URL, `<domain>/saml2/idpresponse`. */
  samlAcsUrl?: pulumi.Output<string>;
  /** OIDC: the redirect URI to register with the IdP's client, `<domain>/oauth2/idpresponse`. */
  oidcRedirectUri?: pulumi.Output<string>;
}

/** A stable, one-way hash of the SSO values: a client secret cannot be read back from it. */
export function ssoValuesHash(values: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify(values)).digest("hex").slice(0, 16);
}

/**
 * Single sign-on for the platform (seed 001 "Single Sign-on (Optional)"): a Cognito user pool with
 * email, given and family name and the mutable `custom:groups` attribute (max 2048), federated
 * with the customer's SAML or OIDC provider whose group claim maps to `custom:groups`; a prefix or
 * custom domain (with a us-east-1 certificate and an alias record); the app client of the seed
 * (generated secret, authorization-code flow only, email/openid/profile, callback
 * `https://<publicDomain>/login/sso`, sign-out `https://<publicDomain>/logout`); and the
 * platform's parameters SSO_DOMAIN, SSO_CLIENT_ID, SSO_REDIRECT_URI, SSO_GROUPS_ATTRIBUTE and
 * SSO_CLIENT_SECRET (a SecureString under the secrets key) in ts-service-user-org's SSM path.
 * `valuesHash` changes whenever one of the values does: put it in the task definitions of the
 * services that read them and they roll to new tasks in the same `pulumi up`.
 */
export class SingleSignOn extends pulumi.ComponentResource {
  readonly userPoolId: pulumi.Output<string>;
  readonly userPoolArn: pulumi.Output<string>;
  readonly clientId: pulumi.Output<string>;
  /** The identity provider's name in the pool (the app client's only provider). */
  readonly identityProviderName: pulumi.Output<string>;
  /** The hosted domain as a URL: `https://<prefix>.auth.<region>.amazoncognito.com` or `https://<customDomain>` (SSO_DOMAIN). */
  readonly domainUrl: pulumi.Output<string>;
  /** Custom domain: the CloudFront name an alias (or CNAME) record of the domain points to. */
  readonly domainTarget?: pulumi.Output<string>;
  /** `https://<publicDomain>/login/sso`: the callback (SSO_REDIRECT_URI) and the users' login URL. */
  readonly loginUrl: string;
  readonly logoutUrl: string;
  /** What the customer's identity team enters on their side. */
  readonly identityTeam: IdentityTeamValues;
  /** The SSM path of the parameters. */
  readonly parameterPath: string;
  /** The parameters' ARNs by name (for ECS `secrets`). */
  readonly parameterArns: Record<SsoParameter, pulumi.Output<string>>;
  /** A hash of every SSO value (the client secret included, one-way): changes when any of them does. */
  readonly valuesHash: pulumi.Output<string>;

  constructor(name: string, args: SingleSignOnArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSsoSettings({
      ...args,
      certificateProviderGiven: args.certificateProvider !== undefined,
    });
    super("tdp:sso:SingleSignOn", name, {}, opts);
    const child = { parent: this };
    const naming = args.naming;
    const idp = args.identityProvider;
    const tier = args.tier ?? "PLUS";

    this.loginUrl = `https://${args.publicDomain}${LOGIN_PATH}`;
    this.logoutUrl = `https://${args.publicDomain}${LOGOUT_PATH}`;

    // ---- User pool (seed "General Settings > Attributes"). Stateful: the federated users, their
    // attributes and any local administrator live here; protected, retained and deletion-protected.
    const stringAttribute = (attribute: string, required: boolean, maxLength: number) => ({
      name: attribute,
      attributeDataType: "String",
      required,
      // Mapped attributes must be mutable: Cognito rewrites them from the IdP at every sign-in.
      mutable: true,
      developerOnlyAttribute: false,
      stringAttributeConstraints: { minLength: "0", maxLength: String(maxLength) },
    });
    const pool = new aws.cognito.UserPool(
      `${name}-user-pool`,
      {
        // The pool name is not unique in AWS, so a rename cannot collide; it replaces the pool,
        // which protect and deletionProtection stop (rename only with a migration).
        name: naming.name("cognitoUserPool", "users"),
        deletionProtection: "ACTIVE",
        userPoolTier: tier,
        // Threat protection (FSBP Cognito.1) where the plan has it; ESSENTIALS has none.
        userPoolAddOns: { advancedSecurityMode: tier === "PLUS" ? "ENFORCED" : "OFF" },
        // Seed: email, given name and family name checked (required), custom "groups" (2048, mutable).
        schemas: [
          stringAttribute("email", true, 2048),
          stringAttribute("given_name", true, 2048),
          stringAttribute("family_name", true, 2048),
          stringAttribute("groups", false, GROUPS_MAX_LENGTH),
        ],
        usernameConfiguration: { caseSensitive: false },
        // Users come from the IdP; nobody signs up, an administrator creates any local user.
        adminCreateUserConfig: { allowAdminCreateUserOnly: true },
        autoVerifiedAttributes: ["email"],
        accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
        passwordPolicy: {
          minimumLength: args.passwordMinimumLength ?? DEFAULT_PASSWORD_LENGTH,
          requireLowercase: true,
          requireUppercase: true,
          requireNumbers: true,
          requireSymbols: true,
          temporaryPasswordValidityDays: 3,
        },
        // MFA for local users (TOTP); federated users are authenticated, with MFA, by their IdP.
        mfaConfiguration: "ON",
        softwareTokenMfaConfiguration: { enabled: true },
        emailConfiguration: args.email
          ? {
              emailSendingAccount: "DEVELOPER",
              sourceArn: args.email.sourceArn,
              fromEmailAddress: args.email.fromAddress,
            }
          : { emailSendingAccount: "COGNITO_DEFAULT" },
      },
      statefulResourceOptions({ ...child }),
    );
    this.userPoolId = pool.id;
    this.userPoolArn = pool.arn;

    // ---- Identity provider (seed "Federation > Attribute mapping").
    const claims = effectiveClaims(idp);
    const attributeMapping: Record<string, string> = {};
    for (const [key, attribute] of Object.entries(MAPPED_ATTRIBUTES) as [
      keyof typeof MAPPED_ATTRIBUTES,
      string,
    ][]) {
      attributeMapping[attribute] = claims[key]!;
    }
    const providerDetails: Record<string, pulumi.Input<string>> = idp.protocol === "SAML"
      ? {
          ...(idp.metadataUrl ? { MetadataURL: idp.metadataUrl } : { MetadataFile: idp.metadataDocument! }),
          IDPSignout: String(idp.idpSignOut ?? false),
          ...(idp.signRequests === false ? {} : { RequestSigningAlgorithm: "rsa-sha256" }),
        }
      : {
          client_id: idp.clientId,
          client_secret: pulumi.secret(idp.clientSecret),
          oidc_issuer: idp.issuer,
          authorize_scopes: (idp.scopes ?? ["openid", "email", "profile"]).join(" "),
          attributes_request_method: idp.attributesRequestMethod ?? "GET",
        };
    if (idp.protocol === "OIDC") {
      attributeMapping["username"] = "sub";
    }
    const provider = new aws.cognito.IdentityProvider(
      `${name}-identity-provider`,
      {
        userPoolId: pool.id,
        providerName: idp.name,
        providerType: idp.protocol,
        providerDetails,
        attributeMapping,
      },
      // The name is unique in the pool and a change of protocol replaces the provider: the old one
      // must go first, or the new one's creation fails on the same name.
      { ...child, deleteBeforeReplace: true },
    );
    this.identityProviderName = provider.providerName;

    // ---- Domain: a prefix, or a custom name with its us-east-1 certificate and alias record.
    const domain = args.domain;
    let domainName: pulumi.Input<string>;
    let certificateArn: pulumi.Input<string> | undefined;
    if ("prefix" in domain) {
      domainName = domain.prefix;
    } else {
      domainName = domain.customDomain;
      certificateArn = domain.certificateArn;
      if (certificateArn === undefined || certificateArn === "") {
        const usEast1 = args.certificateProvider ? { provider: args.certificateProvider } : {};
        certificateArn = dnsValidatedCertificate(
          name,
          {
            domainName: domain.customDomain,
            keyAlgorithm: "RSA_2048",
            zoneId: domain.zoneId!,
            certificateOptions: usEast1,
          },
          child,
        );
      }
    }
    const userPoolDomain = new aws.cognito.UserPoolDomain(
      `${name}-domain`,
      {
        userPoolId: pool.id,
        domain: domainName,
        ...(certificateArn === undefined ? {} : { certificateArn }),
        // Managed login (version 2), styled by the branding below.
        managedLoginVersion: 2,
      },
      // A pool has one domain of a kind, and the name is global: a changed prefix or name replaces
      // the domain, and the new one can only be created once the old one is gone.
      { ...child, deleteBeforeReplace: true, dependsOn: args.domainDependsOn ?? [] },
    );
    this.domainUrl =
      "prefix" in domain
        ? pulumi.interpolate`https://${userPoolDomain.domain}.auth.${args.region}.amazoncognito.com`
        : pulumi.interpolate`https://${userPoolDomain.domain}`;
    if (!("prefix" in domain)) {
      this.domainTarget = userPoolDomain.cloudfrontDistribution;
      if (domain.zoneId !== undefined && domain.zoneId !== "") {
        new aws.route53.Record(
          `${name}-domain-alias`,
          {
            zoneId: domain.zoneId,
            name: domain.customDomain,
            type: "A",
            aliases: [
              {
                name: userPoolDomain.cloudfrontDistribution,
                zoneId: userPoolDomain.cloudfrontDistributionZoneId,
                evaluateTargetHealth: false,
              },
            ],
          },
          child,
        );
      }
    }

    // ---- App client (seed "App clients" and "App client settings").
    const attributes = Object.values(MAPPED_ATTRIBUTES).sort();
    const client = new aws.cognito.UserPoolClient(
      `${name}-client`,
      {
        name: naming.name("generic", "platform"),
        userPoolId: pool.id,
        generateSecret: true,
        allowedOauthFlowsUserPoolClient: true,
        allowedOauthFlows: ["code"],
        allowedOauthScopes: ["email", "openid", "profile"],
        callbackUrls: [this.loginUrl, ...(args.callbackUrls ?? [])],
        defaultRedirectUri: this.loginUrl,
        logoutUrls: [this.logoutUrl, ...(args.logoutUrls ?? [])],
        supportedIdentityProviders: [provider.providerName],
        // The user-password flows stay off: users sign in at their IdP through the hosted domain.
        explicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        readAttributes: attributes,
        // Cognito writes the mapped attributes on the client's behalf at every federated sign-in:
        // without write access to them the sign-in fails.
        writeAttributes: attributes,
        accessTokenValidity: args.accessTokenValidityMinutes ?? DEFAULT_ACCESS_TOKEN_MINUTES,
        idTokenValidity: args.idTokenValidityMinutes ?? DEFAULT_ID_TOKEN_MINUTES,
        refreshTokenValidity: args.refreshTokenValidityDays ?? DEFAULT_REFRESH_TOKEN_DAYS,
        tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
        authSessionValidity: 3,
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
      },
      child,
    );
    this.clientId = client.id;

    // Managed login needs a style per client; Cognito's own look.
    new aws.cognito.ManagedLoginBranding(
      `${name}-branding`,
      { userPoolId: pool.id, clientId: client.id, useCognitoProvidedValues: true },
      { ...child, dependsOn: [userPoolDomain] },
    );

    this.identityTeam =
      idp.protocol === "SAML"
        ? {
            samlEntityId: pulumi.interpolate`urn:amazon:cognito:sp:${pool.id}`,
            samlAcsUrl: pulumi.interpolate`${this.domainUrl}/saml2/idpresponse`,
          }
        : { oidcRedirectUri: pulumi.interpolate`${this.domainUrl}/oauth2/idpresponse` };

    // ---- The platform's parameters (seed "Setting up the platform").
    this.parameterPath = args.parameterPath ?? naming.ssmPath("ECS", SSO_SERVICE);
    const values: Record<SsoParameter, pulumi.Input<string>> = {
      SSO_DOMAIN: this.domainUrl,
      SSO_CLIENT_ID: client.id,
      SSO_REDIRECT_URI: this.loginUrl,
      SSO_GROUPS_ATTRIBUTE: GROUPS_ATTRIBUTE,
      SSO_CLIENT_SECRET: client.clientSecret,
    };
    const arns: Partial<Record<SsoParameter, pulumi.Output<string>>> = {};
    for (const parameterName of SSO_PARAMETERS) {
      const secret = parameterName === "SSO_CLIENT_SECRET";
      const parameter = new aws.ssm.Parameter(
        `${name}-${parameterName.toLowerCase().replace(/_/g, "-")}`,
        {
          name: `${this.parameterPath}/${parameterName}`,
          tier: "Standard",
          description: `Single sign-on: ${parameterName} (seed 001; written by the stack)`,
          ...(secret
            ? {
                type: "SecureString",
                value: pulumi.secret(values[parameterName]),
                keyId: args.secretsKmsKeyArn,
              }
            : // insecureValue: the provider marks `value` secret; these are plain settings and the
              // plan should show them.
              { type: "String", insecureValue: values[parameterName] }),
        },
        child,
      );
      arns[parameterName] = parameter.arn;
    }
    this.parameterArns = arns as Record<SsoParameter, pulumi.Output<string>>;

    // One-way and truncated, so it reveals nothing of the secret; unsecret so the task definitions
    // carrying it stay readable in previews and plans.
    this.valuesHash = pulumi.unsecret(
      pulumi
        .all(SSO_PARAMETERS.map((parameterName) => values[parameterName]))
        .apply((all) => ssoValuesHash(all)),
    );

    this.registerOutputs({
      userPoolId: this.userPoolId,
      userPoolArn: this.userPoolArn,
      clientId: this.clientId,
      identityProviderName: this.identityProviderName,
      domainUrl: this.domainUrl,
      domainTarget: this.domainTarget,
      loginUrl: this.loginUrl,
      logoutUrl: this.logoutUrl,
      identityTeam: this.identityTeam,
      parameterPath: this.parameterPath,
      parameterArns: this.parameterArns,
      valuesHash: this.valuesHash,
    });
  }
}
