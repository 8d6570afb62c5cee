import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { Recording } from "@tdp/offline";
import { REPO_ROOT, offline, planJson, toPlan } from "@tdp/offline";
import { parse, stringify } from "yaml";

import type { Violation } from "./policy-library";
import { policies } from "./policy-library";

/**
 * Seed NoDNSWeb without a certificate (plain HTTP) needs two things: the stack's acknowledgement
 * (`tdp:services.web.allowPlainHttp: true`) and an allow-listed exception to the policy pack. This
 * plans the prod program in that mode, writes the plan as `pnpm plan` does and runs the pack over
 * it as `pnpm policy` does: the `web-http` listener is a mandatory finding without the entry
 * documented in docs/parameters.md (NoDNSWeb) and allowed with it.
 */

const PROD_FILE = path.join(REPO_ROOT, "Pulumi.prod.yaml");
const POLICY = "elb-http-redirects-to-https";
/** The committed allow-list (packages/policies/allowlist.yaml), where operators add the entry. */
const COMMITTED_ALLOWLIST = path.join(REPO_ROOT, "packages", "policies", "allowlist.yaml");

/** The allow-list entry docs/parameters.md (NoDNSWeb) and docs/operations.md tell operators to add. */
const DOCUMENTED_ENTRY = `  - policy: elb-http-redirects-to-https
    resource: web-http
    stacks: [prod]
    reason: >-
      Seed NoDNSWeb without a certificate: the web UI is served over plain HTTP on the internal load
      balancer, acknowledged in the stack with tdp:services.web.allowPlainHttp: true; clients are
      limited to services.web.allowedCidrs.
`;

function plainHttpStackFile(dir: string): string {
  const document = parse(fs.readFileSync(PROD_FILE, "utf8")) as { config: Record<string, unknown> };
  const services = structuredClone(document.config["tdp:services"]) as Record<
    string,
    Record<string, unknown>
  >;
  delete services["web"]!["publicDomainZoneId"];
  delete services["web"]!["certificateArn"];
  services["web"]!["noDnsWeb"] = true;
  services["web"]!["allowPlainHttp"] = true;
  document.config["tdp:services"] = services;
  // Single sign-on needs HTTPS (Cognito redirects only to https callbacks): off in this mode.
  delete document.config["tdp:sso"];
  const file = path.join(dir, "Pulumi.prod.yaml");
  fs.writeFileSync(file, stringify(document));
  return file;
}

describe("plain HTTP (NoDNSWeb, no certificate, allowPlainHttp) under the policy pack", () => {
  let dir: string;
  let planFile: string;
  let config: Record<string, unknown>;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-plain-http-"));
    const rec: Recording = await offline.runStack({ stack: "prod", configFile: plainHttpStackFile(dir) });
    planFile = path.join(dir, "prod.json");
    fs.writeFileSync(planFile, planJson(toPlan("tdp", "prod", rec)));
    config = policies.policyConfigFromStack(REPO_ROOT, "prod") ?? {};
  });
  after(() => {
    offline.reset();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function findings(allowlist: unknown[]): Promise<Violation[]> {
    return policies.evaluate(policies.readPlan(planFile).resources, policies.allPolicies, config, allowlist);
  }

  function allowListFile(text: string): string {
    const file = path.join(dir, `allowlist-${fs.readdirSync(dir).length}.yaml`);
    fs.writeFileSync(file, text);
    return file;
  }

  it("flags the web-http listener as a mandatory finding without an allow-list entry", async () => {
    for (const allowlist of [
      policies.loadAllowlist(allowListFile("exceptions: []\n")),
      policies.loadAllowlist(COMMITTED_ALLOWLIST),
    ]) {
      const violations = await findings(allowlist);
      const http = violations.filter((v) => v.policy === POLICY && v.resource === "web-http");
      assert.equal(http.length, 1, JSON.stringify(violations.filter((v) => v.policy === POLICY)));
      assert.equal(http[0]!.level, "mandatory");
      assert.equal(http[0]!.type, "aws:lb/listener:Listener");
      assert.match(
        http[0]!.message,
        /^HTTP listener web-http answers with .* instead of redirecting to HTTPS/,
      );
      assert.equal(http[0]!.allowed, undefined);
      assert.ok(policies.blocking(violations).some((v) => v.policy === POLICY && v.resource === "web-http"));
    }
  });

  it("allows it with the documented entry for the stack, and only for that stack", async () => {
    const committed = fs.readFileSync(COMMITTED_ALLOWLIST, "utf8").trimEnd();
    const violations = await findings(
      policies.loadAllowlist(allowListFile(`${committed}\n${DOCUMENTED_ENTRY}`)),
    );
    const http = violations.filter((v) => v.policy === POLICY && v.resource === "web-http");
    assert.equal(http.length, 1, "still listed, marked allowed with its reason");
    assert.match(String(http[0]!.allowed), /^Seed NoDNSWeb without a certificate/);
    assert.deepEqual(
      policies.blocking(violations).map((v) => `${v.policy} ${v.resource}: ${v.message}`),
      [],
      "nothing else blocks the plain-HTTP plan",
    );

    const otherStack = DOCUMENTED_ENTRY.replace("stacks: [prod]", "stacks: [uat]");
    const elsewhere = await findings(policies.loadAllowlist(allowListFile(`${committed}\n${otherStack}`)));
    assert.ok(policies.blocking(elsewhere).some((v) => v.policy === POLICY && v.resource === "web-http"));
  });
});
