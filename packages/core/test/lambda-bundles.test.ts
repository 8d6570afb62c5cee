import { strict as assert } from "node:assert";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";

import { buildDeclaredLambdas, declaredLambdas, lambdaArchive, lambdaBundleDir } from "../src/bundle";

describe("Lambda bundles of a package", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "lambda-package-"));
    writeFileSync(
      path.join(root, "package.json"),
      JSON.stringify({ name: "@x/pkg", tdp: { lambdas: ["job"] } }),
    );
    mkdirSync(path.join(root, "src", "job"), { recursive: true });
    writeFileSync(
      path.join(root, "src", "job", "handler.ts"),
      'export const handler = async () => "job ran";\n',
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("reads the declared functions and refuses a malformed list", () => {
    assert.deepEqual(declaredLambdas(root), ["job"]);
    writeFileSync(
      path.join(root, "package.json"),
      JSON.stringify({ name: "@x/pkg", tdp: { lambdas: "job" } }),
    );
    assert.throws(
      () => declaredLambdas(root),
      /"tdp\.lambdas" must be a list of function folder names under src\//,
    );
    writeFileSync(path.join(root, "package.json"), JSON.stringify({ name: "@x/pkg" }));
    assert.deepEqual(declaredLambdas(root), []);
  });

  it("bundles from source into the package's cache when the module runs from src/", () => {
    const dir = lambdaBundleDir("@x/pkg", path.join(root, "src"), "job");
    assert.equal(dir, path.join(root, "node_modules", ".cache", "lambda-bundles", "job"));
    assert.match(readFileSync(path.join(dir, "index.js"), "utf8"), /"job ran"/);
  });

  it("uses the prebuilt bundle when the module runs from dist/, and says when it is missing", () => {
    const moduleDir = path.join(root, "dist");
    assert.throws(
      () => lambdaBundleDir("@x/pkg", moduleDir, "job"),
      /the prebuilt Lambda bundle .*dist\/bundles\/job\/index\.js of @x\/pkg is missing: .*pnpm run build/,
    );
    const [built] = buildDeclaredLambdas(root);
    assert.equal(built, path.join(root, "dist", "bundles", "job"));
    const first = readFileSync(path.join(built!, "index.js"), "utf8");
    buildDeclaredLambdas(root);
    assert.equal(
      readFileSync(path.join(built!, "index.js"), "utf8"),
      first,
      "the build is not deterministic",
    );
    assert.doesNotMatch(first, new RegExp(tmpdir()));
    assert.equal(lambdaBundleDir("@x/pkg", moduleDir, "job"), built);
    const archive = lambdaArchive("@x/pkg", moduleDir, "job");
    assert.ok(archive instanceof pulumi.asset.FileArchive);
  });

  it("refuses a function the package does not declare", () => {
    assert.throws(
      () => lambdaBundleDir("@x/pkg", path.join(root, "src"), "other"),
      /the Lambda function "other" is not declared in @x\/pkg's package\.json "tdp\.lambdas" \(job\); add it there/,
    );
    assert.ok(!existsSync(path.join(root, "node_modules", ".cache", "lambda-bundles", "other")));
  });
});
