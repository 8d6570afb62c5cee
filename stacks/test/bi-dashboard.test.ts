import { strict as assert } from "node:assert";

import type { Recording } from "@tdp/offline";
import { SECRET_CONFIG_PLACEHOLDER, offline } from "@tdp/offline";

describe("prod stack: the BI dashboard (tdp:biDashboard)", () => {
  let rec: Recording;

  before(async () => {
    rec = await offline.runStackShared("prod");
  });
  after(() => offline.reset());

  it("deploys one BiDashboard under the stack, its children on the tagged provider", () => {
    const component = rec.one("tdp:bi-dashboard:BiDashboard");
    assert.equal(component.name, "bi-dashboard");
    const alb = rec.one("aws:lb/loadBalancer:LoadBalancer", "bi-dashboard-alb");
    assert.match(String(alb.provider), /pulumi:providers:aws::aws$/);
    assert.equal(alb.inputs["name"], "acme-tdp-production-bi-alb");
  });

  it("uses the network's interface endpoints (createVpcEndpoints: false)", () => {
    const own = rec
      .ofType("aws:ec2/vpcEndpoint:VpcEndpoint")
      .filter((e) => e.name.startsWith("bi-dashboard-"));
    assert.deepEqual(own, []);
    const network = rec.outputs["network"] as Record<string, unknown>;
    assert.ok(network["endpointSecurityGroupId"]);
  });

  it("AZs guessed as <region>a/b, ASG in one subnet only: everything spans the network's private subnets", () => {
    const network = rec.outputs["network"] as Record<string, unknown>;
    const privateSubnets = network["privateSubnetIds"] as string[];
    assert.equal(privateSubnets.length, 3);
    const asg = rec.one("aws:autoscaling/group:Group", "bi-dashboard-asg");
    assert.deepEqual(asg.inputs["vpcZoneIdentifiers"], privateSubnets);
    assert.equal(asg.inputs["minSize"], 2);
    assert.equal(asg.inputs["maxSize"], 5);
    const mounts = rec.ofType("aws:efs/mountTarget:MountTarget");
    assert.deepEqual(mounts.map((m) => m.inputs["subnetId"]).sort(), [...privateSubnets].sort());
    const dbSubnets = rec.one("aws:rds/subnetGroup:SubnetGroup", "bi-dashboard-db-subnets");
    assert.deepEqual(dbSubnets.inputs["subnetIds"], privateSubnets);
    const alb = rec.one("aws:lb/loadBalancer:LoadBalancer", "bi-dashboard-alb");
    assert.equal(alb.inputs["internal"], true);
    assert.deepEqual(alb.inputs["subnets"], privateSubnets);
  });

  it("encrypts the instances' root volumes with the data layer's compute key, not aws/ebs", () => {
    const keyArns = (rec.outputs["data"] as Record<string, unknown>)["keyArns"] as Record<string, string>;
    assert.match(String(keyArns["compute"]), /^arn:aws:kms:us-east-1:\d{12}:key\//);
    const template = rec.one("aws:ec2/launchTemplate:LaunchTemplate", "bi-dashboard-launch-template");
    const mappings = template.inputs["blockDeviceMappings"] as { ebs: Record<string, unknown> }[];
    assert.equal(mappings.length, 1);
    assert.equal(mappings[0]!.ebs["kmsKeyId"], keyArns["compute"]);
    assert.equal(mappings[0]!.ebs["encrypted"], "true");
  });

  it("one NAT gateway: the prod network has one per zone", () => {
    const vpc = rec.one("awsx:ec2:Vpc");
    assert.deepEqual(vpc.inputs["natGateways"], { strategy: "OnePerAz" });
  });

  it("the rotation function reaches the network's Secrets Manager endpoint (443 from the VPC)", () => {
    const egress = rec.one(
      "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
      "bi-dashboard-rotation-to-endpoints",
    );
    assert.equal(egress.inputs["cidrIpv4"], "10.40.0.0/16");
    const fn = rec.one("aws:lambda/function:Function", "bi-dashboard-rotation");
    const network = rec.outputs["network"] as Record<string, unknown>;
    assert.deepEqual(
      (fn.inputs["vpcConfig"] as Record<string, unknown>)["subnetIds"],
      network["privateSubnetIds"],
    );
    const rotation = rec.one("aws:secretsmanager/secretRotation:SecretRotation");
    assert.equal(
      rotation.inputs["rotationLambdaArn"],
      "arn:aws:lambda:us-east-1:111111111111:function:acme-tdp-production-bi-db-rotation",
    );
    const endpointSg = rec.one("aws:ec2/securityGroup:SecurityGroup", "network-endpoints-sg");
    const https = (endpointSg.inputs["ingress"] as Record<string, unknown>[]).find(
      (r) => r["fromPort"] === 443,
    );
    assert.deepEqual(https?.["cidrBlocks"], ["10.40.0.0/16"], "the network's endpoints admit the whole VPC");
  });

  it("licence key not a secret: the prod licence is a secret in the plan and nowhere in clear", () => {
    const value = rec.one(
      "aws:secretsmanager/secretVersion:SecretVersion",
      "bi-dashboard-licence-secret-value",
    );
    assert.equal(value.inputs["secretString"], "[secret]");
    assert.ok(!JSON.stringify(rec.resources).includes(SECRET_CONFIG_PLACEHOLDER));
  });

  it("the sync function is the bundled handler of src/sync/handler.ts", () => {
    const fn = rec.one("aws:lambda/function:Function", "bi-dashboard-sync");
    assert.ok(fn.inputs["code"], "an archive (recorded as its content hash)");
    assert.equal(fn.inputs["handler"], "index.handler");
    assert.equal(fn.inputs["runtime"], "nodejs22.x");
  });

  it("no outputs (not even the ALB DNS name): the stack exports the dashboard's", () => {
    const out = rec.outputs["biDashboard"] as Record<string, unknown>;
    for (const key of ["url", "albDnsName", "asgName", "dbEndpoint", "secretArn", "bucketName", "efsId"]) {
      assert.ok(out[key], key);
    }
    assert.equal(out["url"], "https://bi.acme-corp.example.com");
    assert.equal(out["bucketName"], "acme-tdp-production-bi-resources");
  });
});
