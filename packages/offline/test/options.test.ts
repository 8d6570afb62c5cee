import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { PlanFile } from "../src";
import { PROJECT, REPO_ROOT, offline, planJson, toPlan } from "../src";

class Holder extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:test:Holder", name, {}, opts);
    this.registerOutputs({});
  }
}

describe("offline engine: options and providers of a registration", () => {
  afterEach(() => offline.reset());

  it("records providers and the update options that are set, in a stable order, and nothing else", async () => {
    const record = () =>
      offline.record(() => {
        const provider = new aws.Provider("tagged", { region: "eu-west-1" });
        const holder = new Holder("holder", { providers: [provider] });
        new aws.s3.Bucket(
          "bucket",
          {},
          {
            parent: holder,
            ignoreChanges: ["tags", "acl"],
            deleteBeforeReplace: true,
            replaceOnChanges: ["bucket"],
            aliases: [{ name: "old-bucket" }],
            additionalSecretOutputs: ["policy"],
            customTimeouts: { create: "30m", delete: "1h" },
          },
        );
        new aws.sqs.Queue("plain", {}, { parent: holder });
      });
    const rec = await record();
    const holder = rec.one("tdp:test:Holder");
    assert.deepEqual(holder.providers, { aws: "urn:pulumi:test::tdp::pulumi:providers:aws::tagged" });
    const bucket = rec.one("aws:s3/bucket:Bucket");
    assert.equal(bucket.provider, "urn:pulumi:test::tdp::pulumi:providers:aws::tagged");
    assert.deepEqual(bucket.options?.ignoreChanges, ["acl", "tags"]);
    assert.equal(bucket.options?.deleteBeforeReplace, true);
    assert.deepEqual(bucket.options?.replaceOnChanges, ["bucket"]);
    assert.ok(bucket.options?.additionalSecretOutputs?.includes("policy"));
    assert.deepEqual(bucket.options?.customTimeouts, { create: "30m", delete: "1h" });
    assert.deepEqual(bucket.options?.aliases?.[0], {
      name: "old-bucket",
      parentUrn: "urn:pulumi:test::tdp::tdp:test:Holder::holder",
    });
    const queue = rec.one("aws:sqs/queue:Queue");
    assert.equal(queue.options, undefined);
    assert.equal(queue.providers, undefined);
    // In the plan: after provider, and the same bytes on a second run.
    const plan = planJson(toPlan(PROJECT, "test", rec));
    const keys = Object.keys(toPlan(PROJECT, "test", rec).resources.find((r) => r.name === "bucket")!);
    assert.deepEqual(keys.slice(7, 10), ["provider", "options", "dependencies"]);
    assert.equal(planJson(toPlan(PROJECT, "test", await record())), plan);
  });

  it("answers availability zones from its table (us-west-1 has 2) or a test's setting", async () => {
    let zones: pulumi.Output<aws.GetAvailabilityZonesResult> | undefined;
    offline.setConfig({ "aws:region": "us-west-1" });
    await offline.record(() => {
      zones = aws.getAvailabilityZonesOutput({});
    });
    const west = await offline.outputValue(zones!);
    assert.deepEqual(
      [west.names, west.zoneIds],
      [
        ["us-west-1a", "us-west-1c"],
        ["usw1-az1", "usw1-az3"],
      ],
    );
    offline.setAvailabilityZones({ "eu-west-3": ["eu-west-3a", "eu-west-3b"] });
    offline.setConfig({ "aws:region": "eu-west-3" });
    await offline.record(() => {
      zones = aws.getAvailabilityZonesOutput({});
    });
    const paris = await offline.outputValue(zones!);
    assert.deepEqual(
      [paris.names, paris.zoneIds],
      [
        ["eu-west-3a", "eu-west-3b"],
        ["euw3-az1", "euw3-az2"],
      ],
    );
    offline.reset();
    offline.setConfig({ "aws:region": "eu-west-3" });
    await offline.record(() => {
      zones = aws.getAvailabilityZonesOutput({});
    });
    assert.equal((await offline.outputValue(zones!)).names.length, 3);
  });
});

describe("pnpm plan --all --out", function () {
  this.timeout(120_000);

  it("writes every stack's plan to the directory, prod reading the dr plan written there", () => {
    const out = mkdtempSync(path.join(tmpdir(), "plan-all-"));
    try {
      const cli = path.join(REPO_ROOT, "packages", "offline", "src", "cli", "plan-bin.ts");
      const result = spawnSync(
        process.execPath,
        ["--require", path.join(REPO_ROOT, "scripts", "register-typescript.cjs"), cli, "--all", "--out", out],
        {
          cwd: REPO_ROOT,
          encoding: "utf8",
          timeout: 90_000,
        },
      );
      assert.equal(result.status, 0, result.stderr);
      for (const file of ["dr.json", "dr.md", "prod.json", "prod.md"]) {
        assert.ok(existsSync(path.join(out, file)), `${file} written`);
      }
      const dr = JSON.parse(readFileSync(path.join(out, "dr.json"), "utf8")) as PlanFile;
      const prod = JSON.parse(readFileSync(path.join(out, "prod.json"), "utf8")) as PlanFile;
      assert.equal(prod.stack, "prod");
      const fromDr = prod.outputs["dr"] as Record<string, unknown>;
      assert.equal(fromDr["region"], dr.outputs["region"]);
      assert.equal(fromDr["accountId"], dr.outputs["accountId"]);
      assert.equal(
        fromDr["replicationRoleArn"],
        (dr.outputs["targets"] as Record<string, unknown>)["replicationRoleArn"],
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
