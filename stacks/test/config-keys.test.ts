import { strict as assert } from "node:assert";

import { AWS_PROVIDER_KEYS, loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

function problemsOf(raw: Record<string, string>): string[] {
  return configProblems(() => loadStackConfig(raw));
}

const base = {
  "aws:region": "us-east-1",
  "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp" }),
};

describe("stack config: every key is a tdp: section, an AWS provider setting or a pulumi: key", () => {
  it("refuses a misspelt namespace and suggests the near one", () => {
    assert.deepEqual(problemsOf({ ...base, "tpd:network": "{}" }), [
      'tpd:network: {} — unknown config namespace "tpd" (did you mean tdp:network?); a stack\'s keys are tdp:<section>, aws:<AWS provider setting> or pulumi:<setting>',
    ]);
    assert.deepEqual(problemsOf({ ...base, "asw:profile": "ops" }), [
      'asw:profile: "ops" — unknown config namespace "asw" (did you mean aws:profile?); a stack\'s keys are tdp:<section>, aws:<AWS provider setting> or pulumi:<setting>',
    ]);
    assert.deepEqual(problemsOf({ ...base, "acme:owner": "me" }), [
      'acme:owner: "me" — unknown config namespace "acme"; a stack\'s keys are tdp:<section>, aws:<AWS provider setting> or pulumi:<setting>',
    ]);
  });

  it("refuses an aws: key the provider does not have, with the setting it was probably meant to be", () => {
    assert.deepEqual(problemsOf({ ...base, "aws:regoin": "us-east-2" }), [
      'aws:regoin: "us-east-2" — not a setting of the AWS provider (did you mean aws:region?); docs/parameters.md lists the aws: keys',
    ]);
    assert.deepEqual(problemsOf({ ...base, "aws:assumeRole": "{}" }), [
      "aws:assumeRole: {} — not a setting of the AWS provider (did you mean aws:assumeRoles?); docs/parameters.md lists the aws: keys",
    ]);
    assert.deepEqual(problemsOf({ ...base, "aws:colour": "blue" }), [
      'aws:colour: "blue" — not a setting of the AWS provider; docs/parameters.md lists the aws: keys',
    ]);
  });

  it("suggests the near tdp: section for a misspelt one", () => {
    assert.deepEqual(problemsOf({ ...base, "tdp:netwrok": "{}" }), [
      "tdp:netwrok: {} — unknown config key (did you mean tdp:network?); the tdp: keys are tdp:platform, tdp:network, tdp:biDashboard, tdp:data, tdp:services, tdp:organizations, tdp:dr",
    ]);
    assert.deepEqual(problemsOf({ ...base, "tdp:extras": "{}" }), [
      "tdp:extras: {} — unknown config key (misspelt?); the tdp: keys are tdp:platform, tdp:network, tdp:biDashboard, tdp:data, tdp:services, tdp:organizations, tdp:dr",
    ]);
  });

  it("names a misspelt section's settings instead of printing the whole section", () => {
    const section = {
      mode: "create",
      cidr: "10.40.0.0/16",
      natGateways: "single",
      isolatedSubnets: true,
      networkAcl: true,
      s3GatewayEndpoint: true,
      privateDomain: "ts-dip.internal",
      flowLogs: { trafficType: "ALL", maxAggregationInterval: 60 },
    };
    assert.deepEqual(problemsOf({ ...base, "tdp:netwrok": JSON.stringify(section) }), [
      "tdp:netwrok: { 8 settings: mode, cidr, natGateways, isolatedSubnets, networkAcl, s3GatewayEndpoint, … } — unknown config key (did you mean tdp:network?); the tdp: keys are tdp:platform, tdp:network, tdp:biDashboard, tdp:data, tdp:services, tdp:organizations, tdp:dr",
    ]);
  });

  it("accepts the AWS provider's settings and pulumi: keys, and hands the aws: ones to the provider", () => {
    const { awsSettings } = loadStackConfig({
      ...base,
      "aws:profile": "tdp-prod",
      "aws:skipMetadataApiCheck": "false",
      "aws:assumeRoles": JSON.stringify([{ roleArn: "arn:aws:iam::111111111111:role/deployer" }]),
      "pulumi:disable-default-providers": JSON.stringify(["aws"]),
    });
    assert.deepEqual(awsSettings, {
      assumeRoles: [{ roleArn: "arn:aws:iam::111111111111:role/deployer" }],
      profile: "tdp-prod",
      skipMetadataApiCheck: false,
    });
  });

  it("knows exactly the config keys of the installed AWS provider", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const vars = require("@pulumi/aws/config/vars") as Record<string, unknown>;
    assert.deepEqual([...AWS_PROVIDER_KEYS].sort(), Object.keys(vars).sort());
  });
});

describe("stack config: rules that join tdp:platform and tdp:network", () => {
  const exposed = JSON.stringify({ infrastructureName: "acme-tdp", exposedOnInternet: true });

  it("refuses public subnets too small for the load balancer of an internet-facing platform", () => {
    const network = JSON.stringify({ subnetPrefixLengths: { public: 28 } });
    assert.deepEqual(problemsOf({ ...base, "tdp:platform": exposed, "tdp:network": network }), [
      "tdp:network.subnetPrefixLengths.public: 28 — is too small when tdp:platform.exposedOnInternet is true: an Application Load Balancer needs /27 or larger subnets",
    ]);
    // The same network is valid for a private platform.
    assert.doesNotThrow(() => loadStackConfig({ ...base, "tdp:network": network }));
  });

  it("refuses no public subnets for an internet-facing platform", () => {
    const network = JSON.stringify({ publicSubnets: false, natGateways: "none" });
    assert.deepEqual(problemsOf({ ...base, "tdp:platform": exposed, "tdp:network": network }), [
      "tdp:network.publicSubnets: false — must not be false when tdp:platform.exposedOnInternet is true: the internet-facing load balancer lives in the public subnets",
    ]);
    assert.doesNotThrow(() => loadStackConfig({ ...base, "tdp:network": network }));
  });

  it("refuses an IAM ARN that is not a policy as the permissions boundary", () => {
    const platform = (arn: string) =>
      JSON.stringify({ infrastructureName: "acme-tdp", iamBoundaryPolicyArn: arn });
    assert.deepEqual(
      problemsOf({ ...base, "tdp:platform": platform("arn:aws:iam::111111111111:role/boundary") }),
      [
        'tdp:platform.iamBoundaryPolicyArn: "arn:aws:iam::111111111111:role/boundary" — must be an IAM policy ARN (arn:<partition>:iam::<12-digit account or aws>:policy/<name>): a permissions boundary is a managed policy, not a role or a user',
      ],
    );
    for (const good of [
      "arn:aws:iam::111111111111:policy/tdp/boundary",
      "arn:aws-us-gov:iam::aws:policy/PowerUserAccess",
    ]) {
      assert.equal(
        loadStackConfig({ ...base, "tdp:platform": platform(good) }).sections.platform.iamBoundaryPolicyArn,
        good,
      );
    }
  });
});
