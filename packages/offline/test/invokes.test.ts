import { strict as assert } from "node:assert";
import * as path from "node:path";

import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import { answerInvoke, loadInventory, offline, synthesize } from "../src";
import type { OfflineContext } from "../src";

const fixture = (file: string) => path.join(__dirname, "fixtures", file);

/** Runs `fn` inside a stack and returns the resolved value of the output it returns. */
async function invoke<T>(fn: () => pulumi.Output<T>): Promise<T> {
  let out: pulumi.Output<T> | undefined;
  await offline.record(() => {
    out = fn();
  });
  return offline.outputValue(out!);
}

describe("offline engine: invokes", () => {
  afterEach(() => offline.reset());

  it("answers availability zones, three per region with zone ids", async () => {
    const zones = await invoke(() => aws.getAvailabilityZonesOutput({ state: "available" }));
    assert.deepEqual(zones.names, ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.deepEqual(zones.zoneIds, ["use1-az1", "use1-az2", "use1-az4"]);
    offline.setConfig({ "aws:region": "eu-west-2" });
    const london = await invoke(() => aws.getAvailabilityZonesOutput({}));
    assert.deepEqual(london.names, ["eu-west-2a", "eu-west-2b", "eu-west-2c"]);
    assert.equal(london.zoneIds[0], "euw2-az1");
  });

  it("answers caller identity with account 111111111111, the config's account or an override", async () => {
    assert.equal((await invoke(() => aws.getCallerIdentityOutput())).accountId, "111111111111");
    offline.setConfig({ "tdp:platform": { accountId: "222222222222" } });
    assert.equal((await invoke(() => aws.getCallerIdentityOutput())).accountId, "222222222222");
    offline.setIdentity({ accountId: "444444444444", region: "ap-southeast-2" });
    const identity = await invoke(() => aws.getCallerIdentityOutput());
    assert.equal(identity.accountId, "444444444444");
    assert.match(identity.arn, /^arn:aws:iam::444444444444:/);
    assert.equal((await invoke(() => aws.getRegionOutput())).region, "ap-southeast-2");
  });

  it("answers region (region and the deprecated name) and partition", async () => {
    const region = await invoke(() => aws.getRegionOutput());
    assert.equal(region.region, "us-east-1");
    assert.equal(region.name, "us-east-1");
    const partition = await invoke(() => aws.getPartitionOutput());
    assert.equal(partition.partition, "aws");
    assert.equal(partition.dnsSuffix, "amazonaws.com");
  });

  it("looks subnets and VPCs up in the default inventory", async () => {
    const inventory = loadInventory();
    assert.equal(inventory.vpcs[0]?.id, "vpc-0a1b2c3d4e5f60718");
    assert.equal(inventory.subnets.length, 8);
    const subnet = await invoke(() => aws.ec2.getSubnetOutput({ id: inventory.subnets[0]!.id }));
    assert.equal(subnet.vpcId, "vpc-0a1b2c3d4e5f60718");
    assert.equal(subnet.availabilityZone, "us-east-1a");
    assert.equal(subnet.mapPublicIpOnLaunch, false);
    const vpc = await invoke(() => aws.ec2.getVpcOutput({ id: "vpc-0a1b2c3d4e5f60718" }));
    assert.equal(vpc.cidrBlock, "10.20.0.0/16");
  });

  it("fails a look-up of an unknown subnet or VPC as AWS would, naming the id", async () => {
    await assert.rejects(
      invoke(() => aws.ec2.getSubnetOutput({ id: "subnet-0123456789abcdef0" })),
      /no matching EC2 Subnet found: id subnet-0123456789abcdef0/,
    );
    await assert.rejects(
      invoke(() => aws.ec2.getVpcOutput({ id: "vpc-0123456789abcdef0" })),
      /no matching VPC found: id vpc-0123456789abcdef0/,
    );
  });

  it("answers from a replaced inventory until reset", async () => {
    offline.setInventory(loadInventory(fixture("inventory-small.yaml")));
    const subnet = await invoke(() => aws.ec2.getSubnetOutput({ id: "subnet-00000000000000001" }));
    assert.equal(subnet.cidrBlock, "10.99.1.0/24");
    await assert.rejects(
      invoke(() => aws.ec2.getSubnetOutput({ id: "subnet-0a1b2c3d4e5f60001" })),
      /no matching EC2 Subnet found/,
    );
    offline.reset();
    assert.equal(
      (await invoke(() => aws.ec2.getSubnetOutput({ id: "subnet-0a1b2c3d4e5f60001" }))).vpcId,
      "vpc-0a1b2c3d4e5f60718",
    );
  });

  it("answers public SSM AMI parameters, getAmi and the ELB service account", async () => {
    const parameter = await invoke(() =>
      aws.ssm.getParameterOutput({
        name: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      }),
    );
    assert.match(parameter.value, /^ami-[0-9a-f]{17}$/);
    const ami = await invoke(() => aws.ec2.getAmiOutput({ owners: ["amazon"], mostRecent: true }));
    assert.match(ami.id, /^ami-[0-9a-f]{17}$/);
    const elb = await invoke(() => aws.elb.getServiceAccountOutput({}));
    assert.match(elb.arn, /^arn:aws:iam::\d{12}:root$/);
  });

  it("fails an invoke it does not know, naming the token and the file to extend", async () => {
    await assert.rejects(
      invoke(() => aws.ec2.getInstanceOutput({ instanceId: "i-0123456789abcdef0" })),
      /no answer for the invoke aws:ec2\/getInstance:getInstance; add one to packages\/offline\/src\/invokes.ts/,
    );
  });
});

describe("offline engine: computed attributes", () => {
  const ctx: OfflineContext = {
    region: "us-east-1",
    accountId: "111111111111",
    partition: "aws",
    stack: "test",
    inventory: loadInventory(),
  };

  it("names resources like auto-naming and derives ARNs", () => {
    const queue = synthesize({ type: "aws:sqs/queue:Queue", name: "jobs", inputs: {} }, ctx);
    assert.match(String(queue.state["arn"]), /^arn:aws:sqs:us-east-1:111111111111:jobs-[0-9a-f]{7}$/);
    const bucket = synthesize(
      { type: "aws:s3/bucket:Bucket", name: "logs", inputs: { bucket: "acme-logs" } },
      ctx,
    );
    assert.equal(bucket.id, "acme-logs");
    assert.equal(bucket.state["arn"], "arn:aws:s3:::acme-logs");
    assert.equal(bucket.state["bucketRegionalDomainName"], "acme-logs.s3.us-east-1.amazonaws.com");
  });

  it("gives awsx:ec2:Vpc subnet ids per zone and tier", () => {
    const vpc = synthesize(
      {
        type: "awsx:ec2:Vpc",
        name: "net",
        inputs: { numberOfAvailabilityZones: 2, subnetSpecs: [{ type: "Private" }, { type: "Isolated" }] },
      },
      ctx,
    );
    assert.match(String(vpc.state["vpcId"]), /^vpc-[0-9a-f]{17}$/);
    assert.equal((vpc.state["privateSubnetIds"] as string[]).length, 2);
    assert.equal((vpc.state["isolatedSubnetIds"] as string[]).length, 2);
    assert.deepEqual(vpc.state["publicSubnetIds"], []);
  });

  it("gives eks:index:Cluster a kubeconfig object, security groups and the OIDC provider", () => {
    const cluster = synthesize({ type: "eks:index:Cluster", name: "eks", inputs: { name: "acme" } }, ctx);
    const kubeconfig = cluster.state["kubeconfig"] as { clusters: { name: string }[] };
    assert.equal(kubeconfig.clusters[0]?.name, "acme");
    assert.match(String(cluster.state["clusterSecurityGroupId"]), /^sg-[0-9a-f]{17}$/);
    assert.match(
      String(cluster.state["oidcProviderArn"]),
      /^arn:aws:iam::111111111111:oidc-provider\/oidc\.eks\./,
    );
  });

  it("fails an unknown invoke directly too", () => {
    assert.throws(() => answerInvoke("aws:foo/getBar:getBar", {}, ctx), /aws:foo\/getBar:getBar/);
  });
});
