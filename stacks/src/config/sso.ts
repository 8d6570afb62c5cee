import { IDENTITY_PRODUCTS, USER_POOL_TIERS } from "@tdp/sso";
import { z } from "zod";

const claims = z
  .strictObject({
    /** The IdP's group-membership claim, mapped to custom:groups (SSO_GROUPS_ATTRIBUTE). */
    groups: z.string().optional(),
    email: z.string().optional(),
    givenName: z.string().optional(),
    familyName: z.string().optional(),
  })
  .optional();

const products = z.enum(IDENTITY_PRODUCTS, { message: `must be one of ${IDENTITY_PRODUCTS.join(", ")}` });

const saml = z.strictObject({
  protocol: z.literal("SAML"),
  /** The provider's name in the user pool (shown nowhere to users; 1-32 characters). */
  name: z.string(),
  /** entra-id, okta, google or custom: the default claim names. */
  product: products.default("custom"),
  /** The IdP's federation metadata URL (https). */
  metadataUrl: z.string().optional(),
  /** Or the metadata XML itself. */
  metadataDocument: z.string().optional(),
  claims,
  signRequests: z.boolean().default(true),
  idpSignOut: z.boolean().default(false),
});

const oidc = z.strictObject({
  protocol: z.literal("OIDC"),
  name: z.string(),
  product: products.default("custom"),
  /** The issuer (https). */
  issuer: z.string(),
  clientId: z.string(),
  /** A Pulumi secret: pulumi config set --secret --path 'tdp:sso.identityProvider.clientSecret'. */
  clientSecret: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  attributesRequestMethod: z.enum(["GET", "POST"]).optional(),
  claims,
});

/**
 * `tdp:sso`: single sign-on with the customer's identity provider (seed 001 "Single Sign-on
 * (Optional)", @tdp/sso). Off by default; when on, a Cognito user pool federated with a SAML or
 * OIDC provider, its domain, the app client and the SSO_* parameters of ts-service-user-org are
 * created, and ts-service-user-org and ts-service-web roll when a value changes.
 */
export const ssoSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** SAML (metadata URL or document) or OIDC (issuer, client id and secret). */
    identityProvider: z
      .discriminatedUnion("protocol", [saml, oidc], {
        message: 'protocol must be "SAML" or "OIDC"',
      })
      .optional(),
    /**
     * The hosted domain: `prefix` (`<prefix>.auth.<region>.amazoncognito.com`), or `customDomain`
     * (e.g. `auth.<publicDomain>`): its certificate is requested in us-east-1 and validated, and
     * its alias record created, in the service layer's public zone, unless `certificateArn` (a
     * us-east-1 certificate) is given.
     */
    domain: z
      .strictObject({
        prefix: z.string().optional(),
        customDomain: z.string().optional(),
        certificateArn: z.string().optional(),
      })
      .optional(),
    /** PLUS (threat protection enforced) or ESSENTIALS (none). */
    tier: z.enum(USER_POOL_TIERS, { message: `must be ${USER_POOL_TIERS.join(" or ")}` }).default("PLUS"),
    /** E-mail of local users through the data layer's SES sender (verified) instead of Cognito's. */
    emailThroughSes: z.boolean().default(false),
    /** Extra callback and sign-out URLs, https and under tdp:services.web.publicDomain. */
    callbackUrls: z.array(z.string()).default([]),
    logoutUrls: z.array(z.string()).default([]),
    accessTokenValidityMinutes: z.number().optional(),
    idTokenValidityMinutes: z.number().optional(),
    refreshTokenValidityDays: z.number().optional(),
    passwordMinimumLength: z.number().optional(),
  })
  .superRefine((section, ctx) => {
    if (!section.enabled) {
      return;
    }
    if (section.identityProvider === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["identityProvider"],
        message:
          "required when SSO is enabled: protocol SAML (metadataUrl or metadataDocument) or OIDC (issuer, clientId, clientSecret)",
      });
    }
    const domain = section.domain ?? {};
    const kinds = [domain.prefix, domain.customDomain].filter((v) => v !== undefined).length;
    if (kinds !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["domain"],
        message:
          "give exactly one of domain.prefix (a Cognito prefix domain) or domain.customDomain (e.g. auth.<publicDomain>)",
      });
    }
    if (domain.prefix !== undefined && domain.certificateArn !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["domain", "certificateArn"],
        message: "only a customDomain takes a certificate; a prefix domain uses Cognito's",
      });
    }
  });

export type SsoConfig = z.output<typeof ssoSchema>;
