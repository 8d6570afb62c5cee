import * as assert from "node:assert/strict";

import type { AdoptedVpc, AdoptionRules, NetworkArgs } from "../src";
import {
  adoptedVpcProblems,
  onePerZone,
  regionalEndpointDnsName,
  resolveCreateVpc,
  validateAdoptedVpc,
  validateNetworkArgs,
} from "../src";
import { baseArgs, goodAdoptedVpc, subnet } from "./fixtures";

describe("adopted VPC validation (seed 000 requirements, seed 001 tasks 3 and 4)", () => {
  it("accepts a VPC that meets every rule", () => {
    assert.deepEqual(adoptedVpcProblems(goodAdoptedVpc(), { internetFacing: true }), []);
    assert.doesNotThrow(() => validateAdoptedVpc(goodAdoptedVpc()));
  });

  it("lists every problem at once, each naming the subnet and the rule", () => {
    const vpc = goodAdoptedVpc({
      privateSubnets: [subnet("subnet-00000000000000a01", "10.20.0.0/25", "us-east-1a")],
    });
    assert.throws(
      () => validateAdoptedVpc(vpc, { internetFacing: false }),
      (err: Error) => {
        assert.match(err.message, /the existing VPC vpc-0a1b2c3d4e5f60718 cannot be used \(2 problems\)/);
        assert.match(err.message, /privateSubnetIds: 1 given; at least 2 private subnets/);
        assert.match(
          err.message,
          /subnet-00000000000000a01 \(10\.20\.0\.0\/25 in us-east-1a\) is smaller than \/24/,
        );
        return true;
      },
    );
  });

  const a1 = subnet("subnet-00000000000000a01", "10.20.0.0/24", "us-east-1a");
  const a2 = subnet("subnet-00000000000000a02", "10.20.1.0/24", "us-east-1b");
  const bad: [string, Partial<AdoptedVpc>, AdoptionRules, RegExp][] = [
    [
      "a single private subnet",
      { privateSubnets: [a1] },
      {},
      /privateSubnetIds: 1 given; at least 2 private subnets in different availability zones are required/,
    ],
    [
      "private subnets all in one zone",
      { privateSubnets: [a1, subnet("subnet-00000000000000a05", "10.20.5.0/24", "us-east-1a")] },
      {},
      /privateSubnetIds: subnet-00000000000000a01 \(10\.20\.0\.0\/24 in us-east-1a\), subnet-00000000000000a05 \(10\.20\.5\.0\/24 in us-east-1a\) are all in one availability zone/,
    ],
    [
      "a private subnet smaller than /24",
      { privateSubnets: [a1, subnet("subnet-00000000000000a06", "10.20.6.0/26", "us-east-1b")] },
      {},
      /privateSubnetIds: subnet-00000000000000a06 \(10\.20\.6\.0\/26 in us-east-1b\) is smaller than \/24; private subnets must be \/24 or larger/,
    ],
    [
      "a private subnet that assigns public IPs",
      { privateSubnets: [a1, { ...a2, mapPublicIpOnLaunch: true }] },
      {},
      /privateSubnetIds: subnet-00000000000000a02 .* assigns public IPs on launch; a private subnet must not \(FSBP EC2\.15\)/,
    ],
    [
      "an isolated subnet that assigns public IPs",
      {
        isolatedSubnets: [
          subnet("subnet-00000000000000c01", "10.20.200.0/24", "us-east-1a", { mapPublicIpOnLaunch: true }),
        ],
      },
      {},
      /isolatedSubnetIds: subnet-00000000000000c01 .* assigns public IPs on launch; an isolated subnet must not/,
    ],
    [
      "a public subnet smaller than /28",
      { publicSubnets: [subnet("subnet-00000000000000b09", "10.20.100.0/29", "us-east-1a")] },
      {},
      /publicSubnetIds: subnet-00000000000000b09 \(10\.20\.100\.0\/29 in us-east-1a\) is smaller than \/28/,
    ],
    [
      "/28 public subnets for an internet-facing platform",
      {
        publicSubnets: [
          subnet("subnet-00000000000000b01", "10.20.100.0/28", "us-east-1a"),
          subnet("subnet-00000000000000b02", "10.20.100.16/28", "us-east-1b"),
        ],
      },
      { internetFacing: true },
      /publicSubnetIds: subnet-00000000000000b01 \(10\.20\.100\.0\/28 in us-east-1a\) is smaller than \/27; an internet-facing load balancer needs/,
    ],
    [
      "an internet-facing platform without two public subnets",
      { publicSubnets: [subnet("subnet-00000000000000b01", "10.20.100.0/27", "us-east-1a")] },
      { internetFacing: true },
      /publicSubnetIds: the platform is exposed on the internet, so at least 2 public subnets in different availability zones are required \(seed 000 requirement 4\); 1 given/,
    ],
    [
      "a subnet of another VPC",
      { privateSubnets: [a1, { ...a2, vpcId: "vpc-0ffffffffffffffff" }] },
      {},
      /privateSubnetIds: subnet-00000000000000a02 \(10\.20\.1\.0\/24 in us-east-1b\) belongs to vpc-0ffffffffffffffff, not to vpc-0a1b2c3d4e5f60718/,
    ],
    [
      "a subnet listed in two tiers",
      { publicSubnets: [a1] },
      {},
      /publicSubnetIds: subnet-00000000000000a01 is listed more than once \(also in privateSubnetIds\)/,
    ],
    [
      "a subnet outside the VPC's blocks",
      { privateSubnets: [a1, subnet("subnet-00000000000000a07", "10.99.0.0/24", "us-east-1b")] },
      {},
      /privateSubnetIds: subnet-00000000000000a07 \(10\.99\.0\.0\/24 in us-east-1b\) is not within the VPC's blocks/,
    ],
    [
      "DNS support turned off",
      { enableDnsSupport: false },
      {},
      /vpcId: vpc-0a1b2c3d4e5f60718 has DNS support disabled/,
    ],
    [
      "DNS hostnames turned off",
      { enableDnsHostnames: false },
      {},
      /vpcId: vpc-0a1b2c3d4e5f60718 has DNS hostnames disabled/,
    ],
    [
      "custom DHCP name servers without the resolver inbound endpoint",
      { dhcpDomainNameServers: ["10.1.1.10", "10.1.1.11"] },
      {},
      /uses DHCP name servers 10\.1\.1\.10, 10\.1\.1\.11 instead of AmazonProvidedDNS \(seed 001 pre-deployment task 3\); either add AmazonProvidedDNS .* or enable resolverInboundEndpoint/,
    ],
    [
      "a VpcCIDR that does not match the VPC",
      {},
      { expectedCidrBlock: "10.30.0.0/16" },
      /cidr: "10\.30\.0\.0\/16" does not match vpc-0a1b2c3d4e5f60718, whose blocks are 10\.20\.0\.0\/16/,
    ],
    [
      "a VPC without route tables",
      { routeTableIds: [] },
      {},
      /vpcId: no route tables were found in vpc-0a1b2c3d4e5f60718; the S3 gateway endpoint needs at least one/,
    ],
  ];
  for (const [what, overrides, rules, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => validateAdoptedVpc(goodAdoptedVpc(overrides), rules), message);
    });
  }

  it("accepts custom DHCP name servers when the resolver inbound endpoint is enabled", () => {
    const vpc = goodAdoptedVpc({ dhcpDomainNameServers: ["10.1.1.10"] });
    assert.deepEqual(adoptedVpcProblems(vpc, { resolverInboundEndpoint: true }), []);
  });

  it("accepts a VpcCIDR that is a secondary block, and no route tables when the S3 endpoint is off", () => {
    const vpc = goodAdoptedVpc({ additionalCidrBlocks: ["100.64.0.0/16"], routeTableIds: [] });
    assert.deepEqual(
      adoptedVpcProblems(vpc, { expectedCidrBlock: "100.64.0.0/16", s3GatewayEndpoint: false }),
      [],
    );
  });

  it("picks one subnet per zone for zonal resources", () => {
    const picked = onePerZone([
      subnet("subnet-1", "10.20.0.0/24", "us-east-1a"),
      subnet("subnet-2", "10.20.1.0/24", "us-east-1a"),
      subnet("subnet-3", "10.20.2.0/24", "us-east-1b"),
    ]);
    assert.deepEqual(
      picked.map((s) => s.id),
      ["subnet-1", "subnet-3"],
    );
  });
});

