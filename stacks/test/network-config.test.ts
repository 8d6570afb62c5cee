import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";

import { loadStackConfig } from "../src/config/load";
import { networkArgsFromConfig, networkSchema } from "../src/config/network";
import { configProblems } from "./fixtures/config-problems";

const platform = JSON.stringify({ infrastructureName: "acme-tdp" });

function load(network: unknown) {
  return loadStackConfig({
    "aws:region": "us-east-1",
    "tdp:platform": platform,
    "tdp:network": JSON.stringify(network),
  });
}

function problemsOf(network: unknown): string[] {
  return configProblems(() => load(network));
}

const adopt = {
  mode: "adopt",
  vpcId: "vpc-0123456789abcdef0",
  privateSubnetIds: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef2"],
};

describe("tdp:network config", () => {
  it("creates a VPC with the defaults when the section is absent", () => {
    const { sections } = loadStackConfig({ "aws:region": "us-east-1", "tdp:platform": platform });
    const network = sections.network;
    assert.equal(network.mode, "create");
    assert.equal(network.privateDomain, "ts-dip.internal");
    assert.equal(network.s3GatewayEndpoint, true);
    assert.equal(network.interfaceEndpoints.length, 12);
    assert.deepEqual(network.flowLogs, { trafficType: "ALL", maxAggregationInterval: 60 });
    assert.deepEqual(network.resolverInboundEndpoint, { enabled: false, allowedCidrs: [] });
  });

  it("accepts a complete adopt-mode section", () => {
    const { sections } = load({
      ...adopt,
      cidr: "10.20.0.0/16",
      publicSubnetIds: ["subnet-0123456789abcdef3", "subnet-0123456789abcdef4"],
      isolatedSubnetIds: ["subnet-0123456789abcdef5"],
      resolverInboundEndpoint: { enabled: true, allowedCidrs: ["10.100.0.0/24"] },
    });
    assert.equal(sections.network.mode, "adopt");
    assert.equal(sections.network.isolatedSubnetIds?.length, 1);
  });

  it("rejects a misspelt key instead of ignoring it", () => {
    assert.deepEqual(problemsOf({ mode: "create", privateDomian: "tdp.internal" }), [
      'tdp:network.privateDomian: "tdp.internal" — unknown setting (misspelt?) (did you mean tdp:network.privateDomain?); see docs/parameters.md for the settings this section takes',
    ]);
  });

  it("rejects a misspelt key inside a nested block", () => {
    assert.deepEqual(
      problemsOf({ resolverInboundEndpoint: { enabled: true, allowedCidr: ["10.0.0.0/8"] } }),
      [
        'tdp:network.resolverInboundEndpoint.allowedCidr: ["10.0.0.0/8"] — unknown setting (misspelt?) (did you mean tdp:network.resolverInboundEndpoint.allowedCidrs?); see docs/parameters.md for the settings this section takes',
        "tdp:network.resolverInboundEndpoint.allowedCidrs: (missing) — required when the resolver is enabled: the networks of the DNS servers that forward to it",
      ],
    );
  });

  const bad: [string, unknown, string][] = [
    [
      "an unknown mode",
      { mode: "existing" },
      'tdp:network.mode: "existing" — must be "create" (seed CreateVPC=true) or "adopt" (false)',
    ],
    [
      "a malformed VPC block",
      { cidr: "10.40.0.0" },
      'tdp:network.cidr: "10.40.0.0" — must be an IPv4 CIDR block a.b.c.d/n with no host bits set',
    ],
    [
      "a public VPC block",
      { cidr: "52.0.0.0/16" },
      'tdp:network.cidr: "52.0.0.0/16" — cidrBlock "52.0.0.0/16" is not in an RFC 1918 private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)',
    ],
    [
      "a VPC block too small for the seed's subnets",
      { cidr: "10.40.0.0/24" },
      'tdp:network.cidr: "10.40.0.0/24" — cidrBlock "10.40.0.0/24" must be /16 to /22: AWS allows at most /16, and two /24 private subnets with their public subnets need at least a /22',
    ],
    ["four zones", { availabilityZoneCount: 4 }, "tdp:network.availabilityZoneCount: 4 — must be 2 or 3"],
    [
      "an unknown NAT mode",
      { natGateways: "two" },
      'tdp:network.natGateways: "two" — must be "perAz", "single" or "none"',
    ],
    [
      "NAT gateways without public subnets",
      { natGateways: "perAz", publicSubnets: false },
      'tdp:network.natGateways: "perAz" — natGateways "perAz" needs public subnets (NAT gateways live in them): set publicSubnets to true or natGateways to "none"',
    ],
    [
      "private subnets smaller than /24",
      { subnetPrefixLengths: { private: 25 } },
      "tdp:network.subnetPrefixLengths.private: 25 — privatePrefixLength 25 is invalid: private subnets must be /24 or larger (seed 000 installation requirement 3) (allowed /16 to /24)",
    ],
    [
      "subnets that do not fit the VPC",
      { cidr: "10.40.0.0/20", subnetPrefixLengths: { private: 20 } },
      'tdp:network.cidr: "10.40.0.0/20" — the subnets (private /20, public /26) do not fit: 10.40.0.0/20 across 3 zones leaves a /22 (1024 addresses) per zone and they need 4160; use a larger cidrBlock, smaller subnets or fewer zones',
    ],
    [
      "a subnet size AWS refuses",
      { subnetPrefixLengths: { public: 30 } },
      "tdp:network.subnetPrefixLengths.public: 30 — must be at most 28: AWS subnets are /16 to /28",
    ],
    [
      "an existing VPC's id in create mode",
      { vpcId: "vpc-0123456789abcdef0" },
      'tdp:network.vpcId: "vpc-0123456789abcdef0" — applies to mode adopt only; a created VPC makes its own (remove it or set mode: adopt)',
    ],
    [
      "adopt without a VPC id",
      { mode: "adopt", privateSubnetIds: adopt.privateSubnetIds },
      "tdp:network.vpcId: (missing) — required when mode is adopt (seed VPCID)",
    ],
    [
      "adopt with one private subnet",
      { ...adopt, privateSubnetIds: ["subnet-0123456789abcdef1"] },
      'tdp:network.privateSubnetIds: ["subnet-0123456789abcdef1"] — mode adopt needs at least 2 private subnets in different availability zones (seed 000)',
    ],
    [
      "adopt with a network ACL setting",
      { ...adopt, networkAcl: false },
      "tdp:network.networkAcl: false — applies to a created VPC only (mode: create); an existing VPC's layout is the customer's",
    ],
    [
      "adopt with a NAT setting",
      { ...adopt, natGateways: "single" },
      "tdp:network.natGateways: \"single\" — applies to a created VPC only (mode: create); an existing VPC's layout is the customer's",
    ],
    [
      "a subnet in two tiers",
      { ...adopt, publicSubnetIds: ["subnet-0123456789abcdef1", "subnet-0123456789abcdef3"] },
      'tdp:network.privateSubnetIds: ["subnet-0123456789abcdef1","subnet-0123456789abcdef2"] — subnet-0123456789abcdef1 is listed more than once; each subnet serves one tier',
    ],
    [
      "a malformed subnet id",
      { ...adopt, publicSubnetIds: ["subnet-xyz"] },
      'tdp:network.publicSubnetIds[0]: "subnet-xyz" — must be a subnet id (subnet-0123456789abcdef0)',
    ],
    [
      "S3 as an interface endpoint",
      { interfaceEndpoints: ["logs", "s3"] },
      'tdp:network.interfaceEndpoints[1]: "s3" — is a gateway endpoint service; s3GatewayEndpoint covers S3',
    ],
    [
      "isolated subnets without the sqs endpoint",
      { isolatedSubnets: true, interfaceEndpoints: ["logs", "monitoring", "cloudformation"] },
      'tdp:network.interfaceEndpoints: ["logs","monitoring","cloudformation"] — lacks "sqs", which the Windows workers in the isolated subnets can reach only through an endpoint; add it or set serviceEndpoints.sqs',
    ],
    [
      "a private domain with one label",
      { privateDomain: "internal" },
      'tdp:network.privateDomain: "internal" — must be a lowercase DNS name with at least two labels, such as tdp.example.com',
    ],
    [
      "a private domain under amazonaws.com",
      { privateDomain: "sqs.amazonaws.com" },
      'tdp:network.privateDomain: "sqs.amazonaws.com" — would shadow AWS service names in the VPC',
    ],
    [
      "a resolver open to the internet",
      { resolverInboundEndpoint: { enabled: true, allowedCidrs: ["0.0.0.0/0"] } },
      'tdp:network.resolverInboundEndpoint.allowedCidrs[0]: "0.0.0.0/0" — would open the resolver to the whole internet',
    ],
    [
      "an unknown traffic type",
      { flowLogs: { trafficType: "all" } },
      'tdp:network.flowLogs.trafficType: "all" — must be ALL, ACCEPT or REJECT',
    ],
    [
      "a flow-log interval AWS refuses",
      { flowLogs: { maxAggregationInterval: 120 } },
      "tdp:network.flowLogs.maxAggregationInterval: 120 — must be 60 or 600 (seconds)",
    ],
    [
      "an endpoint override that is not an FQDN",
      { serviceEndpoints: { logs: "http://x" } },
      'tdp:network.serviceEndpoints.logs: "http://x" — must be a lowercase DNS name with at least two labels, such as tdp.example.com',
    ],
  ];
  for (const [what, network, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.deepEqual(problemsOf(network), [message]);
    });
  }

  it("refuses a PrivateLink block without a proper service name", () => {
    assert.deepEqual(
      problemsOf({ privateLink: { serviceName: "vpce-svc-1", dnsNames: ["api.platform.tetrascience.com"] } }),
      [
        'tdp:network.privateLink.serviceName: "vpce-svc-1" — must be an endpoint service name (com.amazonaws.vpce.<region>.vpce-svc-<id>)',
      ],
    );
  });

  it("maps a create-mode section to NetworkArgs, with the resolved zones and the platform settings", () => {
    const network = networkSchema.parse({
      cidr: "10.40.0.0/16",
      natGateways: "single",
      isolatedSubnets: true,
      subnetPrefixLengths: { private: 20 },
      serviceEndpoints: { logs: "logs.proxy.example.com" },
      resolverInboundEndpoint: { enabled: true, allowedCidrs: ["10.100.0.0/24"] },
      privateLink: {
        serviceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
        dnsNames: ["api.platform.tetrascience.com"],
      },
    });
    const naming = new Naming({ infrastructureName: "acme-tdp" });
    const args = networkArgsFromConfig(network, {
      naming,
      iam: { rolePrefix: "tdp-" },
      region: "eu-west-1",
      exposedOnInternet: true,
      logRetentionDays: 365,
      availabilityZoneNames: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
    });
    assert.equal(args.adopt, undefined);
    assert.deepEqual(args.create, {
      cidrBlock: "10.40.0.0/16",
      availabilityZoneNames: ["eu-west-1a", "eu-west-1b", "eu-west-1c"],
      natGateways: "single",
      publicSubnets: undefined,
      isolatedSubnets: true,
      privatePrefixLength: 20,
      publicPrefixLength: undefined,
      isolatedPrefixLength: undefined,
      networkAcl: undefined,
    });
    assert.equal(args.internetFacing, true);
    assert.equal(args.logRetentionDays, 365);
    assert.equal(args.region, "eu-west-1");
    assert.deepEqual(args.serviceEndpoints, { logs: "logs.proxy.example.com" });
    assert.deepEqual(args.resolverInboundEndpoint, { allowedCidrs: ["10.100.0.0/24"] });
    assert.deepEqual(args.iam, { rolePrefix: "tdp-" });
    assert.deepEqual(args.privateLink, {
      serviceName: "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
      dnsNames: ["api.platform.tetrascience.com"],
    });
  });

  it("requires the looked-up VPC for an adopt-mode section", () => {
    const network = networkSchema.parse(adopt);
    const context = {
      naming: new Naming({ infrastructureName: "acme-tdp" }),
      iam: {},
      region: "us-east-1",
      exposedOnInternet: false,
      logRetentionDays: 90,
    };
    assert.throws(
      () => networkArgsFromConfig(network, context),
      /the existing VPC must be looked up \(lookupAdoptedNetwork\)/,
    );
  });
});
