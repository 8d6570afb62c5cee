import type * as pulumi from "@pulumi/pulumi";

/** The identity products whose claim names are known defaults. */
export const IDENTITY_PRODUCTS = ["entra-id", "okta", "google", "custom"] as const;
export type IdentityProduct = (typeof IDENTITY_PRODUCTS)[number];

/** Cognito's user pool attributes the identity provider's claims map to. */
export interface ClaimMappings {
  /** The claim holding the user's group memberships: mapped to `custom:groups` (seed "Federation > Attribute mapping"). */
  groups?: string;
  /** The e-mail address claim: mapped to `email`. */
  email?: string;
  /** The given (first) name claim: mapped to `given_name`. */
  givenName?: string;
  /** The family (last) name claim: mapped to `family_name`. */
  familyName?: string;
}

/**
 * The claim names each product sends by default, per protocol. Okta and Google Workspace SAML apps
 * send the attribute statements their administrator names; the values here are the names their
 * setup guides use. Google's OIDC tokens carry no group claim at all: give `groups` yourself (for
 * example from a SAML app instead).
 */
export const DEFAULT_CLAIMS: Record<IdentityProduct, Record<"SAML" | "OIDC", ClaimMappings>> = {
  "entra-id": {
    SAML: {
      groups: "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
      email: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
      givenName: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
      familyName: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
    },
    OIDC: { groups: "groups", email: "email", givenName: "given_name", familyName: "family_name" },
  },
  okta: {
    SAML: { groups: "groups", email: "email", givenName: "firstName", familyName: "lastName" },
    OIDC: { groups: "groups", email: "email", givenName: "given_name", familyName: "family_name" },
  },
  google: {
    SAML: { groups: "groups", email: "email", givenName: "firstName", familyName: "lastName" },
    OIDC: { email: "email", givenName: "given_name", familyName: "family_name" },
  },
  custom: { SAML: {}, OIDC: {} },
};

/** The Cognito attribute every claim maps to. */
export const MAPPED_ATTRIBUTES: Record<keyof ClaimMappings, string> = {
  groups: "custom:groups",
  email: "email",
  givenName: "given_name",
  familyName: "family_name",
};

/** The custom attribute holding the groups (seed: max length 2048, mutable): SSO_GROUPS_ATTRIBUTE. */
export const GROUPS_ATTRIBUTE = "custom:groups";
export const GROUPS_MAX_LENGTH = 2048;

/** A SAML 2.0 identity provider (Entra ID, Okta, Google Workspace, ADFS, ...). */
export interface SamlProviderArgs {
  protocol: "SAML";
  /** The provider's name in the user pool (1-32 characters, no spaces or underscores at the ends). */
  name: string;
  /** The product whose claim names are the defaults. @default "custom" (every claim given) */
  product?: IdentityProduct;
  /** The IdP's federation metadata URL (https); Cognito refreshes the metadata from it. One of metadataUrl or metadataDocument. */
  metadataUrl?: string;
  /** The IdP's metadata XML, when it has no reachable URL. */
  metadataDocument?: pulumi.Input<string>;
  /** Claim names, over the product's defaults. @default the product's */
  claims?: ClaimMappings;
  /** Sign the SAML requests Cognito sends (rsa-sha256). @default true */
  signRequests?: boolean;
  /** Sign users out of the IdP too when they sign out of the platform. @default false */
  idpSignOut?: boolean;
}

/** An OpenID Connect identity provider. */
export interface OidcProviderArgs {
  protocol: "OIDC";
  /** The provider's name in the user pool (1-32 characters, no spaces or underscores at the ends). */
  name: string;
  /** The product whose claim names are the defaults. @default "custom" (every claim given) */
  product?: IdentityProduct;
  /** The issuer URL (https), e.g. `https://login.microsoftonline.com/<tenant>/v2.0`. */
  issuer: string;
  /** The client id the IdP issued to the user pool. */
  clientId: string;
  /** The client secret the IdP issued (a Pulumi secret). */
  clientSecret: pulumi.Input<string>;
  /** Scopes Cognito asks the IdP for. @default ["openid", "email", "profile"] */
  scopes?: string[];
  /** How Cognito calls the IdP's userinfo endpoint. @default "GET" */
  attributesRequestMethod?: "GET" | "POST";
  /** Claim names, over the product's defaults. @default the product's */
  claims?: ClaimMappings;
}

