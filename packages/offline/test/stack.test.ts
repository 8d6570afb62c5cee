import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { SECRET_CONFIG_PLACEHOLDER, offline, readStackFile } from "../src";

const fixture = (file: string) => path.join(__dirname, "fixtures", file);

/** A small program standing in for stacks/: reads config as a program does and exports it. */
async function configProgram(): Promise<Record<string, unknown>> {
  const tdp = new pulumi.Config("tdp");
  const platform = tdp.getObject<{ infrastructureName?: string; tags?: Record<string, string> }>("platform");
  const sso = tdp.getObject<{ clientId: string }>("sso");
  new aws.s3.Bucket("bucket", { tags: platform?.tags });
  const identity = aws.getCallerIdentityOutput();
  return {
    stack: pulumi.getStack(),
    region: new pulumi.Config("aws").get("region") ?? null,
    infrastructureName: platform?.infrastructureName ?? null,
    other: tdp.get("other") ?? null,
    count: tdp.getNumber("count") ?? null,
    clientId: sso?.clientId ?? null,
    licenceKey: tdp.getSecret("licenceKey") ?? null,
    account: identity.accountId,
  };
}

describe("offline engine: stack files and config", () => {
  afterEach(() => offline.reset());

  it("reads a stack file as the CLI hands it over: objects as JSON, secure values as secret placeholders", () => {
    const { config, secretKeys } = readStackFile(fixture("stack-secure.yaml"));
    assert.equal(config["aws:region"], "eu-west-1");
    assert.deepEqual(JSON.parse(config["tdp:platform"]!), {
      infrastructureName: "fixture",
      accountId: "333333333333",
      tags: { Team: "offline" },
    });
    assert.equal(config["tdp:licenceKey"], SECRET_CONFIG_PLACEHOLDER);
    assert.deepEqual(JSON.parse(config["tdp:sso"]!), {
      clientId: "plain-client",
      clientSecret: SECRET_CONFIG_PLACEHOLDER,
    });
    assert.equal(config["tdp:count"], "3");
    assert.deepEqual(secretKeys.sort(), ["tdp:licenceKey", "tdp:sso"]);
  });

  describe("ESC environments", () => {
    let dir: string;
    const write = (file: string, text: string) => {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), text);
      return path.join(dir, file);
    };
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), "offline-esc-"));
      write(
        "environments/fixture-secrets.yaml",
        [
          "values:",
          "  pulumiConfig:",
          "    tdp:sso:",
          "      clientSecret:",
          "        fn::secret: placeholder",
          "      clientId: from-environment",
          "    tdp:only: {fn::secret: {ciphertext: ZXNj}}",
        ].join("\n"),
      );
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("merges <stack>-secrets under the stack file: objects key by key, the stack's values win, fn::secret as secret", () => {
      const file = write(
        "Pulumi.fixture.yaml",
        "config:\n  tdp:sso:\n    clientId: from-stack\n  tdp:plain: x\n",
      );
      const { config, secretKeys, environments } = readStackFile(file);
      assert.deepEqual(environments, [path.join(dir, "environments", "fixture-secrets.yaml")]);
      assert.deepEqual(JSON.parse(config["tdp:sso"]!), {
        clientSecret: SECRET_CONFIG_PLACEHOLDER,
        clientId: "from-stack",
      });
      assert.equal(config["tdp:only"], SECRET_CONFIG_PLACEHOLDER);
      assert.equal(config["tdp:plain"], "x");
      assert.deepEqual(secretKeys.sort(), ["tdp:only", "tdp:sso"]);
    });

    it("takes a secure value of the stack file over the environment's, and reads the environments it imports", () => {
      write("environments/shared.yaml", "values:\n  pulumiConfig:\n    tdp:shared: yes-shared\n");
      const file = write(
        "Pulumi.other.yaml",
        "environment:\n  - tdp/shared\n  - fixture-secrets\nconfig:\n  tdp:only:\n    secure: AAAB\n",
      );
      const { config, secretKeys, environments } = readStackFile(file);
      assert.equal(environments.length, 2);
      assert.equal(config["tdp:shared"], "yes-shared");
      assert.equal(config["tdp:only"], SECRET_CONFIG_PLACEHOLDER);
      assert.ok(secretKeys.includes("tdp:only"));
    });

    it("fails on an imported environment with no committed definition", () => {
      const file = write("Pulumi.third.yaml", "environment:\n  - tdp/missing\nconfig: {}\n");
      assert.throws(
        () => readStackFile(file),
        /imports the ESC environment tdp\/missing, but no definition environments\/missing\.yaml/,
      );
    });
  });

  it("names the file when a stack file cannot be read", () => {
    assert.throws(
      () => readStackFile(fixture("no-such-file.yaml")),
      /cannot read the stack file .*no-such-file\.yaml/,
    );
  });

  it("runs a program with a stack file: stack name, config, secrets and the config's account", async () => {
    const rec = await offline.runStack({
      stack: "fixture",
      configFile: fixture("stack-secure.yaml"),
      program: configProgram,
    });
    assert.equal(rec.outputs["stack"], "fixture");
    assert.equal(rec.outputs["region"], "eu-west-1");
    assert.equal(rec.outputs["infrastructureName"], "fixture");
    assert.equal(rec.outputs["count"], 3);
    assert.equal(rec.outputs["clientId"], "plain-client");
    assert.equal(rec.outputs["licenceKey"], "[secret]");
    assert.equal(rec.outputs["account"], "333333333333");
    const bucket = rec.one("aws:s3/bucket:Bucket");
    assert.equal(bucket.urn, "urn:pulumi:fixture::tdp::aws:s3/bucket:Bucket::bucket");
    assert.deepEqual(bucket.inputs["tags"], { Team: "offline" });
  });

  it("runs two stacks one after the other in one process, each with only its own config", async () => {
    const first = await offline.runStack({
      stack: "one",
      configFile: fixture("stack-secure.yaml"),
      program: configProgram,
    });
    const second = await offline.runStack({
      stack: "two",
      configFile: fixture("stack-other.yaml"),
      program: configProgram,
    });
    assert.equal(first.outputs["stack"], "one");
    assert.equal(second.outputs["stack"], "two");
    assert.equal(second.outputs["region"], "us-west-2");
    assert.equal(second.outputs["other"], "value");
    assert.equal(second.outputs["infrastructureName"], null);
    assert.equal(second.outputs["account"], "111111111111");
    assert.ok(second.resources.every((r) => r.urn.startsWith("urn:pulumi:two::tdp::")));
  });

  it("setConfig takes objects and numbers as JSON text, like the CLI", async () => {
    offline.setConfig({ "tdp:platform": { infrastructureName: "direct" }, "tdp:count": 7 });
    const rec = await offline.record(configProgram);
    assert.equal(rec.outputs["infrastructureName"], "direct");
    assert.equal(rec.outputs["count"], 7);
    offline.reset();
    const cleared = await offline.record(configProgram);
    assert.equal(cleared.outputs["infrastructureName"], null);
  });
});

