import { strict as assert } from "node:assert";
import * as path from "node:path";

import { offline } from "@tdp/offline";

const fixture = (name: string) => path.join(__dirname, "fixtures", name);

describe("the network in the stacks", () => {
  afterEach(() => offline.reset());

  it("builds the prod network from Pulumi.prod.yaml: three zones, isolated tier, ACL, endpoints", async () => {
    const rec = await offline.runStackShared("prod");
    const network = rec.one("tdp:network:Network");
    const vpc = rec.one("awsx:ec2:Vpc");
    assert.equal(vpc.parent, network.urn);
    assert.equal(vpc.inputs["cidrBlock"], "10.40.0.0/16");
    assert.deepEqual(vpc.inputs["availabilityZoneNames"], ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.deepEqual(vpc.inputs["natGateways"], { strategy: "OnePerAz" });
    assert.deepEqual(
      (vpc.inputs["subnetSpecs"] as { type: string }[]).map((s) => s.type),
      ["Private", "Public", "Isolated"],
    );
    assert.ok(rec.named("network-nacl"));
    assert.equal(
      rec.ofType("aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.parent === network.urn).length,
      12,
    );
    const outputs = rec.outputs["network"] as Record<string, unknown>;
    assert.equal(outputs["mode"], "create");
    assert.equal(outputs["privateZoneName"], "ts-dip.internal");
    const endpoints = outputs["serviceEndpoints"] as Record<string, string>;
    assert.match(endpoints["logs"]!, /\.logs\.us-east-1\.vpce\.amazonaws\.com$/);
  });

  it("gives the dr stack its own VPC from Pulumi.dr.yaml", async () => {
    const rec = await offline.runStackShared("dr");
    const network = rec.one("tdp:network:Network");
    assert.equal(network.name, "network");
    const vpc = rec.one("awsx:ec2:Vpc");
    assert.equal(vpc.parent, network.urn);
    assert.equal(vpc.inputs["cidrBlock"], "10.41.0.0/16");
    assert.deepEqual(vpc.inputs["availabilityZoneNames"], ["us-west-2a", "us-west-2b", "us-west-2c"]);
    assert.deepEqual(vpc.inputs["natGateways"], { strategy: "Single" });
    const sg = rec.one("aws:ec2/securityGroup:SecurityGroup", "network-endpoints-sg");
    assert.match(
      String(sg.provider),
      /pulumi:providers:aws::aws$/,
      "children use the stack's tagged provider",
    );
    const outputs = rec.outputs["network"] as Record<string, unknown>;
    assert.equal(outputs["cidrBlock"], "10.41.0.0/16");
    assert.equal(outputs["privateZoneName"], "ts-dip.internal");
    assert.deepEqual(outputs["availabilityZoneIds"], ["usw2-az1", "usw2-az2", "usw2-az4"]);
  });

  it("adopts an existing VPC: looked up, validated, endpoints in its subnets, S3 on all its route tables", async () => {
    const rec = await offline.runStack({ stack: "adopt", configFile: fixture("network-adopt.yaml") });
    assert.equal(rec.ofType("awsx:ec2:Vpc").length, 0);
    const s3 = rec.one("aws:ec2/vpcEndpoint:VpcEndpoint", "network-endpoint-s3");
    assert.deepEqual(s3.inputs["routeTableIds"], [
      "rtb-0a1b2c3d4e5f60701",
      "rtb-0a1b2c3d4e5f60702",
      "rtb-0a1b2c3d4e5f60703",
      "rtb-0a1b2c3d4e5f60704",
    ]);
    const logs = rec.one("aws:ec2/vpcEndpoint:VpcEndpoint", "network-endpoint-logs");
    assert.deepEqual(logs.inputs["subnetIds"], [
      "subnet-0a1b2c3d4e5f60001",
      "subnet-0a1b2c3d4e5f60002",
      "subnet-0a1b2c3d4e5f60003",
    ]);
    const resolver = rec.one("aws:route53/resolverEndpoint:ResolverEndpoint");
    assert.equal(resolver.inputs["direction"], "INBOUND");
    const outputs = rec.outputs["network"] as Record<string, unknown>;
    assert.equal(outputs["mode"], "adopt");
    assert.equal(outputs["vpcId"], "vpc-0a1b2c3d4e5f60718");
    assert.deepEqual(outputs["isolatedSubnetIds"], ["subnet-0a1b2c3d4e5f60201", "subnet-0a1b2c3d4e5f60202"]);
    assert.deepEqual(outputs["availabilityZoneIds"], ["use1-az1", "use1-az2", "use1-az4"]);
  });

  it("stops an adopted VPC that breaks the seed's rules before the network registers anything", async () => {
    await assert.rejects(
      offline.runStack({ stack: "adopt-bad", configFile: fixture("network-adopt-bad.yaml") }),
      (err: Error) => {
        assert.match(
          err.message,
          /privateSubnetIds: subnet-0a1b2c3d4e5f60101 \(10\.20\.100\.0\/26 in us-east-1a\) is smaller than \/24/,
        );
        assert.match(err.message, /are all in one availability zone/);
        return true;
      },
    );
  });
});