export type IdentityProviderArgs = SamlProviderArgs | OidcProviderArgs;

/** The hosted domain of the user pool: a Cognito prefix domain or a custom domain. */
export type SsoDomainArgs =
  | {
      /** `<prefix>.auth.<region>.amazoncognito.com`. */
      prefix: string;
    }
  | {
      /** A name of the customer's, e.g. `auth.<publicDomain>`. */
      customDomain: string;
      /**
       * An ACM certificate in us-east-1 covering the name (Cognito serves custom domains through
       * CloudFront). @default one is requested in us-east-1 and validated in `zoneId`
       */
      certificateArn?: pulumi.Input<string>;
      /** The public zone for the certificate's validation records and the domain's alias record. @default none: create the record yourself */
      zoneId?: pulumi.Input<string>;
    };

/** Feature plans (tiers) of a user pool: threat protection needs PLUS. */
export const USER_POOL_TIERS = ["ESSENTIALS", "PLUS"] as const;
export type UserPoolTier = (typeof USER_POOL_TIERS)[number];

export const DEFAULT_ACCESS_TOKEN_MINUTES = 60;
export const DEFAULT_ID_TOKEN_MINUTES = 60;
export const DEFAULT_REFRESH_TOKEN_DAYS = 1;
export const DEFAULT_PASSWORD_LENGTH = 14;

/** The application's paths under the platform's domain (seed: `{domain}/login/sso`, `{domain}/logout`). */
export const LOGIN_PATH = "/login/sso";
export const LOGOUT_PATH = "/logout";

/** The parts of `SingleSignOnArgs` the validation looks at. */
export interface SsoSettings {
  /** Seed PublicDomain: the platform's web domain. */
  publicDomain?: string;
  identityProvider: IdentityProviderArgs;
  domain: SsoDomainArgs;
  /** Extra callback URLs (https, under the public domain). @default [] */
  callbackUrls?: string[];
  /** Extra sign-out URLs (https, under the public domain). @default [] */
  logoutUrls?: string[];
  tier?: UserPoolTier;
  accessTokenValidityMinutes?: number;
  idTokenValidityMinutes?: number;
  refreshTokenValidityDays?: number;
  passwordMinimumLength?: number;
  /** The region of the user pool (a custom domain's certificate is in us-east-1 regardless). */
  region?: string;
  /** Whether a us-east-1 provider was given for the custom domain's certificate. */
  certificateProviderGiven?: boolean;
}

function fail(field: string, value: unknown, rule: string): never {
  const shown =
    typeof value === "string"
      ? JSON.stringify(value)
      : value === undefined
        ? "(missing)"
        : JSON.stringify(value);
  throw new Error(`${field} ${shown}: ${rule}`);
}

const DOMAIN_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const PROVIDER_NAME = /^[^_\s][^\s]{0,30}[^_\s]$|^[^_\s]$/;
const PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** Words Cognito refuses in a prefix domain. */
const RESERVED_PREFIX_WORDS = ["aws", "amazon", "cognito"];

/** The claim mapping in effect: the product's defaults with the given names over them. */
export function effectiveClaims(provider: IdentityProviderArgs): ClaimMappings {
  const defaults = DEFAULT_CLAIMS[provider.product ?? "custom"][provider.protocol];
  const given = Object.fromEntries(
    Object.entries(provider.claims ?? {}).filter(([, value]) => value !== undefined && value !== ""),
  ) as ClaimMappings;
  return { ...defaults, ...given };
}

/** Is `url` an https URL whose host is `domain` or a name under it? */
export function underDomain(url: string, domain: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  const base = domain.toLowerCase();
  return parsed.protocol === "https:" && (host === base || host.endsWith(`.${base}`));
}