describe("offline engine: stack references", () => {
  let plans: string;

  before(() => {
    plans = mkdtempSync(path.join(tmpdir(), "offline-plans-"));
    writeFileSync(
      path.join(plans, "dr.json"),
      JSON.stringify({
        project: "tdp",
        stack: "dr",
        resources: [],
        outputs: { bucketArn: "arn:aws:s3:::dr-bucket" },
      }),
    );
  });
  after(() => rmSync(plans, { recursive: true, force: true }));
  afterEach(() => offline.reset());

  it("resolves a reference (org/project/stack or a bare name) to that stack's plan outputs", async () => {
    offline.setPlansDir(plans);
    let full: pulumi.Output<unknown> | undefined;
    let bare: pulumi.Output<unknown> | undefined;
    const rec = await offline.record(() => {
      full = new pulumi.StackReference("dr-full", { name: "acme/tdp/dr" }).getOutput("bucketArn");
      bare = new pulumi.StackReference("dr").getOutput("bucketArn");
    });
    assert.equal(await offline.outputValue(full!), "arn:aws:s3:::dr-bucket");
    assert.equal(await offline.outputValue(bare!), "arn:aws:s3:::dr-bucket");
    assert.equal(rec.ofType("pulumi:pulumi:StackReference").length, 2);
  });

  it("refuses a reference to another project's stack: only this project has plans", async () => {
    offline.setPlansDir(plans);
    await assert.rejects(
      offline.record(() => {
        new pulumi.StackReference("elsewhere", { name: "acme/other/dr" }).getOutput("x");
      }),
      /names the project other; the offline engine has plans of the project tdp only/,
    );
  });

  it("fails with what to run when the referenced stack has no plan", async () => {
    offline.setPlansDir(plans);
    await assert.rejects(
      offline.record(() => {
        new pulumi.StackReference("missing", { name: "acme/tdp/nowhere" }).getOutput("x");
      }),
      /needs the offline plan .*nowhere\.json: run pnpm plan nowhere first/,
    );
  });
});

describe("offline engine: pulumi:disable-default-providers", () => {
  afterEach(() => offline.reset());
  const disabled = { "aws:region": "eu-west-1", "pulumi:disable-default-providers": ["aws"] };

  it("refuses a resource of a disabled package on the default provider, as the engine does", async () => {
    offline.setConfig(disabled);
    await assert.rejects(
      offline.record(() => new aws.s3.Bucket("orphan")),
      /Default provider for 'aws' disabled\. 'aws:s3\/bucket:Bucket' must use an explicit provider/,
    );
  });

  it("refuses an invoke of a disabled package without a provider", async () => {
    offline.setConfig(disabled);
    await assert.rejects(
      offline.record(() => aws.getCallerIdentityOutput({}).accountId),
      /Default provider for 'aws' disabled\. 'aws:index\/getCallerIdentity:getCallerIdentity' must use an explicit provider/,
    );
  });

  it("accepts resources and invokes with an explicit or inherited provider", async () => {
    offline.setConfig(disabled);
    const rec = await offline.record(() => {
      const provider = new aws.Provider("explicit", { region: "eu-west-1" });
      new aws.s3.Bucket("owned", {}, { provider });
      const parent = new pulumi.ComponentResource("tdp:test:Parent", "parent", {}, { providers: [provider] });
      new aws.s3.Bucket("inherited", {}, { parent });
      return { account: aws.getCallerIdentityOutput({}, { parent }).accountId };
    });
    assert.equal(rec.ofType("aws:s3/bucket:Bucket").length, 2);
    assert.equal(rec.outputs["account"], "111111111111");
  });

  it("is a stack file's setting: a component recorded after that stack's run does not inherit it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "disabled-providers-"));
    try {
      const file = path.join(dir, "Pulumi.strict.yaml");
      writeFileSync(
        file,
        "config:\n  aws:region: eu-west-1\n  pulumi:disable-default-providers:\n    - aws\n",
      );
      await assert.rejects(
        offline.runStack({ stack: "strict", configFile: file, program: configProgram }),
        /Default provider for 'aws' disabled/,
      );
      const rec = await offline.record(() => {
        new aws.s3.Bucket("after-the-stack");
      });
      assert.equal(rec.ofType("aws:s3/bucket:Bucket").length, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a value that is not a list of package names", () => {
    assert.throws(
      () => offline.setConfig({ "pulumi:disable-default-providers": [1] }),
      /pulumi:disable-default-providers must be a list of package names/,
    );
  });
});
