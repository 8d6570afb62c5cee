import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as vm from "node:vm";

import { bundleHandler, packageRoot, syncHandlerEntry } from "../src";

describe("sync function bundling (esbuild)", () => {
  it("finds the package root and the contract's entry point", () => {
    assert.equal(path.basename(packageRoot()), "bi-dashboard");
    assert.equal(syncHandlerEntry(), path.join(packageRoot(), "src", "sync", "handler.ts"));
  });

  it("bundles a TypeScript handler and its imports into one CommonJS file exporting handler", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bi-bundle-"));
    fs.writeFileSync(path.join(dir, "folders.ts"), 'export const FOLDERS: string[] = ["images", "excel"];\n');
    fs.writeFileSync(
      path.join(dir, "handler.ts"),
      'import { FOLDERS } from "./folders";\nexport async function handler(event: { n: number }): Promise<string> {\n  return `${FOLDERS.join(",")}:${event.n}`;\n}\n',
    );
    const code = bundleHandler(path.join(dir, "handler.ts"));
    assert.doesNotMatch(code, /require\("\.\/folders"\)/, "imports are inlined");
    const sandbox = { module: { exports: {} as Record<string, unknown> }, exports: {} };
    vm.runInNewContext(code, { ...sandbox, exports: sandbox.module.exports, module: sandbox.module });
    const handler = sandbox.module.exports["handler"] as (e: { n: number }) => Promise<string>;
    assert.equal(await handler({ n: 7 }), "images,excel:7");
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("says which file is missing", () => {
    assert.throws(
      () => bundleHandler("/nonexistent/handler.ts"),
      /the Lambda handler \/nonexistent\/handler\.ts does not exist; pass sync\.code or add the handler/,
    );
  });
});