describe("validateNetworkArgs", () => {
  it("accepts the defaults (create mode) and a valid adopted VPC", () => {
    assert.doesNotThrow(() => validateNetworkArgs(baseArgs()));
    assert.doesNotThrow(() =>
      validateNetworkArgs(baseArgs({ adopt: goodAdoptedVpc(), internetFacing: true })),
    );
  });

  const bad: [string, Partial<NetworkArgs>, RegExp][] = [
    [
      "both modes at once",
      { create: {}, adopt: goodAdoptedVpc() },
      /give exactly one of create .* and adopt/,
    ],
    ["a malformed region", { region: "US East" }, /region "US East" is not an AWS region code/],
    [
      "a malformed endpoint name",
      { interfaceEndpoints: ["Logs!"] },
      /interfaceEndpoints: "Logs!" is not a service short name/,
    ],
    [
      "S3 as an interface endpoint",
      { interfaceEndpoints: ["s3"] },
      /interfaceEndpoints: "s3" is served by a gateway endpoint/,
    ],
    [
      "an endpoint listed twice",
      { interfaceEndpoints: ["sts", "sts"] },
      /interfaceEndpoints: "sts" is listed twice/,
    ],
    [
      "a private domain with one label",
      { privateDomain: "internal" },
      /privateDomain "internal" is not a lowercase DNS name with at least two labels/,
    ],
    [
      "a private domain under amazonaws.com",
      { privateDomain: "s3.amazonaws.com" },
      /privateDomain "s3\.amazonaws\.com" would shadow AWS service names/,
    ],
    [
      "a retention CloudWatch refuses",
      { logRetentionDays: 45 },
      /logRetentionDays 45 is not a retention period CloudWatch Logs accepts/,
    ],
    [
      "a malformed KMS key ARN",
      { logsKmsKeyArn: "alias/logs" },
      /logsKmsKeyArn "alias\/logs" is not a KMS key ARN/,
    ],
    [
      "an unknown flow-log traffic type",
      { flowLogs: { trafficType: "SOME" as "ALL" } },
      /flowLogs\.trafficType "SOME" is invalid: use ALL, ACCEPT or REJECT/,
    ],
    [
      "a flow-log interval AWS refuses",
      { flowLogs: { maxAggregationInterval: 300 } },
      /flowLogs\.maxAggregationInterval 300 is invalid: VPC flow logs aggregate over 60 or 600 seconds/,
    ],
    [
      "an override for a service the workers do not use",
      { serviceEndpoints: { ec2: "ec2.us-east-1.amazonaws.com" } as Record<string, string> },
      /serviceEndpoints\.ec2 is not one of the Windows workers' services \(logs, monitoring, sqs, cloudformation\)/,
    ],
    [
      "an override that is not an FQDN",
      { serviceEndpoints: { logs: "https://logs" } },
      /serviceEndpoints\.logs "https:\/\/logs" is not a lowercase DNS name/,
    ],
    [
      "a resolver without allowed networks",
      { resolverInboundEndpoint: { allowedCidrs: [] } },
      /resolverInboundEndpoint\.allowedCidrs is empty/,
    ],
    [
      "a resolver open to the internet",
      { resolverInboundEndpoint: { allowedCidrs: ["0.0.0.0/0"] } },
      /resolverInboundEndpoint\.allowedCidrs: "0\.0\.0\.0\/0" would open the resolver to the whole internet/,
    ],
    [
      "a resolver network that is not a CIDR",
      { resolverInboundEndpoint: { allowedCidrs: ["10.1.1.10"] } },
      /resolverInboundEndpoint\.allowedCidrs: "10\.1\.1\.10" is not an IPv4 CIDR block/,
    ],
    [
      "NAT gateways without public subnets",
      { create: { publicSubnets: false, natGateways: "single" } },
      /natGateways "single" needs public subnets \(NAT gateways live in them\)/,
    ],
    [
      "an internet-facing platform without public subnets",
      { internetFacing: true, create: { publicSubnets: false, natGateways: "none" } },
      /publicSubnets is false but the platform is exposed on the internet/,
    ],
    [
      "zone names that contradict the count",
      { create: { availabilityZoneNames: ["us-east-1a", "us-east-1b"], availabilityZoneCount: 3 } },
      /availabilityZoneCount 3 contradicts availabilityZoneNames \(2 zones\)/,
    ],
    [
      "a zone listed twice",
      { create: { availabilityZoneNames: ["us-east-1a", "us-east-1a"] } },
      /availabilityZoneNames \["us-east-1a","us-east-1a"\] lists a zone twice/,
    ],
    [
      "isolated subnets without a logs endpoint",
      { create: { isolatedSubnets: true }, interfaceEndpoints: ["monitoring", "sqs", "cloudformation"] },
      /interfaceEndpoints lacks "logs" but isolated subnets have no route out/,
    ],
    [
      "adopted isolated subnets without a cloudformation endpoint",
      { adopt: goodAdoptedVpc(), interfaceEndpoints: ["logs", "monitoring", "sqs"] },
      /interfaceEndpoints lacks "cloudformation" but isolated subnets have no route out/,
    ],
    [
      "an adopted VPC that breaks a seed rule",
      { adopt: goodAdoptedVpc({ publicSubnets: [] }), internetFacing: true },
      /publicSubnetIds: the platform is exposed on the internet/,
    ],
    [
      "a PrivateLink service name that is not one",
      { privateLink: { serviceName: "tdp.tetrascience.com" } },
      /privateLink\.serviceName "tdp\.tetrascience\.com" is not an endpoint service name/,
    ],
    [
      "a PrivateLink service in another region",
      { privateLink: { serviceName: "com.amazonaws.vpce.us-west-2.vpce-svc-0123456789abcdef0" } },
      /is in us-west-2 but the VPC is in us-east-1: a PrivateLink connection needs both in the same region \(seed 002\)/,
    ],
    [
      "PrivateLink open to every address",
      {
        privateLink: {
          serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
          allowedCidrs: ["0.0.0.0/0"],
        },
      },
      /privateLink\.allowedCidrs: "0\.0\.0\.0\/0" admits every address/,
    ],
    [
      "a PrivateLink host name listed twice",
      {
        privateLink: {
          serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
          dnsNames: ["api.platform.tetrascience.com", "api.platform.tetrascience.com"],
        },
      },
      /privateLink\.dnsNames .* lists a name twice/,
    ],
    [
      "a PrivateLink host name that is not a DNS name",
      {
        privateLink: {
          serviceName: "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0",
          dnsNames: ["API.Platform"],
        },
      },
      /privateLink\.dnsNames: "API\.Platform" is not a lowercase DNS name/,
    ],
    [
      "more resolver client networks than the network ACL has room for",
      {
        resolverInboundEndpoint: {
          allowedCidrs: [
            "10.1.0.0/24",
            "10.2.0.0/24",
            "10.3.0.0/24",
            "10.4.0.0/24",
            "10.5.0.0/24",
            "10.6.0.0/24",
            "10.7.0.0/24",
          ],
        },
      },
      /resolverInboundEndpoint\.allowedCidrs lists 7 networks but the VPC's network ACL has room for 6/,
    ],
    [
      "a bad create layout",
      { create: { cidrBlock: "10.40.0.0/16", privatePrefixLength: 26 } },
      /privatePrefixLength 26 is invalid: private subnets must be \/24 or larger/,
    ],
  ];
  for (const [what, overrides, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => validateNetworkArgs(baseArgs(overrides)), message);
    });
  }

  it("accepts isolated subnets whose missing endpoint is given as an override", () => {
    assert.doesNotThrow(() =>
      validateNetworkArgs(
        baseArgs({
          create: { isolatedSubnets: true },
          interfaceEndpoints: ["monitoring", "sqs", "cloudformation"],
          serviceEndpoints: { logs: "logs.proxy.example.com" },
        }),
      ),
    );
  });
});

