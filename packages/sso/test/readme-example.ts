import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Naming } from "@tdp/core";
import { SSO_HASH_VARIABLE, SingleSignOn } from "../src";

export function singleSignOn(secretsKeyArn: pulumi.Input<string>, zoneId: pulumi.Input<string>) {
  const config = new pulumi.Config("sso");
  const east = new aws.Provider("aws-us-east-1", { region: "us-east-1" });
  const sso = new SingleSignOn("sso", {
    naming: new Naming({ infrastructureName: "acme-tdp", environment: "production" }),
    region: "eu-west-1",
    publicDomain: "tdp.acme.example.com",
    identityProvider: {
      protocol: "OIDC",
      name: "AcmeOkta",
      product: "okta",
      issuer: "https://acme.okta.com/oauth2/default",
      clientId: "0oa1example2client3id",
      clientSecret: config.requireSecret("clientSecret"),
    },
    domain: { customDomain: "auth.tdp.acme.example.com", zoneId },
    certificateProvider: east,
    secretsKmsKeyArn: secretsKeyArn,
  });
  return {
    // For the identity team: the redirect URI to register with the IdP's client.
    redirectUri: sso.identityTeam.oidcRedirectUri,
    loginUrl: sso.loginUrl,
    // For the services that read the parameters: secrets by ARN, and a hash that rolls them.
    secrets: sso.parameterArns,
    environment: { [SSO_HASH_VARIABLE]: sso.valuesHash },
  };
}
