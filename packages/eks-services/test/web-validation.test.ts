import * as assert from "node:assert/strict";

import type { WebSettings } from "../src/web";
import {
  validateCertificateKeyAlgorithm,
  validateSubnetCount,
  validateWebSettings,
  webModes,
} from "../src/web";

const CERT = "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012";

function refuses(fn: () => void, ...parts: string[]): void {
  assert.throws(fn, (error: Error) => {
    for (const part of parts) {
      assert.ok(error.message.includes(part), `"${error.message}" should contain "${part}"`);
    }
    return true;
  });
}

const base: WebSettings = { publicDomain: "tdp.example.com" };

describe("web entry point validation", () => {
  it("derives the four certificate/DNS modes", () => {
    assert.deepEqual(webModes(base), { certificate: "created", zone: "created", protocol: "https" });
    assert.deepEqual(webModes({ ...base, publicDomainZoneId: "Z123ABC" }), {
      certificate: "created",
      zone: "existing",
      protocol: "https",
    });
    assert.deepEqual(webModes({ ...base, certificateArn: CERT }), {
      certificate: "given",
      zone: "created",
      protocol: "https",
    });
    assert.deepEqual(webModes({ ...base, noDnsWeb: true, allowPlainHttp: true }), {
      certificate: "none",
      zone: "none",
      protocol: "http",
    });
    assert.deepEqual(webModes({ ...base, noDnsWeb: true, certificateArn: CERT }), {
      certificate: "given",
      zone: "none",
      protocol: "https",
    });
  });

  it("accepts the valid combinations", () => {
    validateWebSettings(base, "us-east-1");
    validateWebSettings({ ...base, certificateArn: CERT }, "us-east-1");
    validateWebSettings({ ...base, noDnsWeb: true, allowPlainHttp: true });
    validateWebSettings({ ...base, certificateKeyAlgorithm: "EC_prime256v1", allowedCidrs: ["10.0.0.0/8"] });
  });

  it("refuses RSA 1024 with the reason (ACM.2)", () => {
    refuses(
      () => validateWebSettings({ ...base, certificateKeyAlgorithm: "RSA_1024" }),
      'certificateKeyAlgorithm "RSA_1024"',
      "below current minimums",
      "ACM.2 requires RSA keys of at least 2048 bits",
    );
    // Also for a given certificate the operator describes as 1024-bit.
    refuses(() => validateCertificateKeyAlgorithm("RSA_1024", false), "below current minimums");
  });

  it("refuses key algorithms ACM cannot issue for a created certificate", () => {
    refuses(
      () => validateWebSettings({ ...base, certificateKeyAlgorithm: "RSA_4096" }),
      'certificateKeyAlgorithm "RSA_4096"',
      "ACM issues public DNS-validated certificates only with RSA_2048, EC_prime256v1, EC_secp384r1",
    );
    validateWebSettings({ ...base, certificateArn: CERT, certificateKeyAlgorithm: "RSA_4096" });
  });

  it("refuses NoDNSWeb without a certificate unless plain HTTP is acknowledged", () => {
    refuses(
      () => validateWebSettings({ ...base, noDnsWeb: true }),
      "allowPlainHttp false",
      "unencrypted HTTP",
      "set allowPlainHttp: true",
    );
  });

  it("refuses allowPlainHttp where HTTPS is available", () => {
    refuses(
      () => validateWebSettings({ ...base, allowPlainHttp: true }),
      "allowPlainHttp true",
      "only applies with noDnsWeb",
    );
  });

  it("refuses a bad domain", () => {
    refuses(
      () => validateWebSettings({ publicDomain: "Tdp.Example.com" }),
      'publicDomain "Tdp.Example.com"',
      "lowercase DNS name",
    );
    refuses(() => validateWebSettings({ publicDomain: "localhost" }), "at least two labels");
    refuses(
      () => validateWebSettings({ publicDomain: `${"a".repeat(61)}.`.repeat(4) + "com" }),
      "api.<publicDomain> must fit",
    );
  });

  it("refuses a bad zone id, and a zone id with NoDNSWeb", () => {
    refuses(
      () => validateWebSettings({ ...base, publicDomainZoneId: "zone-1" }),
      'publicDomainZoneId "zone-1"',
      "Route53 hosted zone id",
    );
    refuses(
      () =>
        validateWebSettings({ ...base, noDnsWeb: true, certificateArn: CERT, publicDomainZoneId: "Z123" }),
      "is given with noDnsWeb: true",
    );
  });

  it("refuses a malformed certificate ARN and one of another region", () => {
    refuses(
      () => validateWebSettings({ ...base, certificateArn: "arn:aws:iam::1:x" }),
      "certificateArn",
      "ACM certificate ARN",
    );
    refuses(
      () => validateWebSettings({ ...base, certificateArn: CERT }, "eu-west-1"),
      "is in us-east-1",
      "of its own region (eu-west-1)",
    );
  });

  it("refuses a TLS policy below TLS 1.2 (ELB.17)", () => {
    refuses(
      () => validateWebSettings({ ...base, sslPolicy: "ELBSecurityPolicy-2016-08" }),
      'sslPolicy "ELBSecurityPolicy-2016-08"',
      "TLS 1.2 or newer only (FSBP ELB.17)",
    );
  });

  it("refuses a bad client CIDR, idle timeout and access-log prefix", () => {
    refuses(
      () => validateWebSettings({ ...base, allowedCidrs: ["10.0.0.1/8"] }),
      'allowedCidrs[0] "10.0.0.1/8"',
      "no host bits",
    );
    refuses(() => validateWebSettings({ ...base, idleTimeoutSeconds: 0 }), "idleTimeoutSeconds 0");
    refuses(() => validateWebSettings({ ...base, accessLogsPrefix: "/alb/" }), 'accessLogsPrefix "/alb/"');
    refuses(() => validateWebSettings({ ...base, accessLogsPrefix: "alb/AWSLogs" }), "without AWSLogs");
  });

  it("refuses a single subnet (ELB.13)", () => {
    refuses(() => validateSubnetCount(["subnet-1"]), "at least two Availability Zones (FSBP ELB.13)");
    validateSubnetCount(["subnet-1", "subnet-2"]);
  });
});
