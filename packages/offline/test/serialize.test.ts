import { strict as assert } from "node:assert";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";

import { offline } from "../src";

describe("plan values of file assets and archives", () => {
  const roots: string[] = [];
  // A stack run earlier in the process (prod disables the default aws provider) leaves its config.
  before(() => offline.reset());
  after(() => roots.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function bundleFolder(code: string): string {
    const root = mkdtempSync(path.join(tmpdir(), "archive-"));
    roots.push(root);
    const dir = path.join(root, "bundle");
    mkdirSync(dir);
    writeFileSync(path.join(dir, "index.js"), code);
    return dir;
  }

  async function codeValue(code: pulumi.asset.Archive): Promise<unknown> {
    const rec = await offline.record(() => {
      new aws.lambda.Function("fn", {
        role: "arn:aws:iam::111111111111:role/fn",
        runtime: "nodejs22.x",
        handler: "index.handler",
        code,
      });
    });
    return rec.resources.find((r) => r.type === "aws:lambda/function:Function")?.inputs["code"];
  }

  it("hash a folder's content, not its path", async () => {
    const first = bundleFolder("exports.handler = async () => 1;\n");
    const copy = path.join(path.dirname(first), "elsewhere");
    cpSync(first, copy, { recursive: true });
    const a = await codeValue(new pulumi.asset.FileArchive(first));
    assert.match(JSON.stringify(a), /^\{"archive":"[0-9a-f]{16}"\}$/);
    assert.deepEqual(await codeValue(new pulumi.asset.FileArchive(copy)), a);
    const changed = bundleFolder("exports.handler = async () => 2;\n");
    assert.notDeepEqual(await codeValue(new pulumi.asset.FileArchive(changed)), a);
  });

  it("hash file assets inside an asset archive by content", async () => {
    const one = bundleFolder("exports.handler = async () => 1;\n");
    const two = bundleFolder("exports.handler = async () => 1;\n");
    const archive = (dir: string) =>
      new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.FileAsset(path.join(dir, "index.js")) });
    assert.deepEqual(await codeValue(archive(one)), await codeValue(archive(two)));
    const other = bundleFolder("exports.handler = async () => 3;\n");
    assert.notDeepEqual(await codeValue(archive(other)), await codeValue(archive(one)));
  });
});
