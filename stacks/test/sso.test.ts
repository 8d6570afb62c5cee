import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { Recording } from "@tdp/offline";
import { REPO_ROOT, offline, readStackFile, toPlan } from "@tdp/offline";
import { SSO_PARAMETERS } from "@tdp/sso";
import { parse, stringify } from "yaml";

import { loadStackConfig } from "../src/config/load";
import type { StackContext } from "../src/context";
import { requireSsoConfig } from "../src/sso";
import { configProblems, runConfigProblems } from "./fixtures/config-problems";

const PROD_FILE = path.join(REPO_ROOT, "Pulumi.prod.yaml");
const OIDC_FIXTURE = path.join(__dirname, "fixtures", "sso-oidc.yaml");
const USER_ORG_PATH = "/tetrascience/production/ECS/ts-service-user-org";

/** The policy pack's library, loaded from the workspace as `pnpm policy` runs it. */
interface PolicyApi {
  allPolicies: unknown[];
  evaluate(
    resources: unknown[],
    policies: unknown[],
    config: Record<string, unknown>,
    allowlist: unknown[],
  ): Promise<{ policy: string; resource: string; message: string; level: string }[]>;
  blocking<T>(violations: T[]): T[];
  loadAllowlist(file?: string): unknown[];
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policies = require(path.join(REPO_ROOT, "packages", "policies", "src")) as PolicyApi;

type Config = Record<string, unknown>;

/** The prod stack file with `edit` applied to its config, as a file in `dir`. */
function editedProd(dir: string, edit: (config: Config) => void): string {
  const document = parse(fs.readFileSync(PROD_FILE, "utf8")) as { config: Config };
  edit(document.config);
  // Named Pulumi.prod.yaml, so the offline engine merges the prod-secrets ESC definition under it
  // as it does under the committed file.
  const copy = path.join(dir, String(fs.readdirSync(dir).length));
  fs.mkdirSync(copy);
  const file = path.join(copy, "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(document));
  return file;
}

function containerOf(rec: Recording, name: string): Record<string, unknown> {
  const task = rec.one("aws:ecs/taskDefinition:TaskDefinition", name);
  return (JSON.parse(task.inputs["containerDefinitions"] as string) as Record<string, unknown>[])[0]!;
}

function hashOf(rec: Recording, task: string): string | undefined {
  const env = containerOf(rec, task)["environment"] as { name: string; value: string }[];
  return env.find((e) => e.name === "SSO_CONFIG_HASH")?.value;
}

/** The SSO problems of the prod config, edited, as requireSsoConfig reports them (secrets as the engine reads them). */
function ssoProblems(dir: string, edit: (config: Config) => void): string[] {
  const { config, secretKeys } = readStackFile(editedProd(dir, edit));
  offline.setConfig(config, secretKeys);
  const { sections, region } = loadStackConfig(config);
  return configProblems(() => requireSsoConfig({ config: sections, region } as StackContext));
}

const sso = (config: Config) =>
  config["tdp:sso"] as Record<string, unknown> & { identityProvider: Record<string, unknown> };
const services = (config: Config) => config["tdp:services"] as Record<string, Record<string, unknown>>;

describe("single sign-on in the stacks", () => {
  let dir: string;
  let prod: Recording;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-sso-"));
    prod = await offline.runStackShared("prod");
  });
  after(() => {
    offline.reset();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("is off unless tdp:sso turns it on", () => {
    const { sections } = loadStackConfig({
      "aws:region": "us-east-1",
      "tdp:platform": '{"infrastructureName":"acme-tdp"}',
    });
    assert.equal(sections.sso.enabled, false);
    assert.equal(sections.sso.tier, "PLUS");
  });

  it("prod: the SAML example federates Entra ID through auth.<publicDomain>, in the service layer's zone", () => {
    const component = prod.one("tdp:sso:SingleSignOn", "sso");
    const idp = prod.one("aws:cognito/identityProvider:IdentityProvider");
    assert.equal(idp.parent, component.urn);
    assert.equal(idp.inputs["providerType"], "SAML");
    assert.equal(idp.inputs["providerName"], "AcmeEntraID");
    const pool = prod.one("aws:cognito/userPool:UserPool");
    assert.equal(pool.protect, true);
    assert.equal(pool.inputs["deletionProtection"], "ACTIVE");
    assert.match(String(pool.provider), /pulumi:providers:aws::aws$/, "the stack's tagged provider");
    const domain = prod.one("aws:cognito/userPoolDomain:UserPoolDomain");
    assert.equal(domain.inputs["domain"], "auth.tdp.acme-corp.example.com");
    // us-east-1 is the stack's own region: the certificate needs no second provider.
    const certificate = prod.one("aws:acm/certificate:Certificate", "sso-certificate");
    assert.match(String(certificate.provider), /pulumi:providers:aws::aws$/);
    assert.equal(prod.ofType("pulumi:providers:aws").length, 1);
    for (const record of ["sso-domain-alias", "sso-certificate-validation-record"]) {
      assert.equal(prod.one("aws:route53/record:Record", record).inputs["zoneId"], "Z0123456789ABCDEFGHIJ");
    }
    // Cognito needs an A record on the parent domain: the domain waits for the web entry point.
    const webAlias = prod.one("aws:route53/record:Record", "web-alias-web");
    assert.ok(domain.dependencies.includes(webAlias.urn), JSON.stringify(domain.dependencies));
    const client = prod.one("aws:cognito/userPoolClient:UserPoolClient");
    assert.deepEqual(client.inputs["callbackUrls"], ["https://tdp.acme-corp.example.com/login/sso"]);
    assert.deepEqual(client.inputs["logoutUrls"], ["https://tdp.acme-corp.example.com/logout"]);
  });

  it("prod: the SSO parameters are the stack's, injected into ts-service-user-org (one owner each)", () => {
    const parameters = prod
      .ofType("aws:ssm/parameter:Parameter")
      .filter((p) => String(p.inputs["name"]).startsWith(`${USER_ORG_PATH}/`));
    assert.deepEqual(
      parameters.map((p) => p.inputs["name"]).sort(),
      SSO_PARAMETERS.map((n) => `${USER_ORG_PATH}/${n}`).sort(),
    );
    const secret = parameters.find((p) => String(p.inputs["name"]).endsWith("SSO_CLIENT_SECRET"))!;
    assert.equal(secret.inputs["type"], "SecureString");
    assert.equal(secret.inputs["value"], "[secret]");
    const secretsKey = (prod.outputs["data"] as { keyArns: Record<string, string> }).keyArns["secrets"];
    assert.equal(secret.inputs["keyId"], secretsKey);
    const injected = containerOf(prod, "ecs-ts-service-user-org-task")["secrets"] as {
      name: string;
      valueFrom: string;
    }[];
    assert.deepEqual(injected.map((s) => s.name).sort(), [...SSO_PARAMETERS].sort());
    for (const { name, valueFrom } of injected) {
      assert.equal(valueFrom, `arn:aws:ssm:us-east-1:111111111111:parameter${USER_ORG_PATH}/${name}`);
    }
  });

  it("prod: ts-service-user-org and ts-service-web carry the same hash of the SSO values", () => {
    const userOrg = hashOf(prod, "ecs-ts-service-user-org-task");
    assert.match(String(userOrg), /^[0-9a-f]{16}$/);
    assert.equal(hashOf(prod, "ecs-ts-service-web-task"), userOrg);
    assert.equal(hashOf(prod, "ecs-ts-service-api-task"), undefined, "other services do not restart");
  });

  it("prod: outputs what the identity team needs, and hands it over in the plan's summary", () => {
    const outputs = prod.outputs["sso"] as Record<string, string>;
    assert.equal(outputs["loginUrl"], "https://tdp.acme-corp.example.com/login/sso");
    assert.match(outputs["samlEntityId"]!, /^urn:amazon:cognito:sp:us-east-1_[0-9A-F]{9}$/);
    assert.equal(outputs["samlAcsUrl"], "https://auth.tdp.acme-corp.example.com/saml2/idpresponse");
    assert.equal(outputs["userPoolId"], outputs["samlEntityId"]!.split(":").pop());
    const handOver = prod.outputs["handOver"] as Record<string, Record<string, string>>;
    assert.equal(
      handOver["Single sign-on (for the identity team)"]!["SAML ACS URL (reply URL)"],
      outputs["samlAcsUrl"],
    );
  });

  it("rolls both services when an SSO value changes, and only then", async () => {
    const changed = await offline.runStack({
      stack: "prod",
      configFile: editedProd(dir, (config) => {
        sso(config)["domain"] = { prefix: "acme-tdp-production" };
      }),
    });
    const before = hashOf(prod, "ecs-ts-service-user-org-task");
    const after = hashOf(changed, "ecs-ts-service-user-org-task");
    assert.notEqual(after, before);
    assert.equal(hashOf(changed, "ecs-ts-service-web-task"), after);
    assert.equal(
      changed.one("aws:ssm/parameter:Parameter", "sso-sso-domain").inputs["insecureValue"] as string,
      "https://acme-tdp-production.auth.us-east-1.amazoncognito.com",
    );
    const again = await offline.runStackShared("prod");
    assert.equal(hashOf(again, "ecs-ts-service-user-org-task"), before, "the same values, the same tasks");
  });

  it("plans the OIDC variant (fixture): a secret client secret, the us-east-1 provider, SES e-mail, no policy finding", async () => {
    const rec = await offline.runStack({ stack: "sso-oidc", configFile: OIDC_FIXTURE });
    const { secretKeys } = readStackFile(OIDC_FIXTURE);
    assert.ok(secretKeys.includes("tdp:sso"));
    const idp = rec.one("aws:cognito/identityProvider:IdentityProvider");
    assert.equal(idp.inputs["providerType"], "OIDC");
    const details = idp.inputs["providerDetails"] as Record<string, string>;
    assert.equal(details["client_secret"], "[secret]");
    assert.equal(details["oidc_issuer"], "https://acme.okta.com/oauth2/default");
    assert.equal((idp.inputs["attributeMapping"] as Record<string, string>)["custom:groups"], "groups");
    const east = rec.one("pulumi:providers:aws", "aws-us-east-1");
    assert.equal(east.inputs["region"], "us-east-1");
    // Provider inputs reach the engine as JSON text.
    const input = (name: string, key: string): unknown => {
      const value = rec.one("pulumi:providers:aws", name).inputs[key];
      return typeof value === "string" ? JSON.parse(value) : value;
    };
    assert.deepEqual(input("aws-us-east-1", "allowedAccountIds"), ["111111111111"]);
    assert.deepEqual(input("aws-us-east-1", "defaultTags"), input("aws", "defaultTags"), "the stack's tags");
    assert.equal(
      rec.one("aws:acm/certificate:Certificate", "sso-certificate").provider?.split("::")[3],
      "aws-us-east-1",
    );
    // ACM validates in the certificate's region; the record goes in the zone through the stack's provider.
    assert.equal(
      rec
        .one("aws:acm/certificateValidation:CertificateValidation", "sso-certificate-validation")
        .provider?.split("::")[3],
      "aws-us-east-1",
    );
    assert.equal(
      rec.one("aws:route53/record:Record", "sso-certificate-validation-record").provider?.split("::")[3],
      "aws",
    );
    assert.equal(
      (rec.one("aws:cognito/userPool:UserPool").inputs["emailConfiguration"] as Record<string, string>)[
        "emailSendingAccount"
      ],
      "DEVELOPER",
    );
    const outputs = rec.outputs["sso"] as Record<string, string>;
    assert.equal(outputs["oidcRedirectUri"], "https://auth.tdp.acme-corp.example.com/oauth2/idpresponse");
    assert.equal(outputs["samlEntityId"], undefined);
    const plan = toPlan("tdp", "sso-oidc", rec);
    assert.ok(!JSON.stringify(plan).includes("offline-placeholder-secret-value"), "the secret never shows");
    const violations = await policies.evaluate(
      plan.resources,
      policies.allPolicies,
      { allowedAccountIds: ["111111111111"] },
      policies.loadAllowlist(),
    );
    assert.deepEqual(
      policies.blocking(violations).map((v) => `${v.policy} ${v.resource}: ${v.message}`),
      [],
    );
  });

  it("stops before any resource on a bad tdp:sso", async () => {
    const problems = await runConfigProblems(
      offline.runStack({
        stack: "prod",
        configFile: editedProd(dir, (config) => {
          delete sso(config)["identityProvider"]["metadataUrl"];
        }),
      }),
    );
    assert.deepEqual(problems, [
      "tdp:sso.identityProvider.metadataUrl: (missing) — identityProvider.metadataUrl (missing): a SAML provider needs its metadata: give metadataUrl (the IdP's federation metadata URL) or metadataDocument (the metadata XML)",
    ]);
  });

  describe("config errors", () => {
    afterEach(() => offline.reset());

    it("SSO on without a public domain", () => {
      const problems = ssoProblems(dir, (config) => {
        delete services(config)["web"];
        for (const service of (services(config)["ecs"] as { services: Record<string, unknown>[] }).services) {
          delete service["routing"];
          delete service["autoscaling"];
        }
      });
      assert.deepEqual(problems, [
        "tdp:sso.enabled: true — SSO needs the platform's public domain: set tdp:services.web.publicDomain (the callback is https://<publicDomain>/login/sso), or set tdp:sso.enabled false",
      ]);
    });

    it("SSO on with the web UI on plain HTTP", () => {
      const problems = ssoProblems(dir, (config) => {
        const web = services(config)["web"]!;
        delete web["publicDomainZoneId"];
        web["noDnsWeb"] = true;
        web["allowPlainHttp"] = true;
      });
      assert.match(problems[0]!, /^tdp:sso.enabled: true — SSO needs HTTPS on the platform's domain/);
    });

    it("a SAML provider with neither metadata URL nor document", () => {
      const problems = ssoProblems(dir, (config) => {
        delete sso(config)["identityProvider"]["metadataUrl"];
      });
      assert.match(
        problems.join("\n"),
        /^tdp:sso.identityProvider.metadataUrl: \(missing\) — .*a SAML provider needs its metadata/,
      );
    });

    it("an OIDC issuer that is not https", () => {
      const problems = ssoProblems(dir, (config) => {
        sso(config)["identityProvider"] = {
          protocol: "OIDC",
          name: "AcmeOkta",
          product: "okta",
          issuer: "http://acme.okta.com",
          clientId: "0oa1",
          clientSecret: { secure: "v1:x" },
        };
      });
      assert.deepEqual(problems, [
        'tdp:sso.identityProvider.issuer: "http://acme.okta.com" — identityProvider.issuer "http://acme.okta.com": the OIDC issuer must be an https URL (Cognito reads <issuer>/.well-known/openid-configuration over TLS), e.g. https://login.microsoftonline.com/<tenant>/v2.0',
      ]);
    });

    it("an OIDC client secret in plain text", () => {
      const problems = ssoProblems(dir, (config) => {
        sso(config)["identityProvider"] = {
          protocol: "OIDC",
          name: "AcmeOkta",
          product: "okta",
          issuer: "https://acme.okta.com",
          clientId: "0oa1",
          clientSecret: "plain-text-secret",
        };
      });
      assert.deepEqual(problems, [
        "tdp:sso.identityProvider.clientSecret: \"[plain text, not shown]\" — must be a Pulumi secret, not plain text in the stack file: pulumi config set --secret --path 'tdp:sso.identityProvider.clientSecret' <value>",
      ]);
      assert.ok(!problems.join("").includes("plain-text-secret"));
    });

    it("a custom domain without a zone or certificate", () => {
      const problems = ssoProblems(dir, (config) => {
        const web = services(config)["web"]!;
        delete web["publicDomainZoneId"];
        web["noDnsWeb"] = true;
        web["certificateArn"] =
          "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012";
      });
      assert.match(
        problems.join("\n"),
        /^tdp:sso.domain.customDomain: "auth.tdp.acme-corp.example.com" — .*a custom domain needs a certificate in us-east-1/,
      );
    });

    it("a groups claim left unmapped", () => {
      const problems = ssoProblems(dir, (config) => {
        const idp = sso(config)["identityProvider"];
        idp["product"] = "custom";
        idp["claims"] = { email: "mail", givenName: "first", familyName: "last" };
      });
      assert.match(
        problems.join("\n"),
        /^tdp:sso.identityProvider.claims.groups: \(missing\) — .*must be mapped to custom:groups/,
      );
    });

    it("callback URLs not under the platform's domain", () => {
      const problems = ssoProblems(dir, (config) => {
        sso(config)["callbackUrls"] = ["https://elsewhere.example.com/login/sso"];
      });
      assert.match(
        problems.join("\n"),
        /^tdp:sso.callbackUrls\[0\]: "https:\/\/elsewhere.example.com\/login\/sso" — .*must be an https URL on the platform's domain tdp.acme-corp.example.com/,
      );
    });

    it("the SSO parameters also listed as ts-service-user-org's own secrets (two owners)", () => {
      const problems = ssoProblems(dir, (config) => {
        const ecs = services(config)["ecs"] as { services: Record<string, unknown>[] };
        ecs.services.find((s) => s["name"] === "ts-service-user-org")!["secrets"] = {
          SSO_DOMAIN: "SSO_DOMAIN",
          LOGIN_DOMAIN: "SSO_DOMAIN",
        };
      });
      assert.deepEqual(
        problems.map((p) => p.split(" — ")[0]),
        [
          'tdp:services.ecs.services[3].secrets.SSO_DOMAIN: "SSO_DOMAIN"',
          'tdp:services.ecs.services[3].secrets.LOGIN_DOMAIN: "SSO_DOMAIN"',
        ],
      );
      assert.match(problems[0]!, /one owner per parameter/);
    });

    it("SSO on without ts-service-user-org", () => {
      const problems = ssoProblems(dir, (config) => {
        const ecs = services(config)["ecs"] as { services: Record<string, unknown>[] };
        ecs.services = ecs.services.filter((s) => s["name"] !== "ts-service-user-org");
      });
      assert.match(
        problems.join("\n"),
        /^tdp:sso.enabled: true — the SSO parameters are read by ts-service-user-org/,
      );
    });

    it("the section's own shape: a provider, and exactly one kind of domain", () => {
      const load = (section: unknown) =>
        configProblems(() =>
          loadStackConfig({
            "aws:region": "us-east-1",
            "tdp:platform": '{"infrastructureName":"acme-tdp"}',
            "tdp:sso": JSON.stringify(section),
          }),
        );
      assert.deepEqual(load({ enabled: true, domain: { prefix: "acme" } }), [
        "tdp:sso.identityProvider: (missing) — required when SSO is enabled: protocol SAML (metadataUrl or metadataDocument) or OIDC (issuer, clientId, clientSecret)",
      ]);
      const both = load({
        enabled: true,
        identityProvider: { protocol: "SAML", name: "x", metadataUrl: "https://x" },
        domain: { prefix: "acme", customDomain: "auth.example.com" },
      });
      assert.match(
        both[0]!,
        /^tdp:sso.domain: .* — give exactly one of domain.prefix .* or domain.customDomain/,
      );
      assert.match(
        load({
          enabled: true,
          identityProvider: { protocol: "SAML", name: "x", metadataUrl: "https://x" },
          domain: { prefix: "a", certificateArn: "arn" },
        }).join("\n"),
        /tdp:sso.domain.certificateArn: "arn" — only a customDomain takes a certificate/,
      );
    });
  });
});
