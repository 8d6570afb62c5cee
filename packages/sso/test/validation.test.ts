import { strict as assert } from "node:assert";

import type { SsoSettings } from "../src";
import { DEFAULT_CLAIMS, effectiveClaims, underDomain, validateSsoSettings } from "../src";

const saml: SsoSettings["identityProvider"] = {
  protocol: "SAML",
  name: "AcmeEntra",
  product: "entra-id",
  metadataUrl: "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
};

const settings = (over: Partial<SsoSettings> = {}): SsoSettings => ({
  publicDomain: "tdp.acme.example.com",
  identityProvider: saml,
  domain: { prefix: "acme-tdp-production" },
  region: "us-east-1",
  certificateProviderGiven: false,
  ...over,
});

const oidc = (over: Record<string, unknown> = {}): SsoSettings["identityProvider"] =>
  ({
    protocol: "OIDC",
    name: "AcmeOkta",
    product: "okta",
    issuer: "https://acme.okta.com",
    clientId: "0oa1example",
    clientSecret: "s3cr3t",
    ...over,
  }) as SsoSettings["identityProvider"];

describe("SSO settings validation", () => {
  it("accepts a SAML provider with Entra ID defaults and a prefix domain", () => {
    validateSsoSettings(settings());
  });

  it("accepts an OIDC provider and a custom domain with a zone", () => {
    validateSsoSettings(
      settings({
        identityProvider: oidc(),
        domain: { customDomain: "auth.tdp.acme.example.com", zoneId: "Z0123" },
      }),
    );
  });

  it("refuses SSO without a public domain", () => {
    assert.throws(
      () => validateSsoSettings(settings({ publicDomain: undefined })),
      /^Error: publicDomain \(missing\): SSO needs the platform's public domain/,
    );
  });

  it("refuses a public domain that is not a DNS name", () => {
    assert.throws(
      () => validateSsoSettings(settings({ publicDomain: "not a domain" })),
      /publicDomain "not a domain": must be a DNS name/,
    );
  });

  it("refuses a SAML provider with neither metadata URL nor document", () => {
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: { ...saml, metadataUrl: undefined } })),
      /identityProvider.metadataUrl \(missing\): a SAML provider needs its metadata: give metadataUrl .* or metadataDocument/,
    );
  });

  it("refuses both metadata URL and document, and a metadata URL that is not https", () => {
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: { ...saml, metadataDocument: "<xml/>" } })),
      /metadataDocument "\[given\]": give metadataUrl or metadataDocument, not both/,
    );
    assert.throws(
      () =>
        validateSsoSettings(settings({ identityProvider: { ...saml, metadataUrl: "http://idp/metadata" } })),
      /metadataUrl "http:\/\/idp\/metadata": must be an https URL/,
    );
  });

  it("accepts a SAML metadata document instead of a URL", () => {
    validateSsoSettings(
      settings({ identityProvider: { ...saml, metadataUrl: undefined, metadataDocument: "<xml/>" } }),
    );
  });

  it("refuses an OIDC issuer that is not https", () => {
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: oidc({ issuer: "http://acme.okta.com" }) })),
      /identityProvider.issuer "http:\/\/acme.okta.com": the OIDC issuer must be an https URL/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: oidc({ issuer: "acme.okta.com" }) })),
      /the OIDC issuer must be an https URL/,
    );
  });

  it("refuses an OIDC provider without client id, client secret or the openid scope", () => {
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: oidc({ clientId: "" }) })),
      /identityProvider.clientId "": an OIDC provider needs the client id/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: oidc({ clientSecret: undefined }) })),
      /identityProvider.clientSecret \(missing\): .* as a Pulumi secret/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: oidc({ scopes: ["email"] }) })),
      /identityProvider.scopes \["email"\]: must include "openid"/,
    );
  });

  it("refuses a protocol other than SAML or OIDC, and an unknown product", () => {
    assert.throws(
      () =>
        validateSsoSettings(
          settings({
            identityProvider: { ...saml, protocol: "LDAP" } as unknown as SsoSettings["identityProvider"],
          }),
        ),
      /identityProvider.protocol "LDAP": must be "SAML" or "OIDC"/,
    );
    assert.throws(
      () =>
        validateSsoSettings(
          settings({
            identityProvider: { ...saml, product: "ping" } as unknown as SsoSettings["identityProvider"],
          }),
        ),
      /identityProvider.product "ping": must be one of entra-id, okta, google, custom/,
    );
  });

  it("refuses a groups claim left unmapped", () => {
    assert.throws(
      () =>
        validateSsoSettings(
          settings({
            identityProvider: {
              ...saml,
              product: "custom",
              claims: { email: "e", givenName: "g", familyName: "f" },
            },
          }),
        ),
      /identityProvider.claims.groups \(missing\): the IdP's group claim must be mapped to custom:groups/,
    );
    assert.throws(
      () =>
        validateSsoSettings(
          settings({ identityProvider: oidc({ product: "google", issuer: "https://accounts.google.com" }) }),
        ),
      /Google's OIDC tokens carry no groups/,
    );
  });

  it("refuses a custom product without the name claims", () => {
    assert.throws(
      () =>
        validateSsoSettings(
          settings({ identityProvider: { ...saml, product: "custom", claims: { groups: "memberOf" } } }),
        ),
      /identityProvider.claims.email \(missing\): must name the IdP's claim mapped to email/,
    );
  });

  it("refuses provider names Cognito does not accept", () => {
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: { ...saml, name: "Acme Entra" } })),
      /identityProvider.name "Acme Entra": must be 1 to 32 characters without spaces/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: { ...saml, name: "x".repeat(33) } })),
      /must be 1 to 32 characters/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ identityProvider: { ...saml, name: "Google" } })),
      /is a name Cognito reserves/,
    );
  });

  it("refuses a custom domain without a zone or certificate", () => {
    assert.throws(
      () => validateSsoSettings(settings({ domain: { customDomain: "auth.tdp.acme.example.com" } })),
      /domain.customDomain "auth.tdp.acme.example.com": a custom domain needs a certificate in us-east-1: give certificateArn .* or a public zone \(zoneId\)/,
    );
  });

  it("accepts a custom domain with a us-east-1 certificate and no zone, and refuses one of another region", () => {
    validateSsoSettings(
      settings({
        domain: {
          customDomain: "auth.tdp.acme.example.com",
          certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/1234",
        },
      }),
    );
    assert.throws(
      () =>
        validateSsoSettings(
          settings({
            domain: {
              customDomain: "auth.tdp.acme.example.com",
              certificateArn: "arn:aws:acm:eu-west-1:111111111111:certificate/1234",
            },
          }),
        ),
      /domain.certificateArn .*: Cognito serves custom domains through CloudFront, which takes certificates from us-east-1 only/,
    );
  });

  it("needs a us-east-1 provider to request the certificate from another region", () => {
    const custom = { customDomain: "auth.tdp.acme.example.com", zoneId: "Z0123" };
    assert.throws(
      () => validateSsoSettings(settings({ region: "eu-west-1", domain: custom })),
      /needs an AWS provider for us-east-1 \(certificateProvider\)/,
    );
    validateSsoSettings(settings({ region: "eu-west-1", domain: custom, certificateProviderGiven: true }));
  });

  it("refuses a custom domain that is the platform's domain or not a DNS name", () => {
    assert.throws(
      () =>
        validateSsoSettings(settings({ domain: { customDomain: "tdp.acme.example.com", zoneId: "Z0123" } })),
      /must differ from the platform's own domain/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ domain: { customDomain: "Auth_Domain", zoneId: "Z0123" } })),
      /must be a lowercase DNS name/,
    );
  });

  it("refuses prefixes Cognito does not accept", () => {
    assert.throws(
      () => validateSsoSettings(settings({ domain: { prefix: "Acme" } })),
      /domain.prefix "Acme": must be 1 to 63 lowercase letters/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ domain: { prefix: "acme-cognito" } })),
      /must not contain "cognito"/,
    );
  });

  it("refuses callback and sign-out URLs not under the platform's domain", () => {
    assert.throws(
      () => validateSsoSettings(settings({ callbackUrls: ["https://evil.example.com/login/sso"] })),
      /callbackUrls\[0\] "https:\/\/evil.example.com\/login\/sso": must be an https URL on the platform's domain tdp.acme.example.com/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ logoutUrls: ["http://tdp.acme.example.com/logout"] })),
      /logoutUrls\[0\] .*must be an https URL on the platform's domain/,
    );
    validateSsoSettings(settings({ callbackUrls: ["https://api.tdp.acme.example.com/login/sso"] }));
  });

  it("refuses an unknown tier and token validities out of range", () => {
    assert.throws(
      () => validateSsoSettings(settings({ tier: "LITE" as never })),
      /tier "LITE": must be ESSENTIALS or PLUS/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ accessTokenValidityMinutes: 2 })),
      /accessTokenValidityMinutes 2: must be a whole number of minutes from 5 to 1440/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ refreshTokenValidityDays: 0 })),
      /refreshTokenValidityDays 0/,
    );
    assert.throws(
      () => validateSsoSettings(settings({ passwordMinimumLength: 8 })),
      /passwordMinimumLength 8/,
    );
  });

  it("takes the product's claim names and lets given names override them", () => {
    assert.deepEqual(effectiveClaims(saml), DEFAULT_CLAIMS["entra-id"].SAML);
    assert.equal(effectiveClaims({ ...saml, claims: { groups: "roles" } }).groups, "roles");
    assert.equal(effectiveClaims(oidc()).givenName, "given_name");
  });

  it("matches URLs under a domain only over https and on the name or below it", () => {
    assert.equal(underDomain("https://tdp.acme.example.com/x", "tdp.acme.example.com"), true);
    assert.equal(underDomain("https://a.tdp.acme.example.com/x", "tdp.acme.example.com"), true);
    assert.equal(underDomain("https://eviltdp.acme.example.com/x", "tdp.acme.example.com"), false);
    assert.equal(underDomain("not a url", "tdp.acme.example.com"), false);
  });
});
