import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import { offline } from "@tdp/offline";

import { singleSignOn } from "./readme-example";

describe("the README's usage example", () => {
  afterEach(() => offline.reset());

  it("is test/readme-example.ts (importing the package by name), which type-checks with the package", () => {
    const readme = readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    const example = readFileSync(path.join(__dirname, "readme-example.ts"), "utf8");
    assert.equal(block, example.replace('from "../src";', 'from "@tdp/sso";'));
  });

  it("runs: an OIDC provider behind a custom domain, its certificate through the us-east-1 provider", async () => {
    offline.setConfig({ "sso:clientSecret": "s3cr3t" }, ["sso:clientSecret"]);
    let result: ReturnType<typeof singleSignOn> | undefined;
    const rec = await offline.record(() => {
      result = singleSignOn("arn:aws:kms:eu-west-1:111111111111:key/1", "Z0123");
    });
    assert.equal(rec.one("aws:cognito/identityProvider:IdentityProvider").inputs["providerType"], "OIDC");
    assert.match(String(rec.one("aws:acm/certificate:Certificate").provider), /::aws-us-east-1$/);
    assert.equal(
      await offline.outputValue(result!.redirectUri!),
      "https://auth.tdp.acme.example.com/oauth2/idpresponse",
    );
    assert.deepEqual(Object.keys(result!.secrets).sort(), [
      "SSO_CLIENT_ID",
      "SSO_CLIENT_SECRET",
      "SSO_DOMAIN",
      "SSO_GROUPS_ATTRIBUTE",
      "SSO_REDIRECT_URI",
    ]);
  });
});
