import * as assert from "node:assert/strict";

import { planSubnetLayout } from "../src";

describe("planSubnetLayout", () => {
  it("splits the default /16 into four zone blocks and uses three, largest tier first", () => {
    const layout = planSubnetLayout({
      cidrBlock: "10.40.0.0/16",
      availabilityZoneCount: 3,
      publicSubnets: true,
      isolatedSubnets: true,
    });
    assert.equal(layout.azPrefixLength, 18);
    assert.deepEqual(layout.availabilityZoneCidrs, ["10.40.0.0/18", "10.40.64.0/18", "10.40.128.0/18"]);
    assert.deepEqual(layout.private, {
      prefixLength: 19,
      cidrBlocks: ["10.40.0.0/19", "10.40.64.0/19", "10.40.128.0/19"],
    });
    assert.deepEqual(layout.isolated, {
      prefixLength: 21,
      cidrBlocks: ["10.40.32.0/21", "10.40.96.0/21", "10.40.160.0/21"],
    });
    assert.deepEqual(layout.public, {
      prefixLength: 22,
      cidrBlocks: ["10.40.40.0/22", "10.40.104.0/22", "10.40.168.0/22"],
    });
  });

  it("omits the public and isolated tiers when they are not wanted", () => {
    const layout = planSubnetLayout({
      cidrBlock: "172.20.0.0/20",
      availabilityZoneCount: 2,
      publicSubnets: false,
      isolatedSubnets: false,
    });
    assert.equal(layout.public, undefined);
    assert.equal(layout.isolated, undefined);
    assert.deepEqual(layout.private.cidrBlocks, ["172.20.0.0/22", "172.20.8.0/22"]);
  });

  it("honours explicit sizes and fits the smallest VPC the seed allows (a /22 across two zones)", () => {
    const layout = planSubnetLayout({
      cidrBlock: "192.168.4.0/22",
      availabilityZoneCount: 2,
      publicSubnets: true,
      isolatedSubnets: false,
      privatePrefixLength: 24,
      publicPrefixLength: 28,
    });
    assert.deepEqual(layout.private.cidrBlocks, ["192.168.4.0/24", "192.168.6.0/24"]);
    assert.deepEqual(layout.public?.cidrBlocks, ["192.168.5.0/28", "192.168.7.0/28"]);
  });

  const bad: [string, Parameters<typeof planSubnetLayout>[0], RegExp][] = [
    [
      "a public VPC block",
      { cidrBlock: "8.8.0.0/16", availabilityZoneCount: 3, publicSubnets: true, isolatedSubnets: false },
      /cidrBlock "8\.8\.0\.0\/16" is not in an RFC 1918 private range/,
    ],
    [
      "a VPC block larger than AWS allows",
      { cidrBlock: "10.0.0.0/8", availabilityZoneCount: 3, publicSubnets: true, isolatedSubnets: false },
      /cidrBlock "10\.0\.0\.0\/8" must be \/16 to \/22/,
    ],
    [
      "a VPC block too small for two /24 private subnets",
      { cidrBlock: "10.0.0.0/24", availabilityZoneCount: 2, publicSubnets: true, isolatedSubnets: false },
      /cidrBlock "10\.0\.0\.0\/24" must be \/16 to \/22/,
    ],
    [
      "host bits in the VPC block",
      { cidrBlock: "10.40.1.0/16", availabilityZoneCount: 3, publicSubnets: true, isolatedSubnets: false },
      /cidrBlock: "10\.40\.1\.0\/16" has host bits set/,
    ],
    [
      "one availability zone",
      { cidrBlock: "10.40.0.0/16", availabilityZoneCount: 1, publicSubnets: true, isolatedSubnets: false },
      /availabilityZoneCount 1 is invalid: use 2 or 3/,
    ],
    [
      "private subnets smaller than /24",
      {
        cidrBlock: "10.40.0.0/16",
        availabilityZoneCount: 3,
        publicSubnets: true,
        isolatedSubnets: false,
        privatePrefixLength: 25,
      },
      /privatePrefixLength 25 is invalid: private subnets must be \/24 or larger/,
    ],
    [
      "public subnets smaller than /28",
      {
        cidrBlock: "10.40.0.0/16",
        availabilityZoneCount: 3,
        publicSubnets: true,
        isolatedSubnets: false,
        publicPrefixLength: 29,
      },
      /publicPrefixLength 29 is invalid: public subnets must be \/28 or larger/,
    ],
    [
      "/28 public subnets for an internet-facing load balancer",
      {
        cidrBlock: "10.40.0.0/16",
        availabilityZoneCount: 3,
        publicSubnets: true,
        isolatedSubnets: false,
        internetFacing: true,
        publicPrefixLength: 28,
      },
      /publicPrefixLength 28 is too small for an internet-facing platform: an Application Load Balancer needs \/27/,
    ],
    [
      "subnets that do not fit in a zone's block",
      {
        cidrBlock: "10.40.0.0/21",
        availabilityZoneCount: 3,
        publicSubnets: true,
        isolatedSubnets: false,
        privatePrefixLength: 23,
      },
      /the subnets \(private \/23, public \/27\) do not fit: 10\.40\.0\.0\/21 across 3 zones leaves a \/23/,
    ],
    [
      "a /22 VPC across three zones",
      { cidrBlock: "10.40.0.0/22", availabilityZoneCount: 3, publicSubnets: true, isolatedSubnets: false },
      /privatePrefixLength 25 is invalid/,
    ],
    [
      "an isolated size without the isolated tier",
      {
        cidrBlock: "10.40.0.0/16",
        availabilityZoneCount: 3,
        publicSubnets: true,
        isolatedSubnets: false,
        isolatedPrefixLength: 24,
      },
      /isolatedPrefixLength is set but isolatedSubnets is false/,
    ],
    [
      "a public size without the public tier",
      {
        cidrBlock: "10.40.0.0/16",
        availabilityZoneCount: 3,
        publicSubnets: false,
        isolatedSubnets: false,
        publicPrefixLength: 24,
      },
      /publicPrefixLength is set but publicSubnets is false/,
    ],
  ];
  for (const [what, request, message] of bad) {
    it(`refuses ${what}`, () => {
      assert.throws(() => planSubnetLayout(request), message);
    });
  }
});
