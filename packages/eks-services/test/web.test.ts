import * as assert from "node:assert/strict";

import { Naming } from "@tdp/core";
import { offline } from "@tdp/offline";

import type { WebEntryPointArgs } from "../src/web";
import { WebEntryPoint } from "../src/web";
import type { Recording } from "./helpers";
import { named, inputs } from "./helpers";

const naming = new Naming({ infrastructureName: "acme-tdp", environment: "production" });
const CERT = "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012";

function args(extra: Partial<WebEntryPointArgs> = {}): WebEntryPointArgs {
  return {
    naming,
    region: "us-east-1",
    vpcId: "vpc-0123456789abcdef0",
    vpcCidrBlock: "10.40.0.0/16",
    subnetIds: ["subnet-0a", "subnet-0b"],
    accessLogsBucketName: "acme-tdp-production-access-logs",
    publicDomain: "tdp.example.com",
    ...extra,
  };
}

async function build(
  extra: Partial<WebEntryPointArgs> = {},
): Promise<{ rec: Recording; web: WebEntryPoint }> {
  let web: WebEntryPoint | undefined;
  const rec = await offline.record(() => {
    web = new WebEntryPoint("web", args(extra));
  });
  return { rec, web: web! };
}

describe("WebEntryPoint (created certificate in a new zone: the default)", () => {
  let rec: Recording;
  let web: WebEntryPoint;
  before(async () => {
    ({ rec, web } = await build());
  });

  it("registers its type token", () => {
    assert.equal(named(rec, "web").type, "tdp:eks-services:WebEntryPoint");
  });

  it("creates a hardened internal ALB (ExposedOnInternet false)", () => {
    const lb = inputs(named(rec, "web-alb"));
    assert.equal(lb["internal"], true);
    assert.equal(lb["loadBalancerType"], "application");
    assert.equal(lb["dropInvalidHeaderFields"], true);
    assert.equal(lb["desyncMitigationMode"], "strictest");
    assert.equal(lb["enableDeletionProtection"], true);
    assert.deepEqual(lb["accessLogs"], {
      bucket: "acme-tdp-production-access-logs",
      prefix: "alb/web",
      enabled: true,
    });
    assert.deepEqual(lb["subnets"], ["subnet-0a", "subnet-0b"]);
    assert.ok((lb["name"] as string).length <= 32);
  });

  it("listens with TLS 1.3/1.2 on 443 and redirects 80 to 443", () => {
    const https = inputs(named(rec, "web-https"));
    assert.equal(https["protocol"], "HTTPS");
    assert.equal(https["port"], 443);
    assert.equal(https["sslPolicy"], "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.match(https["certificateArn"] as string, /^arn:aws:acm:/);
    const redirect = inputs(named(rec, "web-http-redirect"));
    assert.equal(redirect["port"], 80);
    assert.deepEqual(redirect["defaultActions"], [
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    assert.equal(rec.named("web-http"), undefined);
  });

  it("admits 443 and 80 from the VPC only when internal", () => {
    const rules = rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
    assert.deepEqual(rules.map((r) => [r["cidrIpv4"], r["fromPort"]]).sort(), [
      ["10.40.0.0/16", 443],
      ["10.40.0.0/16", 80],
    ]);
    assert.equal(rec.ofType("aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length, 0);
  });

  it("creates a protected public zone, a DNS-validated RSA 2048 certificate for the domain and api.", async () => {
    const zone = named(rec, "web-zone");
    assert.equal(inputs(zone)["name"], "tdp.example.com");
    assert.equal(zone.protect, true);
    const cert = inputs(named(rec, "web-certificate"));
    assert.equal(cert["domainName"], "tdp.example.com");
    assert.deepEqual(cert["subjectAlternativeNames"], ["api.tdp.example.com"]);
    assert.equal(cert["validationMethod"], "DNS");
    assert.equal(cert["keyAlgorithm"], "RSA_2048");
    const validations = ["web-validation-web", "web-validation-api"].map((n) => inputs(named(rec, n)));
    assert.match(validations[0]!["name"] as string, /\.tdp\.example\.com\.$/);
    assert.match(validations[1]!["name"] as string, /\.api\.tdp\.example\.com\.$/);
    assert.equal(validations[0]!["type"], "CNAME");
    const zoneId = await offline.outputValue(web.publicZoneId!);
    assert.equal(validations[0]!["zoneId"], zoneId);
    const check = inputs(named(rec, "web-certificate-validation"));
    assert.equal((check["validationRecordFqdns"] as string[]).length, 2);
    assert.equal((await offline.outputValue(web.nameServers!)).length, 4);
  });

  it("aliases the domain and api. to the load balancer", () => {
    for (const [role, host] of [
      ["web", "tdp.example.com"],
      ["api", "api.tdp.example.com"],
    ]) {
      const record = inputs(named(rec, `web-alias-${role}`));
      assert.equal(record["name"], host);
      assert.equal(record["type"], "A");
      const [alias] = record["aliases"] as Record<string, unknown>[];
      assert.match(alias!["name"] as string, /elb\.amazonaws\.com$/);
      assert.equal(alias!["evaluateTargetHealth"], true);
    }
  });

  it("exposes the listener, host names and URL", async () => {
    assert.deepEqual(web.hostNames, { web: "tdp.example.com", api: "api.tdp.example.com" });
    assert.equal(web.url, "https://tdp.example.com");
    assert.match(await offline.outputValue(web.listenerArn), /listener/);
    assert.deepEqual(web.modes, { certificate: "created", zone: "created", protocol: "https" });
  });
});

describe("WebEntryPoint modes", () => {
  it("uses a given certificate ARN and creates no certificate", async () => {
    const { rec } = await build({ certificateArn: CERT, publicDomainZoneId: "Z0123456789ABC" });
    assert.equal(rec.ofType("aws:acm/certificate:Certificate").length, 0);
    assert.equal(rec.ofType("aws:acm/certificateValidation:CertificateValidation").length, 0);
    assert.equal(inputs(named(rec, "web-https"))["certificateArn"], CERT);
    assert.equal(rec.ofType("aws:route53/zone:Zone").length, 0);
    assert.equal(inputs(named(rec, "web-alias-web"))["zoneId"], "Z0123456789ABC");
  });

  it("creates the certificate in an existing zone without creating a zone", async () => {
    const { rec, web } = await build({
      publicDomainZoneId: "Z0123456789ABC",
      certificateKeyAlgorithm: "EC_prime256v1",
    });
    assert.equal(rec.ofType("aws:route53/zone:Zone").length, 0);
    assert.equal(inputs(named(rec, "web-certificate"))["keyAlgorithm"], "EC_prime256v1");
    assert.equal(inputs(named(rec, "web-validation-api"))["zoneId"], "Z0123456789ABC");
    assert.equal(web.nameServers, undefined);
  });

  it("NoDNSWeb without a certificate: acknowledged plain HTTP, no zone, no records, no certificate", async () => {
    const { rec, web } = await build({ noDnsWeb: true, allowPlainHttp: true });
    assert.equal(rec.ofType("aws:route53/zone:Zone").length, 0);
    assert.equal(rec.ofType("aws:route53/record:Record").length, 0);
    assert.equal(rec.ofType("aws:acm/certificate:Certificate").length, 0);
    const listeners = rec.ofType("aws:lb/listener:Listener").map(inputs);
    assert.equal(listeners.length, 1);
    assert.equal(listeners[0]!["protocol"], "HTTP");
    assert.equal(listeners[0]!["port"], 80);
    const rules = rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
    assert.deepEqual(
      rules.map((r) => r["fromPort"]),
      [80],
    );
    assert.equal(web.url, "http://tdp.example.com");
    assert.equal(web.certificateArn, undefined);
  });

  it("NoDNSWeb with a certificate: HTTPS, no public records", async () => {
    const { rec } = await build({ noDnsWeb: true, certificateArn: CERT });
    assert.equal(rec.ofType("aws:route53/record:Record").length, 0);
    assert.equal(inputs(named(rec, "web-https"))["certificateArn"], CERT);
  });

  it("internet-facing (ExposedOnInternet): 443 and 80 from anywhere", async () => {
    const { rec } = await build({ internetFacing: true, certificateArn: CERT });
    assert.equal(inputs(named(rec, "web-alb"))["internal"], false);
    const rules = rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
    assert.deepEqual(
      rules.map((r) => r["cidrIpv4"]),
      ["0.0.0.0/0", "0.0.0.0/0"],
    );
  });

  it("configured client networks replace the default", async () => {
    const { rec } = await build({ allowedCidrs: ["192.168.0.0/16", "172.16.0.0/12"], certificateArn: CERT });
    const rules = rec.ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").map(inputs);
    assert.equal(rules.length, 4);
    assert.ok(rules.every((r) => r["cidrIpv4"] !== "10.40.0.0/16"));
  });

  it("registers nothing for NoDNSWeb without a certificate and without the acknowledgement", async () => {
    let error: Error | undefined;
    const rec = await offline.record(() => {
      try {
        new WebEntryPoint("bad", args({ noDnsWeb: true }));
      } catch (e) {
        error = e as Error;
      }
    });
    assert.match(error!.message, /unencrypted HTTP/);
    assert.equal(rec.resources.filter((r) => r.name.startsWith("bad")).length, 0);
  });

  it("refuses RSA 1024 before registering anything", () => {
    assert.throws(
      () => new WebEntryPoint("x", args({ certificateKeyAlgorithm: "RSA_1024" })),
      /below current minimums/,
    );
  });
});
