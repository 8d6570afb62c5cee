import { strict as assert } from "node:assert";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { offline } from "../src";

/** A component of a made-up package, with children the way our packages write them. */
class Thing extends pulumi.ComponentResource {
  readonly bucketArn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;

  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:test:Thing", name, {}, opts);
    const key = new aws.kms.Key(`${name}-key`, { enableKeyRotation: true }, { parent: this, protect: true });
    const bucket = new aws.s3.Bucket(
      `${name}-bucket`,
      { tags: { Purpose: "test" } },
      { parent: this, dependsOn: [key], retainOnDelete: true },
    );
    new aws.ssm.Parameter(
      `${name}-password`,
      { type: "SecureString", value: pulumi.secret("hunter2"), keyId: key.arn },
      { parent: this },
    );
    this.bucketArn = bucket.arn;
    this.keyId = key.keyId;
    this.registerOutputs({ bucketArn: this.bucketArn });
  }
}

const STACK = "urn:pulumi:test::tdp::";

describe("offline engine: recording", () => {
  afterEach(() => offline.reset());

  it("records components and custom resources with URNs, parents and options", async () => {
    const rec = await offline.record(() => {
      new Thing("t");
    });
    const thing = rec.one("tdp:test:Thing");
    assert.equal(thing.urn, `${STACK}tdp:test:Thing::t`);
    assert.equal(thing.custom, false);
    assert.match(thing.parent ?? "", /::pulumi:pulumi:Stack::tdp-test$/);

    const key = rec.one("aws:kms/key:Key", "t-key");
    assert.equal(key.urn, `${STACK}tdp:test:Thing$aws:kms/key:Key::t-key`);
    assert.equal(key.parent, thing.urn);
    assert.equal(key.custom, true);
    assert.equal(key.protect, true);
    assert.equal(key.retainOnDelete, false);
    assert.equal(key.inputs["enableKeyRotation"], true);

    const bucket = rec.one("aws:s3/bucket:Bucket");
    assert.equal(bucket.retainOnDelete, true);
    assert.equal(bucket.protect, false);
    assert.deepEqual(bucket.dependencies, [key.urn]);
    assert.deepEqual(bucket.inputs["tags"], { Purpose: "test" });
    assert.deepEqual(
      rec.childrenOf(thing).map((r) => r.name),
      ["t-key", "t-bucket", "t-password"],
    );
  });

  it("writes secrets as [secret] and records the dependency an input output carries", async () => {
    const rec = await offline.record(() => {
      new Thing("s");
    });
    const parameter = rec.one("aws:ssm/parameter:Parameter");
    assert.equal(parameter.inputs["value"], "[secret]");
    assert.match(
      String(parameter.inputs["keyId"]),
      /^arn:aws:kms:us-east-1:111111111111:key\/[0-9a-f-]{36}$/,
    );
    assert.ok(parameter.dependencies.includes(rec.one("aws:kms/key:Key").urn));
    assert.ok(!JSON.stringify(rec.resources).includes("hunter2"));
  });

  it("records resource references as the referenced URN and the provider without its id", async () => {
    const rec = await offline.record(() => {
      const provider = new aws.Provider("p", { region: "eu-west-1" });
      const role = new aws.iam.Role(
        "r",
        { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) },
        { provider },
      );
      new aws.iam.RolePolicyAttachment("a", { role, policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess" });
    });
    const role = rec.one("aws:iam/role:Role");
    assert.equal(role.provider, `${STACK}pulumi:providers:aws::p`);
    const attachment = rec.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    // A Role object passed as an input travels as a resource reference.
    assert.equal(attachment.inputs["role"], role.urn);
    assert.deepEqual(attachment.dependencies, [role.urn]);
  });

  it("returns the stack outputs, with secrets as [secret]", async () => {
    const rec = await offline.record(() => {
      const thing = new Thing("o");
      return { arn: thing.bucketArn, secret: pulumi.secret("shh"), plain: 3 };
    });
    assert.match(String(rec.outputs["arn"]), /^arn:aws:s3:::o-bucket-[0-9a-f]{7}$/);
    assert.equal(rec.outputs["secret"], "[secret]");
    assert.equal(rec.outputs["plain"], 3);
  });

  it("resolves outputs with outputValue", async () => {
    let thing: Thing | undefined;
    await offline.record(() => {
      thing = new Thing("v");
    });
    assert.match(await offline.outputValue(thing!.keyId), /^[0-9a-f]{8}-[0-9a-f]{4}-/);
    assert.equal(await offline.outputValue(pulumi.secret("x")), "x");
    assert.equal(await offline.outputValue("plain"), "plain");
  });

  it("one() names the type and what was registered when there is not exactly one", async () => {
    const rec = await offline.record(() => {
      new Thing("a");
      new Thing("b");
    });
    assert.throws(
      () => rec.one("aws:kms/key:Key"),
      /expected exactly one aws:kms\/key:Key, found 2 \(registered: a-key, b-key\)/,
    );
    assert.throws(() => rec.one("aws:kms/key:Key", "c-key"), /named c-key, found 0/);
    assert.equal(rec.named("b-bucket")?.type, "aws:s3/bucket:Bucket");
    assert.equal(rec.ofType("tdp:test:Thing").length, 2);
  });

  it("rejects when the program throws, and records nothing of the failed run afterwards", async () => {
    await assert.rejects(
      offline.record(() => {
        throw new Error("bad args: size 0 — must be at least 1");
      }),
      /bad args: size 0/,
    );
    const rec = await offline.record(() => undefined);
    assert.deepEqual(
      rec.resources.map((r) => r.type),
      ["pulumi:pulumi:Stack"],
    );
  });

  it("synthesises deterministic ids and ARNs", async () => {
    let vpcId: pulumi.Output<string> | undefined;
    await offline.record(() => {
      vpcId = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" }).id;
    });
    const id = await offline.outputValue(vpcId!);
    assert.match(id, /^vpc-[0-9a-f]{17}$/);
    let again: pulumi.Output<string> | undefined;
    await offline.record(() => {
      again = new aws.ec2.Vpc("net", { cidrBlock: "10.0.0.0/16" }).id;
    });
    assert.equal(await offline.outputValue(again!), id);
    let logArn: pulumi.Output<string> | undefined;
    await offline.record(() => {
      logArn = new aws.cloudwatch.LogGroup("logs", { name: "/tdp/app", retentionInDays: 90 }).arn;
    });
    assert.equal(
      await offline.outputValue(logArn!),
      "arn:aws:logs:us-east-1:111111111111:log-group:/tdp/app",
    );
  });

  it("gives the resources of an AWS provider for another region that region's ARNs", async () => {
    let here: pulumi.Output<string> | undefined;
    let there: pulumi.Output<string> | undefined;
    await offline.record(() => {
      const west = new aws.Provider("west", { region: "us-west-2" });
      here = new aws.backup.Vault("here", { name: "here" }).arn;
      there = new aws.backup.Vault("there", { name: "there" }, { provider: west }).arn;
    });
    assert.equal(await offline.outputValue(here!), "arn:aws:backup:us-east-1:111111111111:backup-vault:here");
    assert.equal(
      await offline.outputValue(there!),
      "arn:aws:backup:us-west-2:111111111111:backup-vault:there",
    );
  });
});