/** The identity provider: its name, metadata or issuer, and a mapped groups claim. */
export function validateIdentityProvider(provider: IdentityProviderArgs): void {
  const field = "identityProvider";
  if (!PROVIDER_NAME.test(provider.name) || provider.name.length > 32) {
    fail(
      `${field}.name`,
      provider.name,
      "must be 1 to 32 characters without spaces, not starting or ending with an underscore (Cognito's provider-name rule)",
    );
  }
  if (/^(cognito|google|facebook|loginwithamazon|signinwithapple)$/i.test(provider.name)) {
    fail(
      `${field}.name`,
      provider.name,
      "is a name Cognito reserves for its own providers; choose another, e.g. the customer's company name",
    );
  }
  if (
    provider.product !== undefined &&
    !(IDENTITY_PRODUCTS as readonly string[]).includes(provider.product)
  ) {
    fail(`${field}.product`, provider.product, `must be one of ${IDENTITY_PRODUCTS.join(", ")}`);
  }
  if (provider.protocol === "SAML") {
    const hasUrl = provider.metadataUrl !== undefined && provider.metadataUrl !== "";
    const hasDocument = provider.metadataDocument !== undefined && provider.metadataDocument !== "";
    if (!hasUrl && !hasDocument) {
      fail(
        `${field}.metadataUrl`,
        undefined,
        "a SAML provider needs its metadata: give metadataUrl (the IdP's federation metadata URL) or metadataDocument (the metadata XML)",
      );
    }
    if (hasUrl && hasDocument) {
      fail(`${field}.metadataDocument`, "[given]", "give metadataUrl or metadataDocument, not both");
    }
    if (hasUrl && !/^https:\/\/[^/\s]+/.test(provider.metadataUrl!)) {
      fail(
        `${field}.metadataUrl`,
        provider.metadataUrl,
        "must be an https URL (Cognito fetches the metadata from it)",
      );
    }
  } else if (provider.protocol === "OIDC") {
    let issuer: URL | undefined;
    try {
      issuer = new URL(provider.issuer);
    } catch {
      issuer = undefined;
    }
    if (issuer === undefined || issuer.protocol !== "https:") {
      fail(
        `${field}.issuer`,
        provider.issuer,
        "the OIDC issuer must be an https URL (Cognito reads <issuer>/.well-known/openid-configuration over TLS), e.g. https://login.microsoftonline.com/<tenant>/v2.0",
      );
    }
    if (provider.clientId === undefined || provider.clientId === "") {
      fail(`${field}.clientId`, provider.clientId, "an OIDC provider needs the client id the IdP issued");
    }
    if (provider.clientSecret === undefined || provider.clientSecret === "") {
      fail(
        `${field}.clientSecret`,
        undefined,
        "an OIDC provider needs the client secret the IdP issued, as a Pulumi secret (pulumi config set --secret)",
      );
    }
    const scopes = provider.scopes ?? ["openid", "email", "profile"];
    if (!scopes.includes("openid")) {
      fail(`${field}.scopes`, scopes, 'must include "openid"');
    }
  } else {
    fail(`${field}.protocol`, (provider as { protocol?: unknown }).protocol, 'must be "SAML" or "OIDC"');
  }
  const claims = effectiveClaims(provider);
  if (claims.groups === undefined || claims.groups === "") {
    fail(
      `${field}.claims.groups`,
      undefined,
      `the IdP's group claim must be mapped to ${GROUPS_ATTRIBUTE} (the platform maps org roles to groups from it); ` +
        (provider.product === "google" && provider.protocol === "OIDC"
          ? "Google's OIDC tokens carry no groups: use a Google Workspace SAML app, or name a claim that holds them"
          : "name the claim, or set product to entra-id or okta for their defaults"),
    );
  }
  for (const key of ["email", "givenName", "familyName"] as const) {
    if (claims[key] === undefined || claims[key] === "") {
      fail(
        `${field}.claims.${key}`,
        undefined,
        `must name the IdP's claim mapped to ${MAPPED_ATTRIBUTES[key]} (no default for product ${provider.product ?? "custom"})`,
      );
    }
  }
}

