import * as assert from "node:assert/strict";

import type { BiDashboardSettings } from "../src";
import { BiDashboard, checkBiDashboardSettings, formatSettingProblem } from "../src";
import { goodArgs, goodSettings } from "./fixtures";

/**
 * Values the offline mocks accept but AWS refuses at `pulumi up`: each is refused here, before
 * any resource registers, and the values AWS accepts still pass.
 */
function problemsOf(overrides: Partial<BiDashboardSettings>): string[] {
  return checkBiDashboardSettings({ ...goodSettings(), ...overrides }).problems.map(formatSettingProblem);
}

const CREATED_CERTIFICATE = { domainName: "bi.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" };

describe("BiDashboard settings AWS refuses at deployment", () => {
  for (const algorithm of ["RSA_3072", "RSA_4096"]) {
    it(`refuses ${algorithm} for a created certificate (ACM RequestCertificate issues RSA_2048 and EC keys only)`, () => {
      const problems = problemsOf({
        loadBalancer: { ...CREATED_CERTIFICATE, certificateKeyAlgorithm: algorithm },
      });
      assert.ok(
        problems.some((p) =>
          p.startsWith(
            `loadBalancer.certificateKeyAlgorithm: "${algorithm}" — must be one of RSA_2048, EC_prime256v1, EC_secp384r1`,
          ),
        ),
        problems.join("\n"),
      );
    });
  }

  it("accepts the key algorithms ACM issues on request", () => {
    for (const algorithm of ["RSA_2048", "EC_prime256v1", "EC_secp384r1"]) {
      const problems = problemsOf({
        loadBalancer: { ...CREATED_CERTIFICATE, certificateKeyAlgorithm: algorithm },
      });
      assert.deepEqual(problems, [], algorithm);
    }
  });

  it("the component registers nothing for an RSA_4096 certificate it would have to request", () => {
    assert.throws(
      () =>
        new BiDashboard(
          "bi",
          goodArgs({ loadBalancer: { ...CREATED_CERTIFICATE, certificateKeyAlgorithm: "RSA_4096" } }),
        ),
      /loadBalancer\.certificateKeyAlgorithm: "RSA_4096" — must be one of RSA_2048, EC_prime256v1, EC_secp384r1/,
    );
  });

  it("refuses a health-check grace period above 3600 s: it is also the default instance warmup (0 to 3600)", () => {
    const problems = problemsOf({ scaling: { healthCheckGracePeriodSeconds: 5400 } });
    assert.ok(
      problems.some((p) =>
        p.startsWith(
          "scaling.healthCheckGracePeriodSeconds: 5400 — must be a whole number of seconds from 60 (the dashboard needs minutes to start) to 3600",
        ),
      ),
      problems.join("\n"),
    );
    assert.deepEqual(problemsOf({ scaling: { healthCheckGracePeriodSeconds: 3600 } }), []);
  });
});