describe("resolveCreateVpc", () => {
  it("defaults to a /16 across three zones with a NAT gateway per zone and public subnets", () => {
    const settings = resolveCreateVpc({}, false);
    assert.equal(settings.cidrBlock, "10.40.0.0/16");
    assert.equal(settings.availabilityZoneCount, 3);
    assert.equal(settings.natGateways, "perAz");
    assert.equal(settings.publicSubnets, true);
    assert.equal(settings.isolatedSubnets, false);
  });

  it("drops the public tier when nothing needs it (no NAT, not internet-facing)", () => {
    const settings = resolveCreateVpc({ natGateways: "none" }, false);
    assert.equal(settings.publicSubnets, false);
    assert.equal(settings.layout.public, undefined);
  });

  it("keeps public subnets without NAT when the platform is internet-facing", () => {
    assert.equal(resolveCreateVpc({ natGateways: "none" }, true).publicSubnets, true);
  });

  it("counts the zones from their names", () => {
    const settings = resolveCreateVpc({ availabilityZoneNames: ["eu-west-1a", "eu-west-1b"] }, false);
    assert.equal(settings.availabilityZoneCount, 2);
    assert.equal(settings.layout.private.cidrBlocks.length, 2);
  });
});

describe("regionalEndpointDnsName", () => {
  it("picks the regional vpce name over the zonal ones", () => {
    const entries = [
      { dnsName: "vpce-0abc-1xyz-us-east-1a.logs.us-east-1.vpce.amazonaws.com" },
      { dnsName: "vpce-0abc-1xyz.logs.us-east-1.vpce.amazonaws.com" },
      { dnsName: "logs.us-east-1.amazonaws.com" },
    ];
    assert.equal(
      regionalEndpointDnsName(entries, "fallback"),
      "vpce-0abc-1xyz.logs.us-east-1.vpce.amazonaws.com",
    );
  });

  it("falls back to the standard name when the endpoint reports none", () => {
    assert.equal(
      regionalEndpointDnsName(undefined, "logs.us-east-1.amazonaws.com"),
      "logs.us-east-1.amazonaws.com",
    );
    assert.equal(regionalEndpointDnsName([], "x.example.com"), "x.example.com");
  });
});
