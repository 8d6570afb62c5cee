import * as assert from "node:assert/strict";

import { offline } from "@tdp/offline";

import type { AdoptLookupRequest, AdoptionRules, AdoptedVpc } from "../src";
import { AvailabilityZonesError, Network, lookupAdoptedNetwork, resolveAvailabilityZones } from "../src";
import { baseArgs } from "./fixtures";

// The default offline inventory (packages/offline/fixtures/inventory.yaml).
const VPC = "vpc-0a1b2c3d4e5f60718";
const PRIVATE = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"];
const PUBLIC = ["subnet-0a1b2c3d4e5f60101", "subnet-0a1b2c3d4e5f60102", "subnet-0a1b2c3d4e5f60103"];
const ISOLATED = ["subnet-0a1b2c3d4e5f60201", "subnet-0a1b2c3d4e5f60202"];

// Look-ups run before any resource, as the stacks assembly runs them: outside a recording.
function lookup(request: AdoptLookupRequest, rules: AdoptionRules = {}): Promise<AdoptedVpc> {
  return lookupAdoptedNetwork(request, rules);
}

describe("lookupAdoptedNetwork", () => {
  afterEach(() => offline.reset());

  it("describes the VPC, its DNS settings, route tables and every subnet", async () => {
    const adopted = await lookup(
      { vpcId: VPC, privateSubnetIds: PRIVATE, publicSubnetIds: PUBLIC, isolatedSubnetIds: ISOLATED },
      { internetFacing: true, expectedCidrBlock: "10.20.0.0/16" },
    );
    assert.equal(adopted.vpcId, VPC);
    assert.equal(adopted.cidrBlock, "10.20.0.0/16");
    assert.deepEqual(adopted.additionalCidrBlocks, []);
    assert.equal(adopted.enableDnsSupport, true);
    assert.equal(adopted.enableDnsHostnames, true);
    assert.deepEqual(adopted.dhcpDomainNameServers, ["AmazonProvidedDNS"]);
    assert.deepEqual(adopted.routeTableIds, [
      "rtb-0a1b2c3d4e5f60701",
      "rtb-0a1b2c3d4e5f60702",
      "rtb-0a1b2c3d4e5f60703",
      "rtb-0a1b2c3d4e5f60704",
    ]);
    assert.deepEqual(adopted.privateSubnets[0], {
      id: PRIVATE[0],
      cidrBlock: "10.20.0.0/24",
      availabilityZone: "us-east-1a",
      availabilityZoneId: "use1-az1",
      vpcId: VPC,
      mapPublicIpOnLaunch: false,
    });
    assert.deepEqual(
      adopted.publicSubnets?.map((s) => s.cidrBlock),
      ["10.20.100.0/26", "10.20.100.64/26", "10.20.100.128/26"],
    );
    assert.equal(adopted.isolatedSubnets?.length, 2);
  });

  it("names a subnet that does not exist", async () => {
    await assert.rejects(
      lookup({ vpcId: VPC, privateSubnetIds: [PRIVATE[0]!, "subnet-0ffffffffffffffff"] }),
      /privateSubnetIds: subnet subnet-0ffffffffffffffff could not be looked up/,
    );
  });

  it("names a VPC that does not exist", async () => {
    await assert.rejects(
      lookup({ vpcId: "vpc-0ffffffffffffffff", privateSubnetIds: PRIVATE }),
      /vpcId: VPC vpc-0ffffffffffffffff could not be looked up/,
    );
  });

  it("refuses a public subnet given as private, naming it and the rule", async () => {
    await assert.rejects(
      lookup({ vpcId: VPC, privateSubnetIds: [PRIVATE[0]!, PUBLIC[1]!] }),
      /privateSubnetIds: subnet-0a1b2c3d4e5f60102 \(10\.20\.100\.64\/26 in us-east-1b\) is smaller than \/24/,
    );
  });

  it("refuses custom DHCP name servers unless the resolver inbound endpoint is on", async () => {
    offline.setInventory({
      vpcs: [{ id: VPC, cidrBlock: "10.20.0.0/16", dhcpOptionsId: "dopt-0c0c0c0c0c0c0c0c0" }],
      dhcpOptions: [{ id: "dopt-0c0c0c0c0c0c0c0c0", domainNameServers: ["10.5.0.2", "10.5.0.3"] }],
    });
    await assert.rejects(
      lookup({ vpcId: VPC, privateSubnetIds: PRIVATE }),
      /uses DHCP name servers 10\.5\.0\.2, 10\.5\.0\.3 instead of AmazonProvidedDNS/,
    );
    const adopted = await lookup(
      { vpcId: VPC, privateSubnetIds: PRIVATE },
      { resolverInboundEndpoint: true },
    );
    assert.deepEqual(adopted.dhcpDomainNameServers, ["10.5.0.2", "10.5.0.3"]);
  });

  it("refuses a VPC without route tables for the S3 gateway endpoint", async () => {
    offline.setInventory({ routeTables: [] });
    await assert.rejects(
      lookup({ vpcId: VPC, privateSubnetIds: PRIVATE }),
      /no route tables were found in vpc-0a1b2c3d4e5f60718/,
    );
  });

  it("refuses a VpcCIDR that is not the VPC's", async () => {
    await assert.rejects(
      lookup({ vpcId: VPC, privateSubnetIds: PRIVATE }, { expectedCidrBlock: "10.21.0.0/16" }),
      /cidr: "10\.21\.0\.0\/16" does not match vpc-0a1b2c3d4e5f60718/,
    );
  });
});

describe("resolveAvailabilityZones", () => {
  const zones = (count: number | undefined): Promise<string[]> => resolveAvailabilityZones(count);

  it("takes 3 zones by default and 2 when asked", async () => {
    assert.deepEqual(await zones(undefined), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.deepEqual(await zones(2), ["us-east-1a", "us-east-1b"]);
  });

  it("refuses more zones than the region has", async () => {
    await assert.rejects(zones(4), /availabilityZoneCount: 4 asks for 4 zones but the region offers 3/);
  });
});

describe("resolveAvailabilityZones in a region with 2 zones", () => {
  afterEach(() => offline.reset());

  it("takes the region's 2 zones by default and refuses 3 with the zones it has", async () => {
    offline.setConfig({ "aws:region": "us-west-1" });
    assert.deepEqual(await resolveAvailabilityZones(undefined), ["us-west-1a", "us-west-1c"]);
    const refused = await resolveAvailabilityZones(3).then(
      () => assert.fail("expected an error"),
      (error: unknown) => error,
    );
    assert.ok(refused instanceof AvailabilityZonesError);
    assert.deepEqual(
      [refused.requested, refused.wanted, refused.available],
      [3, 3, ["us-west-1a", "us-west-1c"]],
    );
    assert.equal(
      refused.message,
      "availabilityZoneCount: 3 asks for 3 zones but the region offers 2 (us-west-1a, us-west-1c); the platform needs at least 2",
    );
  });

  it("plans a Network across the 2 zones it is given there", async () => {
    offline.setConfig({ "aws:region": "us-west-1" });
    const zones = await resolveAvailabilityZones(undefined);
    let network: Network | undefined;
    const rec = await offline.record(() => {
      network = new Network(
        "network",
        baseArgs({ region: "us-west-1", create: { availabilityZoneNames: zones } }),
      );
    });
    const vpc = rec.one("awsx:ec2:Vpc");
    assert.deepEqual(vpc.inputs["availabilityZoneNames"], ["us-west-1a", "us-west-1c"]);
    assert.deepEqual(await offline.outputValue(network!.availabilityZoneIds), ["usw1-az1", "usw1-az3"]);
  });
});
