import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BUNDLE_CACHE_DIR, bundleLambdaHandler } from "../src/bundle";

describe("bundleLambdaHandler", () => {
  function handler(): { entry: string; dep: string } {
    const dir = mkdtempSync(join(tmpdir(), "bundle-"));
    const entry = join(dir, "handler.ts");
    const dep = join(dir, "message.ts");
    writeFileSync(dep, 'export const message = "first";\n');
    writeFileSync(
      entry,
      'import { message } from "./message";\nexport const handler = async () => message;\n',
    );
    return { entry, dep };
  }

  it("bundles the entry with its imports, free of this machine's paths", () => {
    const { entry } = handler();
    const code = bundleLambdaHandler(entry);
    assert.match(code, /"first"/);
    assert.doesNotMatch(code, new RegExp(tmpdir()));
  });

  it("reuses a bundle only while every input is unchanged", () => {
    const { entry, dep } = handler();
    const first = bundleLambdaHandler(entry);
    assert.ok(existsSync(BUNDLE_CACHE_DIR));
    assert.equal(bundleLambdaHandler(entry), first);
    writeFileSync(dep, 'export const message = "second";\n');
    const second = bundleLambdaHandler(entry);
    assert.match(second, /"second"/);
    assert.doesNotMatch(second, /"first"/);
  });

  it("ignores a damaged cache record", () => {
    const { entry } = handler();
    const code = bundleLambdaHandler(entry);
    for (const file of readdirSync(BUNDLE_CACHE_DIR)) {
      const path = join(BUNDLE_CACHE_DIR, file);
      if (readFileSync(path, "utf8").includes("handler.ts")) writeFileSync(path, "{not json");
    }
    assert.equal(bundleLambdaHandler(entry), code);
  });

  it("names a missing handler", () => {
    assert.throws(
      () => bundleLambdaHandler("/nonexistent/handler.ts", { missingHint: "add it" }),
      /the Lambda handler \/nonexistent\/handler.ts does not exist; add it/,
    );
  });
});