/** The prefix or custom domain. */
export function validateSsoDomain(
  domain: SsoDomainArgs,
  settings: { region?: string; certificateProviderGiven?: boolean; publicDomain?: string } = {},
): void {
  if ("prefix" in domain) {
    if (!PREFIX.test(domain.prefix)) {
      fail(
        "domain.prefix",
        domain.prefix,
        "must be 1 to 63 lowercase letters, digits and hyphens, not starting or ending with a hyphen",
      );
    }
    const reserved = RESERVED_PREFIX_WORDS.find((word) => domain.prefix.includes(word));
    if (reserved !== undefined) {
      fail(
        "domain.prefix",
        domain.prefix,
        `must not contain "${reserved}" (Cognito refuses aws, amazon and cognito in prefix domains)`,
      );
    }
    return;
  }
  const name = domain.customDomain;
  if (!DOMAIN_NAME.test(name ?? "")) {
    fail("domain.customDomain", name, "must be a lowercase DNS name such as auth.tdp.example.com");
  }
  const hasCertificate = domain.certificateArn !== undefined && domain.certificateArn !== "";
  const hasZone = domain.zoneId !== undefined && domain.zoneId !== "";
  if (!hasCertificate && !hasZone) {
    fail(
      "domain.customDomain",
      name,
      "a custom domain needs a certificate in us-east-1: give certificateArn (an ACM certificate in us-east-1 covering the name) or a public zone (zoneId) to request and validate one in",
    );
  }
  if (
    typeof domain.certificateArn === "string" &&
    hasCertificate &&
    !/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\//.test(domain.certificateArn)
  ) {
    fail(
      "domain.certificateArn",
      domain.certificateArn,
      "Cognito serves custom domains through CloudFront, which takes certificates from us-east-1 only: give an ACM certificate ARN of us-east-1",
    );
  }
  if (
    !hasCertificate &&
    settings.region !== undefined &&
    settings.region !== "us-east-1" &&
    settings.certificateProviderGiven === false
  ) {
    fail(
      "domain.customDomain",
      name,
      "the certificate is requested in us-east-1, which needs an AWS provider for us-east-1 (certificateProvider)",
    );
  }
  if (settings.publicDomain !== undefined && name === settings.publicDomain.toLowerCase()) {
    fail(
      "domain.customDomain",
      name,
      "must differ from the platform's own domain (which serves the web UI); use a name under it, e.g. auth.<publicDomain>",
    );
  }
}

function checkRange(field: string, value: number | undefined, min: number, max: number, unit: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
    fail(field, value, `must be a whole number of ${unit} from ${min} to ${max}`);
  }
}

/**
 * Everything `SingleSignOn` checks before it creates anything: the platform's domain, the
 * identity provider, the domain, the callback URLs and the token validities.
 */
export function validateSsoSettings(settings: SsoSettings): void {
  const publicDomain = settings.publicDomain;
  if (publicDomain === undefined || publicDomain === "") {
    fail(
      "publicDomain",
      publicDomain,
      "SSO needs the platform's public domain (seed PublicDomain): the callback is https://<domain>/login/sso and the sign-out URL https://<domain>/logout",
    );
  }
  if (!DOMAIN_NAME.test(publicDomain.toLowerCase())) {
    fail("publicDomain", publicDomain, "must be a DNS name such as tdp.example.com");
  }
  validateIdentityProvider(settings.identityProvider);
  validateSsoDomain(settings.domain, settings);
  for (const [field, urls] of [
    ["callbackUrls", settings.callbackUrls ?? []],
    ["logoutUrls", settings.logoutUrls ?? []],
  ] as const) {
    urls.forEach((url, index) => {
      if (!underDomain(url, publicDomain)) {
        fail(
          `${field}[${index}]`,
          url,
          `must be an https URL on the platform's domain ${publicDomain} or a name under it: Cognito sends the authorization code (and the signed-out user) only there`,
        );
      }
    });
  }
  if (settings.tier !== undefined && !(USER_POOL_TIERS as readonly string[]).includes(settings.tier)) {
    fail("tier", settings.tier, `must be ${USER_POOL_TIERS.join(" or ")} (PLUS adds threat protection)`);
  }
  checkRange("accessTokenValidityMinutes", settings.accessTokenValidityMinutes, 5, 1440, "minutes");
  checkRange("idTokenValidityMinutes", settings.idTokenValidityMinutes, 5, 1440, "minutes");
  checkRange("refreshTokenValidityDays", settings.refreshTokenValidityDays, 1, 3650, "days");
  checkRange(
    "passwordMinimumLength",
    settings.passwordMinimumLength,
    12,
    99,
    "characters (12 or more: the policy pack's minimum)",
  );
}
