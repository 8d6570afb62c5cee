import * as assert from "node:assert/strict";

import type * as pulumi from "@pulumi/pulumi";
import { offline } from "@tdp/offline";

import type { NetworkArgs } from "../src";
import { DEFAULT_INTERFACE_ENDPOINTS, Network, networkAclIngressRules, noPublicIpOnLaunch } from "../src";
import { VPC_ID, baseArgs, goodAdoptedVpc } from "./fixtures";

type Recording = Awaited<ReturnType<typeof offline.record>>;

async function build(args: NetworkArgs): Promise<{ rec: Recording; network: Network }> {
  let network: Network | undefined;
  const rec = await offline.record(() => {
    network = new Network("network", args);
  });
  return { rec, network: network! };
}

function one(rec: Recording, name: string) {
  const found = rec.named(name);
  assert.ok(found, `expected a resource named ${name}`);
  return Array.isArray(found) ? found[0]! : found;
}

const value = <T>(output: pulumi.Output<T>): Promise<T> => offline.outputValue(output);

describe("Network in create mode", () => {
  let rec: Recording;
  let network: Network;
  before(async () => {
    ({ rec, network } = await build(
      baseArgs({
        create: { availabilityZoneNames: ["us-east-1a", "us-east-1b", "us-east-1c"], isolatedSubnets: true },
      }),
    ));
  });

  it("registers the component with its type token and every child under it", () => {
    const component = one(rec, "network");
    assert.equal(component.type, "tdp:network:Network");
    for (const r of rec.resources) {
      if (
        r.name !== "network" &&
        r.type !== "pulumi:pulumi:Stack" &&
        !r.name.startsWith("network-flow-logs-role-")
      ) {
        assert.ok(r.name.startsWith("network-"), `${r.name} is named after the component`);
      }
    }
  });

  it("passes awsx an explicit VPC: DNS on, planned subnets per tier, a NAT gateway per zone, S3 on every route table", () => {
    const vpc = one(rec, "network-vpc");
    assert.equal(vpc.type, "awsx:ec2:Vpc");
    assert.equal(vpc.parent, one(rec, "network").urn);
    const inputs = vpc.inputs as Record<string, unknown>;
    assert.equal(inputs["cidrBlock"], "10.40.0.0/16");
    assert.deepEqual(inputs["availabilityZoneNames"], ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.equal(inputs["numberOfAvailabilityZones"], undefined);
    assert.equal(inputs["enableDnsHostnames"], true);
    assert.equal(inputs["enableDnsSupport"], true);
    assert.equal(inputs["subnetStrategy"], "Auto");
    assert.deepEqual(inputs["natGateways"], { strategy: "OnePerAz" });
    assert.equal(inputs["vpcEndpointStrategy"], "Auto");
    assert.deepEqual(inputs["vpcEndpointSpecs"], [
      { serviceName: "com.amazonaws.us-east-1.s3", vpcEndpointType: "Gateway" },
    ]);
    const specs = inputs["subnetSpecs"] as { type: string; cidrMask: number; cidrBlocks: string[] }[];
    assert.deepEqual(
      specs.map((s) => [s.type, s.cidrMask, s.cidrBlocks]),
      [
        ["Private", 19, ["10.40.0.0/19", "10.40.64.0/19", "10.40.128.0/19"]],
        ["Public", 22, ["10.40.40.0/22", "10.40.104.0/22", "10.40.168.0/22"]],
        ["Isolated", 21, ["10.40.32.0/21", "10.40.96.0/21", "10.40.160.0/21"]],
      ],
    );
  });

  it("empties the default security group", () => {
    const sg = one(rec, "network-default-sg");
    assert.equal(sg.type, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
    assert.deepEqual(sg.inputs["ingress"], []);
    assert.deepEqual(sg.inputs["egress"], []);
  });

  it("admits only HTTPS from the VPC to the interface endpoints", () => {
    const sg = one(rec, "network-endpoints-sg");
    assert.equal(sg.inputs["namePrefix"], "acme-tdp-production-vpc-endpoints-");
    assert.deepEqual(
      (sg.inputs["ingress"] as Record<string, unknown>[]).map((r) => [
        r["protocol"],
        r["fromPort"],
        r["toPort"],
        r["cidrBlocks"],
      ]),
      [["tcp", 443, 443, ["10.40.0.0/16"]]],
    );
    assert.deepEqual(sg.inputs["egress"], []);
  });

  it("creates every default interface endpoint in the private subnets with private DNS", async () => {
    const endpoints = rec.ofType("aws:ec2/vpcEndpoint:VpcEndpoint");
    assert.deepEqual(
      endpoints.map((e) => e.inputs["serviceName"]).sort(),
      DEFAULT_INTERFACE_ENDPOINTS.map((s) => `com.amazonaws.us-east-1.${s}`).sort(),
    );
    const privateSubnetIds = await value(network.privateSubnetIds);
    assert.ok(privateSubnetIds.length > 0);
    for (const endpoint of endpoints) {
      assert.equal(endpoint.inputs["vpcEndpointType"], "Interface");
      assert.equal(endpoint.inputs["privateDnsEnabled"], true);
      assert.deepEqual(endpoint.inputs["subnetIds"], privateSubnetIds);
      assert.equal((endpoint.inputs["securityGroupIds"] as string[]).length, 1);
    }
  });

  it("encrypts the flow-log group with a rotating, protected key only CloudWatch Logs may use for that group", () => {
    const key = one(rec, "network-flow-logs-key");
    assert.equal(key.inputs["enableKeyRotation"], true);
    assert.equal(key.protect, true);
    assert.equal(key.retainOnDelete, true);
    const policy = JSON.parse(key.inputs["policy"] as string) as { Statement: Record<string, unknown>[] };
    const logs = policy.Statement.find((s) => s["Sid"] === "CloudWatchLogsUsesForTheFlowLogGroupOnly")!;
    assert.deepEqual(logs["Principal"], { Service: "logs.us-east-1.amazonaws.com" });
    const condition = logs["Condition"] as Record<string, Record<string, string>>;
    assert.match(
      condition["ArnEquals"]!["kms:EncryptionContext:aws:logs:arn"]!,
      /^arn:aws:logs:us-east-1:\d{12}:log-group:\/tdp\/acme-tdp-production\/vpc-flow-logs$/,
    );
    const group = one(rec, "network-flow-logs");
    assert.equal(group.inputs["retentionInDays"], 90);
    assert.equal(group.inputs["name"], "/tdp/acme-tdp-production/vpc-flow-logs");
    assert.match(String(group.inputs["kmsKeyId"]), /^arn:aws:kms:/);
  });

  it("sends all traffic to the log group through a role trusted by VPC Flow Logs only", () => {
    const flowLog = one(rec, "network-flow-log");
    assert.equal(flowLog.inputs["trafficType"], "ALL");
    assert.equal(flowLog.inputs["logDestinationType"], "cloud-watch-logs");
    assert.equal(flowLog.inputs["maxAggregationInterval"], 60);
    const role = rec.ofType("aws:iam/role:Role").find((r) => r.name === "network-flow-logs-role-role")!;
    assert.equal(role.inputs["name"], "acme-tdp-production-vpc-flow-logs");
    const trust = JSON.parse(role.inputs["assumeRolePolicy"] as string) as {
      Statement: Record<string, unknown>[];
    };
    assert.deepEqual(trust.Statement[0]!["Principal"], { Service: "vpc-flow-logs.amazonaws.com" });
    const inline = rec.ofType("aws:iam/rolePolicy:RolePolicy")[0]!;
    const doc = JSON.parse(inline.inputs["policy"] as string) as {
      Statement: { Resource: string | string[] }[];
    };
    for (const statement of doc.Statement) {
      assert.notEqual(statement.Resource, "*");
    }
  });

  it("associates a private zone for the private domain with the VPC", async () => {
    const zone = one(rec, "network-private-zone");
    assert.equal(zone.inputs["name"], "ts-dip.internal");
    const vpcs = zone.inputs["vpcs"] as Record<string, unknown>[];
    assert.deepEqual(vpcs, [{ vpcId: await value(network.vpcId), vpcRegion: "us-east-1" }]);
  });

  it("puts every subnet behind a network ACL that never admits RDP or SSH from outside the VPC", async () => {
    const nacl = one(rec, "network-nacl");
    assert.equal(nacl.type, "aws:ec2/networkAcl:NetworkAcl");
    const subnets = [
      ...(await value(network.publicSubnetIds)),
      ...(await value(network.privateSubnetIds)),
      ...(await value(network.isolatedSubnetIds)),
    ];
    assert.deepEqual(nacl.inputs["subnetIds"], subnets);
    const ingress = nacl.inputs["ingress"] as {
      protocol: string;
      fromPort: number;
      toPort: number;
      cidrBlock: string;
    }[];
    const fromOutside = ingress.filter((r) => r.cidrBlock === "0.0.0.0/0");
    for (const port of [22, 3389]) {
      assert.ok(
        !fromOutside.some(
          (r) => (r.protocol === "-1" || r.fromPort <= port) && port <= r.toPort && r.protocol !== "icmp",
        ),
        `port ${port} is not open from 0.0.0.0/0`,
      );
    }
    assert.deepEqual(
      ingress.filter((r) => r.protocol === "-1").map((r) => r.cidrBlock),
      ["10.40.0.0/16"],
    );
    assert.deepEqual(nacl.inputs["egress"], [
      { ruleNo: 100, action: "allow", protocol: "-1", fromPort: 0, toPort: 0, cidrBlock: "0.0.0.0/0" },
    ]);
  });

  it("creates no resolver endpoint unless asked", () => {
    assert.equal(rec.ofType("aws:route53/resolverEndpoint:ResolverEndpoint").length, 0);
  });

  it("exposes every output", async () => {
    assert.equal(network.mode, "create");
    assert.match(await value(network.vpcId), /^vpc-/);
    assert.equal(await value(network.cidrBlock), "10.40.0.0/16");
    assert.deepEqual(await value(network.availabilityZones), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    for (const ids of [network.publicSubnetIds, network.privateSubnetIds, network.isolatedSubnetIds]) {
      const resolved = await value(ids);
      assert.ok(Array.isArray(resolved) && resolved.length > 0);
      resolved.forEach((id) => assert.match(id, /^subnet-/));
    }
    assert.match(await value(network.endpointSecurityGroupId), /^sg-/);
    const endpointIds = await value(network.interfaceEndpointIds);
    assert.deepEqual(Object.keys(endpointIds).sort(), [...DEFAULT_INTERFACE_ENDPOINTS].sort());
    assert.ok(await value(network.privateZoneId));
    assert.equal(await value(network.privateZoneName), "ts-dip.internal");
    const endpoints = await value(network.serviceEndpoints);
    assert.deepEqual(Object.keys(endpoints).sort(), ["cloudformation", "logs", "monitoring", "sqs"]);
    for (const [service, name] of Object.entries(endpoints)) {
      assert.ok(name.includes(service), `${service}: ${name}`);
    }
    assert.equal(await value(network.flowLogGroupName), "/tdp/acme-tdp-production/vpc-flow-logs");
    assert.match(await value(network.flowLogGroupArn), /^arn:aws:logs:/);
    assert.match(await value(network.logsKmsKeyArn), /^arn:aws:kms:/);
    assert.equal(await value(network.resolverInboundEndpointId), undefined);
    assert.deepEqual(await value(network.resolverInboundAddresses), []);
    assert.deepEqual(network.subnetLayout?.private.prefixLength, 19);
    assert.match((await value(network.s3PrefixListId)) ?? "", /^pl-[0-9a-f]{8}$/);
  });
});

describe("Network create-mode options", () => {
  it("uses one NAT gateway and a count of zones when asked, and no S3 endpoint when turned off", async () => {
    const built = await build(
      baseArgs({ create: { natGateways: "single", availabilityZoneCount: 2 }, s3GatewayEndpoint: false }),
    );
    const { rec } = built;
    const inputs = one(rec, "network-vpc").inputs;
    assert.deepEqual(inputs["natGateways"], { strategy: "Single" });
    assert.equal(inputs["numberOfAvailabilityZones"], 2);
    assert.deepEqual(inputs["vpcEndpointSpecs"], []);
    assert.equal(await value(built.network.s3PrefixListId), undefined);
  });

  it("drops the public tier when there is no NAT and no internet exposure", async () => {
    const { rec, network } = await build(baseArgs({ create: { natGateways: "none" } }));
    const specs = one(rec, "network-vpc").inputs["subnetSpecs"] as { type: string }[];
    assert.deepEqual(
      specs.map((s) => s.type),
      ["Private"],
    );
    assert.deepEqual(one(rec, "network-vpc").inputs["natGateways"], { strategy: "None" });
    assert.deepEqual(await value(network.publicSubnetIds), []);
    assert.deepEqual(await value(network.isolatedSubnetIds), []);
  });

  it("uses a given key for the flow logs instead of creating one", async () => {
    const keyArn = "arn:aws:kms:us-east-1:111111111111:key/0f0e0d0c-0b0a-0908-0706-050403020100";
    const { rec, network } = await build(baseArgs({ logsKmsKeyArn: keyArn, logRetentionDays: 365 }));
    assert.equal(rec.ofType("aws:kms/key:Key").length, 0);
    assert.equal(one(rec, "network-flow-logs").inputs["kmsKeyId"], keyArn);
    assert.equal(one(rec, "network-flow-logs").inputs["retentionInDays"], 365);
    assert.equal(await value(network.logsKmsKeyArn), keyArn);
  });

  it("creates a resolver inbound endpoint admitting DNS from the customer's servers only", async () => {
    const { rec, network } = await build(
      baseArgs({ resolverInboundEndpoint: { allowedCidrs: ["10.100.0.0/24", "192.168.10.0/28"] } }),
    );
    const sg = one(rec, "network-resolver-sg");
    assert.deepEqual(
      (sg.inputs["ingress"] as Record<string, unknown>[]).map((r) => [
        r["protocol"],
        r["fromPort"],
        r["cidrBlocks"],
      ]),
      [
        ["udp", 53, ["10.100.0.0/24", "192.168.10.0/28"]],
        ["tcp", 53, ["10.100.0.0/24", "192.168.10.0/28"]],
      ],
    );
    assert.deepEqual(sg.inputs["egress"], []);
    const resolver = one(rec, "network-resolver-inbound");
    assert.equal(resolver.inputs["direction"], "INBOUND");
    const privateSubnetIds = await value(network.privateSubnetIds);
    assert.deepEqual(
      resolver.inputs["ipAddresses"],
      privateSubnetIds.map((subnetId) => ({ subnetId })),
    );
    assert.ok(await value(network.resolverInboundEndpointId));
  });

  it("gives the Windows workers an override where one is set", async () => {
    const { network } = await build(
      baseArgs({ serviceEndpoints: { sqs: "sqs.proxy.example.com" }, interfaceEndpoints: ["logs"] }),
    );
    const endpoints = await value(network.serviceEndpoints);
    assert.equal(endpoints.sqs, "sqs.proxy.example.com");
    assert.equal(endpoints.monitoring, "monitoring.us-east-1.amazonaws.com");
    assert.equal(endpoints.cloudformation, "cloudformation.us-east-1.amazonaws.com");
  });

  it("registers nothing when an argument is invalid", async () => {
    await assert.rejects(
      offline.record(() => {
        new Network("network", baseArgs({ privateDomain: "internal" }));
      }),
      /privateDomain "internal" is not a lowercase DNS name/,
    );
  });
});

describe("Network in adopt mode", () => {
  let rec: Recording;
  let network: Network;
  const adopted = goodAdoptedVpc({ additionalCidrBlocks: ["100.64.0.0/16"] });
  before(async () => {
    ({ rec, network } = await build(baseArgs({ adopt: adopted, internetFacing: true })));
  });

  it("creates no VPC and puts the S3 gateway endpoint on every route table", () => {
    assert.equal(rec.ofType("awsx:ec2:Vpc").length, 0);
    const s3 = one(rec, "network-endpoint-s3");
    assert.equal(s3.inputs["vpcId"], VPC_ID);
    assert.equal(s3.inputs["vpcEndpointType"], "Gateway");
    assert.equal(s3.inputs["serviceName"], "com.amazonaws.us-east-1.s3");
    assert.deepEqual(s3.inputs["routeTableIds"], ["rtb-00000000000000001", "rtb-00000000000000002"]);
  });

  it("places interface endpoints in one private subnet per zone and admits every VPC block", () => {
    const logs = one(rec, "network-endpoint-logs");
    assert.deepEqual(logs.inputs["subnetIds"], [
      "subnet-00000000000000a01",
      "subnet-00000000000000a02",
      "subnet-00000000000000a03",
    ]);
    const sg = one(rec, "network-endpoints-sg");
    assert.deepEqual((sg.inputs["ingress"] as Record<string, unknown>[])[0]!["cidrBlocks"], [
      "10.20.0.0/16",
      "100.64.0.0/16",
    ]);
  });

  it("still empties the default security group, logs flows and creates the private zone", () => {
    assert.equal(one(rec, "network-default-sg").inputs["vpcId"], VPC_ID);
    assert.equal(one(rec, "network-flow-log").inputs["vpcId"], VPC_ID);
    assert.deepEqual(one(rec, "network-private-zone").inputs["vpcs"], [
      { vpcId: VPC_ID, vpcRegion: "us-east-1" },
    ]);
  });

  it("exposes the adopted ids as outputs", async () => {
    assert.equal(network.mode, "adopt");
    assert.equal(await value(network.vpcId), VPC_ID);
    assert.equal(await value(network.cidrBlock), "10.20.0.0/16");
    assert.deepEqual(
      await value(network.privateSubnetIds),
      adopted.privateSubnets.map((s) => s.id),
    );
    assert.deepEqual(
      await value(network.publicSubnetIds),
      adopted.publicSubnets!.map((s) => s.id),
    );
    assert.deepEqual(await value(network.isolatedSubnetIds), ["subnet-00000000000000c01"]);
    assert.deepEqual(await value(network.availabilityZones), ["us-east-1a", "us-east-1b", "us-east-1c"]);
    assert.match(await value(network.endpointSecurityGroupId), /^sg-/);
    assert.equal(await value(network.privateZoneName), "ts-dip.internal");
    assert.ok(await value(network.privateZoneId));
    const endpoints = await value(network.serviceEndpoints);
    assert.deepEqual(Object.keys(endpoints).sort(), ["cloudformation", "logs", "monitoring", "sqs"]);
    for (const [service, name] of Object.entries(endpoints)) {
      assert.match(name, new RegExp(`^vpce-[0-9a-f-]+\\.${service}\\.us-east-1\\.vpce\\.amazonaws\\.com$`));
    }
    assert.deepEqual(await value(network.availabilityZoneIds), ["use1-az1", "use1-az2", "use1-az4"]);
    assert.equal(
      Object.keys(await value(network.interfaceEndpointIds)).length,
      DEFAULT_INTERFACE_ENDPOINTS.length,
    );
    assert.equal(await value(network.flowLogGroupName), "/tdp/acme-tdp-production/vpc-flow-logs");
    assert.match(await value(network.flowLogGroupArn), /^arn:aws:logs:us-east-1:/);
    assert.match(await value(network.logsKmsKeyArn), /^arn:aws:kms:us-east-1:/);
    assert.equal(await value(network.resolverInboundEndpointId), undefined);
    assert.deepEqual(await value(network.resolverInboundAddresses), []);
    assert.equal(await value(network.privateLinkEndpointId), undefined);
    assert.equal(network.vpc, undefined);
    assert.equal(network.subnetLayout, undefined);
  });

  it("refuses an adopted VPC that breaks a seed rule, before registering anything", async () => {
    await assert.rejects(
      offline.record(() => {
        new Network("network", baseArgs({ adopt: goodAdoptedVpc({ enableDnsHostnames: false }) }));
      }),
      /vpcId: vpc-0a1b2c3d4e5f60718 has DNS hostnames disabled/,
    );
  });
});

describe("Network PrivateLink (seed 002)", () => {
  const serviceName = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0";
  let rec: Recording;
  let network: Network;
  before(async () => {
    ({ rec, network } = await build(
      baseArgs({
        privateLink: {
          serviceName,
          allowedCidrs: ["10.40.0.0/16", "10.100.0.0/16"],
          dnsNames: ["api.platform.tetrascience.com", "platform.tetrascience.com"],
        },
      }),
    ));
  });

  it("creates an interface endpoint to the TDP service behind its own security group", async () => {
    const endpoint = one(rec, "network-privatelink-endpoint");
    assert.equal(endpoint.inputs["serviceName"], serviceName);
    assert.equal(endpoint.inputs["vpcEndpointType"], "Interface");
    assert.equal(endpoint.inputs["privateDnsEnabled"], false);
    assert.deepEqual(endpoint.inputs["subnetIds"], await value(network.privateSubnetIds));
    const sg = one(rec, "network-privatelink-sg");
    assert.deepEqual(
      (sg.inputs["ingress"] as Record<string, unknown>[]).map((r) => [
        r["protocol"],
        r["fromPort"],
        r["cidrBlocks"],
      ]),
      [["tcp", 443, ["10.40.0.0/16", "10.100.0.0/16"]]],
    );
    assert.deepEqual(sg.inputs["egress"], []);
  });

  it("resolves each TDP hostname to the endpoint through a private zone of its own", async () => {
    const dnsName = await value(network.privateLinkDnsName);
    assert.match(String(dnsName), /^vpce-.*\.vpce\.amazonaws\.com$/);
    for (const host of ["api.platform.tetrascience.com", "platform.tetrascience.com"]) {
      const role = host.replace(/\./g, "-");
      const zone = one(rec, `network-privatelink-zone-${role}`);
      assert.equal(zone.inputs["name"], host);
      assert.deepEqual(zone.inputs["vpcs"], [{ vpcId: await value(network.vpcId), vpcRegion: "us-east-1" }]);
      const record = one(rec, `network-privatelink-record-${role}`);
      assert.equal(record.inputs["name"], host);
      assert.equal(record.inputs["type"], "A");
      const aliases = record.inputs["aliases"] as Record<string, unknown>[];
      assert.equal(aliases[0]!["name"], dnsName);
      assert.equal(aliases[0]!["evaluateTargetHealth"], false);
    }
    assert.ok(await value(network.privateLinkEndpointId));
  });

  it("gives the zone ids of the zones in use (seed 002 asks for them)", async () => {
    assert.deepEqual(await value(network.availabilityZoneIds), ["use1-az1", "use1-az2", "use1-az4"]);
  });

  it("has no PrivateLink outputs when not asked", async () => {
    const { rec: plain, network: other } = await build(baseArgs());
    assert.equal(plain.named("network-privatelink-endpoint"), undefined);
    assert.equal(await value(other.privateLinkEndpointId), undefined);
    assert.equal(await value(other.privateLinkDnsName), undefined);
  });
});

describe("networkAclIngressRules", () => {
  it("opens 53 to the resolver's clients only and numbers every rule uniquely", () => {
    const rules = networkAclIngressRules(
      ["10.40.0.0/16", "100.64.0.0/16"],
      ["10.100.0.0/24", "10.101.0.0/24"],
    );
    const dns = rules.filter((r) => r.fromPort === 53);
    assert.deepEqual(
      dns.map((r) => [r.protocol, r.cidrBlock]),
      [
        ["udp", "10.100.0.0/24"],
        ["tcp", "10.100.0.0/24"],
        ["udp", "10.101.0.0/24"],
        ["tcp", "10.101.0.0/24"],
      ],
    );
    assert.equal(new Set(rules.map((r) => r.ruleNo)).size, rules.length);
    assert.ok(rules.length <= 20, "an ACL holds 20 inbound rules");
  });

  it("leaves the ACL out when asked, and in adopt mode", async () => {
    const { rec } = await build(baseArgs({ create: { networkAcl: false } }));
    assert.equal(rec.named("network-nacl"), undefined);
    const { rec: adopted } = await build(baseArgs({ adopt: goodAdoptedVpc() }));
    assert.equal(adopted.named("network-nacl"), undefined);
  });
});

describe("noPublicIpOnLaunch (the transform on awsx's subnets)", () => {
  const run = (type: string, props: Record<string, unknown>) =>
    noPublicIpOnLaunch({ type, name: "x", props, opts: {}, custom: true } as Parameters<
      typeof noPublicIpOnLaunch
    >[0]);

  it("turns off public IPs on launch for every subnet awsx creates (FSBP EC2.15)", () => {
    const result = run("aws:ec2/subnet:Subnet", { cidrBlock: "10.40.40.0/22", mapPublicIpOnLaunch: true });
    assert.deepEqual(result, { props: { cidrBlock: "10.40.40.0/22", mapPublicIpOnLaunch: false }, opts: {} });
  });

  it("leaves every other resource alone", () => {
    assert.equal(run("aws:ec2/natGateway:NatGateway", { subnetId: "subnet-1" }), undefined);
  });
});
