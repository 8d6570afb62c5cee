import { strict as assert } from "node:assert";
import * as path from "node:path";

import { SECRET_CONFIG_PLACEHOLDER, readStackFile } from "@tdp/offline";

import { loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

const platform = JSON.stringify({ infrastructureName: "acme-tdp" });

/** The stack file's config as `pulumi.runtime.allConfig()` hands it to the program. */
function stackFileConfig(stack: string): Record<string, string> {
  return readStackFile(path.join(__dirname, "..", "..", `Pulumi.${stack}.yaml`)).config;
}

function load(section: unknown) {
  return loadStackConfig({
    "aws:region": "us-east-1",
    "tdp:platform": platform,
    "tdp:biDashboard": JSON.stringify(section),
  });
}

function problemsOf(section: unknown): string[] {
  return configProblems(() => load(section));
}

const minimal = {
  enabled: true,
  instances: { amiId: "ami-0123456789abcdef0" },
  loadBalancer: {
    certificateArn: "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
  },
};

describe("tdp:biDashboard config", () => {
  it("is disabled when the section is absent, and asks nothing then", () => {
    const { sections } = loadStackConfig({ "aws:region": "us-east-1", "tdp:platform": platform });
    assert.equal(sections.biDashboard.enabled, false);
    assert.equal(sections.biDashboard.deploymentName, "bi");
  });

  it("accepts the prod stack file's block (enabled)", () => {
    const { sections } = loadStackConfig(stackFileConfig("prod"));
    const bi = sections.biDashboard;
    assert.equal(bi.enabled, true);
    assert.equal(bi.createVpcEndpoints, false);
    assert.equal(bi.instances.instanceType, "t3.medium");
    assert.equal(bi.database.rotationDays, 30);
    assert.deepEqual([bi.scaling.minSize, bi.scaling.maxSize], [2, 5]);
    assert.equal(bi.licenceKey, SECRET_CONFIG_PLACEHOLDER, "the licence key is a secure value");
  });

  it("accepts a minimal enabled section", () => {
    assert.equal(load(minimal).sections.biDashboard.enabled, true);
  });

  it("requires the Marketplace AMI id when enabled, naming the key", () => {
    assert.deepEqual(problemsOf({ ...minimal, instances: {} }), [
      "tdp:biDashboard.instances.amiId: (missing) — required: the Panintelligence Marketplace AMI id of this region (subscribe in AWS Marketplace first; see the package README)",
    ]);
  });

  it("reports every bad value at once with its full key", () => {
    const problems = problemsOf({
      ...minimal,
      instances: { amiId: "ami-0123456789abcdef0", instanceType: "t2.nano", rootVolumeSizeGiB: 8 },
      scaling: { minSize: 3, maxSize: 2 },
      database: { instanceClass: "db.t2.small", backupRetentionDays: 1, rotationDays: 365 },
      loadBalancer: { ...minimal.loadBalancer, allowedCidrs: ["10.0.0.0/8", "not-a-cidr"] },
    });
    const keys = problems.map((p) => p.split(":")[1]);
    assert.deepEqual(keys.sort(), [
      "biDashboard.database.backupRetentionDays",
      "biDashboard.database.instanceClass",
      "biDashboard.database.rotationDays",
      "biDashboard.instances.instanceType",
      "biDashboard.instances.rootVolumeSizeGiB",
      "biDashboard.loadBalancer.allowedCidrs[1]",
      "biDashboard.scaling.desiredCapacity",
      "biDashboard.scaling.minSize",
    ]);
    assert.ok(
      problems.includes(
        'tdp:biDashboard.loadBalancer.allowedCidrs[1]: "not-a-cidr" — must be an IPv4 CIDR block a.b.c.d/n',
      ),
    );
    assert.ok(
      problems.includes(
        "tdp:biDashboard.database.rotationDays: 365 — must be a whole number of days from 1 to 90 (seed 004: 30; SecretsManager.4 requires rotation within 90 days)",
      ),
    );
  });

  it("refuses an RSA 1024 certificate and says why", () => {
    assert.deepEqual(
      problemsOf({
        ...minimal,
        loadBalancer: {
          domainName: "bi.example.com",
          hostedZoneId: "Z0123456789ABC",
          certificateKeyAlgorithm: "RSA_1024",
        },
      }),
      [
        'tdp:biDashboard.loadBalancer.certificateKeyAlgorithm: "RSA_1024" — RSA 1024-bit keys are refused: they can be factored with today\'s means and ACM.2 requires RSA keys of at least 2048 bits; use RSA_2048 or an EC key',
      ],
    );
  });

  it("rejects a misspelt key instead of ignoring it", () => {
    assert.deepEqual(problemsOf({ ...minimal, scaling: { maxsize: 4 } }), [
      "tdp:biDashboard.scaling.maxsize: 4 — unknown setting (misspelt?) (did you mean tdp:biDashboard.scaling.maxSize?); see docs/parameters.md for the settings this section takes",
    ]);
  });

  it("does not check a disabled section's values beyond their types", () => {
    assert.equal(load({ enabled: false, instances: {} }).sections.biDashboard.enabled, false);
  });
});
