import { strict as assert } from "node:assert";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { SingleSignOnArgs } from "../src";
import { SSO_PARAMETERS, SingleSignOn, ssoValuesHash } from "../src";

const naming = new Naming({ infrastructureName: "acme-tdp", environment: "production" });
const KEY = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000001";
const base: SingleSignOnArgs = {
  naming,
  region: "us-east-1",
  publicDomain: "tdp.acme.example.com",
  secretsKmsKeyArn: KEY,
  identityProvider: {
    protocol: "SAML",
    name: "AcmeEntra",
    product: "entra-id",
    metadataUrl: "https://login.microsoftonline.com/tenant/federationmetadata/2007-06/federationmetadata.xml",
  },
  domain: { prefix: "acme-tdp-production" },
};

type Rec = Awaited<ReturnType<typeof offline.record>>;

describe("SingleSignOn", () => {
  afterEach(() => offline.reset());

  describe("SAML with a prefix domain", () => {
    let rec: Rec;
    let sso: SingleSignOn;
    before(async () => {
      rec = await offline.record(() => {
        sso = new SingleSignOn("sso", base);
      });
    });

    it("creates the user pool of the seed: attributes, custom groups, protection, MFA, threat protection", () => {
      const pool = rec.one("aws:cognito/userPool:UserPool", "sso-user-pool");
      assert.equal(pool.inputs["name"], "acme-tdp-production-users");
      assert.equal(pool.inputs["deletionProtection"], "ACTIVE");
      assert.equal(pool.protect, true);
      assert.equal(pool.retainOnDelete, true);
      assert.equal(pool.inputs["userPoolTier"], "PLUS");
      assert.deepEqual(pool.inputs["userPoolAddOns"], { advancedSecurityMode: "ENFORCED" });
      assert.equal(pool.inputs["mfaConfiguration"], "ON");
      assert.deepEqual(pool.inputs["adminCreateUserConfig"], { allowAdminCreateUserOnly: true });
      const schemas = pool.inputs["schemas"] as Record<string, unknown>[];
      assert.deepEqual(
        schemas.map((s) => [s["name"], s["required"], s["mutable"]]),
        [
          ["email", true, true],
          ["given_name", true, true],
          ["family_name", true, true],
          ["groups", false, true],
        ],
      );
      assert.deepEqual(schemas[3]!["stringAttributeConstraints"], { minLength: "0", maxLength: "2048" });
      assert.equal((pool.inputs["passwordPolicy"] as Record<string, unknown>)["minimumLength"], 14);
      assert.deepEqual(pool.inputs["emailConfiguration"], { emailSendingAccount: "COGNITO_DEFAULT" });
    });

    it("federates the SAML provider with the Entra ID claim names", () => {
      const idp = rec.one("aws:cognito/identityProvider:IdentityProvider");
      assert.equal(idp.inputs["providerType"], "SAML");
      assert.equal(idp.inputs["providerName"], "AcmeEntra");
      assert.deepEqual(idp.inputs["providerDetails"], {
        MetadataURL: base.identityProvider.protocol === "SAML" ? base.identityProvider.metadataUrl : "",
        IDPSignout: "false",
        RequestSigningAlgorithm: "rsa-sha256",
      });
      assert.deepEqual(idp.inputs["attributeMapping"], {
        "custom:groups": "http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
        email: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress",
        given_name: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname",
        family_name: "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname",
      });
      assert.equal(idp.options?.deleteBeforeReplace, true);
    });

    it("creates the app client of the seed", () => {
      const client = rec.one("aws:cognito/userPoolClient:UserPoolClient");
      const i = client.inputs;
      assert.equal(i["generateSecret"], true);
      assert.deepEqual(i["allowedOauthFlows"], ["code"]);
      assert.equal(i["allowedOauthFlowsUserPoolClient"], true);
      assert.deepEqual(i["allowedOauthScopes"], ["email", "openid", "profile"]);
      assert.deepEqual(i["callbackUrls"], ["https://tdp.acme.example.com/login/sso"]);
      assert.deepEqual(i["logoutUrls"], ["https://tdp.acme.example.com/logout"]);
      assert.deepEqual(i["readAttributes"], ["custom:groups", "email", "family_name", "given_name"]);
      assert.deepEqual(i["writeAttributes"], ["custom:groups", "email", "family_name", "given_name"]);
      assert.deepEqual(i["supportedIdentityProviders"], ["AcmeEntra"]);
      assert.deepEqual(i["explicitAuthFlows"], ["ALLOW_REFRESH_TOKEN_AUTH"]);
      assert.equal(i["preventUserExistenceErrors"], "ENABLED");
      assert.equal(i["accessTokenValidity"], 60);
      assert.equal(i["refreshTokenValidity"], 1);
      assert.deepEqual(i["tokenValidityUnits"], {
        accessToken: "minutes",
        idToken: "minutes",
        refreshToken: "days",
      });
      const idp = rec.one("aws:cognito/identityProvider:IdentityProvider");
      assert.ok(client.dependencies.includes(idp.urn), "the client waits for its provider");
    });

    it("creates the prefix domain, replaced delete-first, with managed login branding", () => {
      const domain = rec.one("aws:cognito/userPoolDomain:UserPoolDomain");
      assert.equal(domain.inputs["domain"], "acme-tdp-production");
      assert.equal(domain.inputs["certificateArn"], undefined);
      assert.equal(domain.options?.deleteBeforeReplace, true);
      assert.equal(rec.ofType("aws:acm/certificate:Certificate").length, 0);
      assert.equal(rec.ofType("aws:route53/record:Record").length, 0);
      assert.equal(rec.ofType("aws:cognito/managedLoginBranding:ManagedLoginBranding").length, 1);
    });

    it("writes the five platform parameters under ts-service-user-org's path, the secret as a SecureString", () => {
      const parameters = rec.ofType("aws:ssm/parameter:Parameter");
      assert.deepEqual(
        parameters.map((p) => p.inputs["name"]).sort(),
        SSO_PARAMETERS.map((n) => `/tetrascience/production/ECS/ts-service-user-org/${n}`).sort(),
      );
      const byName = (n: string) => parameters.find((p) => String(p.inputs["name"]).endsWith(`/${n}`))!;
      const secret = byName("SSO_CLIENT_SECRET");
      assert.equal(secret.inputs["type"], "SecureString");
      assert.equal(secret.inputs["keyId"], KEY);
      assert.equal(secret.inputs["value"], "[secret]");
      assert.equal(
        byName("SSO_REDIRECT_URI").inputs["insecureValue"],
        "https://tdp.acme.example.com/login/sso",
      );
      assert.equal(byName("SSO_GROUPS_ATTRIBUTE").inputs["insecureValue"], "custom:groups");
      assert.equal(
        byName("SSO_DOMAIN").inputs["insecureValue"],
        "https://acme-tdp-production.auth.us-east-1.amazoncognito.com",
      );
      assert.equal(byName("SSO_CLIENT_ID").inputs["type"], "String");
    });

    it("gives the identity team the SAML entity id and ACS URL, and the login URL", async () => {
      const pool = rec.one("aws:cognito/userPool:UserPool");
      const poolId = await offline.outputValue(sso.userPoolId);
      assert.match(poolId, /^us-east-1_[0-9A-F]{9}$/);
      assert.equal(pool.type, "aws:cognito/userPool:UserPool");
      assert.equal(
        await offline.outputValue(sso.identityTeam.samlEntityId!),
        `urn:amazon:cognito:sp:${poolId}`,
      );
      assert.equal(
        await offline.outputValue(sso.identityTeam.samlAcsUrl!),
        "https://acme-tdp-production.auth.us-east-1.amazoncognito.com/saml2/idpresponse",
      );
      assert.equal(sso.identityTeam.oidcRedirectUri, undefined);
      assert.equal(sso.loginUrl, "https://tdp.acme.example.com/login/sso");
    });

    it("hashes the values, the client secret included, into a plain (not secret) output", async () => {
      const hash = await offline.outputValue(sso.valuesHash);
      assert.match(hash, /^[0-9a-f]{16}$/);
      assert.equal(await pulumi.isSecret(sso.valuesHash), false);
      assert.notEqual(
        ssoValuesHash(["a", "b"]),
        ssoValuesHash(["a", "c"]),
        "a changed secret changes the hash",
      );
    });
  });

  it("federates an OIDC provider: the secret stays secret, username from sub, the OIDC redirect URI", async () => {
    let sso: SingleSignOn | undefined;
    const rec = await offline.record(() => {
      sso = new SingleSignOn("sso", {
        ...base,
        identityProvider: {
          protocol: "OIDC",
          name: "AcmeOkta",
          product: "okta",
          issuer: "https://acme.okta.com",
          clientId: "0oa1example",
          clientSecret: pulumi.secret("oidc-secret"),
        },
      });
    });
    const idp = rec.one("aws:cognito/identityProvider:IdentityProvider");
    assert.equal(idp.inputs["providerType"], "OIDC");
    const details = idp.inputs["providerDetails"] as Record<string, unknown>;
    assert.equal(details["client_secret"], "[secret]");
    assert.equal(details["oidc_issuer"], "https://acme.okta.com");
    assert.equal(details["authorize_scopes"], "openid email profile");
    assert.equal((idp.inputs["attributeMapping"] as Record<string, string>)["username"], "sub");
    assert.equal((idp.inputs["attributeMapping"] as Record<string, string>)["custom:groups"], "groups");
    assert.equal(
      await offline.outputValue(sso!.identityTeam.oidcRedirectUri!),
      "https://acme-tdp-production.auth.us-east-1.amazoncognito.com/oauth2/idpresponse",
    );
    assert.equal(sso!.identityTeam.samlEntityId, undefined);
  });

  it("a custom domain: a certificate through the us-east-1 provider, validated and aliased in the zone", async () => {
    let sso: SingleSignOn | undefined;
    const rec = await offline.record(() => {
      const east = new aws.Provider("east", { region: "us-east-1" });
      sso = new SingleSignOn("sso", {
        ...base,
        region: "eu-west-1",
        certificateProvider: east,
        domain: { customDomain: "auth.tdp.acme.example.com", zoneId: "Z0123" },
        email: {
          sourceArn: "arn:aws:ses:eu-west-1:111111111111:identity/tdp@acme.example.com",
          fromAddress: "tdp@acme.example.com",
        },
      });
    });
    const certificate = rec.one("aws:acm/certificate:Certificate");
    assert.equal(certificate.inputs["domainName"], "auth.tdp.acme.example.com");
    assert.match(String(certificate.provider), /::east$/);
    assert.match(String(rec.one("aws:acm/certificateValidation:CertificateValidation").provider), /::east$/);
    const domain = rec.one("aws:cognito/userPoolDomain:UserPoolDomain");
    assert.equal(domain.inputs["domain"], "auth.tdp.acme.example.com");
    assert.match(String(domain.inputs["certificateArn"]), /^arn:aws:acm:/);
    const alias = rec.one("aws:route53/record:Record", "sso-domain-alias");
    assert.equal(alias.inputs["zoneId"], "Z0123");
    assert.equal(alias.inputs["type"], "A");
    const target = (alias.inputs["aliases"] as Record<string, unknown>[])[0]!;
    assert.match(String(target["name"]), /\.cloudfront\.net$/);
    assert.equal(target["zoneId"], "Z2FDTNDATAQYW2");
    assert.equal(await offline.outputValue(sso!.domainUrl), "https://auth.tdp.acme.example.com");
    const pool = rec.one("aws:cognito/userPool:UserPool");
    assert.deepEqual(pool.inputs["emailConfiguration"], {
      emailSendingAccount: "DEVELOPER",
      sourceArn: "arn:aws:ses:eu-west-1:111111111111:identity/tdp@acme.example.com",
      fromEmailAddress: "tdp@acme.example.com",
    });
  });

  it("a custom domain with a given certificate and no zone: no certificate, no record", async () => {
    const rec = await offline.record(() => {
      new SingleSignOn("sso", {
        ...base,
        domain: {
          customDomain: "auth.tdp.acme.example.com",
          certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/1234",
        },
        tier: "ESSENTIALS",
      });
    });
    assert.equal(rec.ofType("aws:acm/certificate:Certificate").length, 0);
    assert.equal(rec.ofType("aws:route53/record:Record").length, 0);
    const domain = rec.one("aws:cognito/userPoolDomain:UserPoolDomain");
    assert.equal(domain.inputs["certificateArn"], "arn:aws:acm:us-east-1:111111111111:certificate/1234");
    assert.deepEqual(rec.one("aws:cognito/userPool:UserPool").inputs["userPoolAddOns"], {
      advancedSecurityMode: "OFF",
    });
  });

  it("validates before creating anything", async () => {
    const rec = await offline
      .record(() => {
        new SingleSignOn("sso", { ...base, publicDomain: "" });
      })
      .then(
        () => assert.fail("expected an error"),
        (error: Error) => error,
      );
    assert.match(rec.message, /publicDomain "": SSO needs the platform's public domain/);
  });
});
