/**
 * Builds packages for publishing. In a package folder (its `build` script, which `prepack` runs):
 * that package. With `--all` (the root `build:packages` script): every publishable package under
 * packages/, in one compiler run. For each package:
 * - the compiled JavaScript and declarations of src/ into dist/ (tsconfig.build.json, rootDir src,
 *   so dist/index.js), without output left over from sources that no longer exist;
 * - the deterministic bundle of every Lambda function the package declares in its package.json
 *   `tdp.lambdas` into dist/bundles/<function>/index.js.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync } from "node:fs";
import * as path from "node:path";

import { buildDeclaredLambdas } from "../packages/core/src/bundle";
import { publishablePackages } from "./packages";

/**
 * Removes what the build did not write from dist/ (outside dist/bundles): compiled files whose
 * source in src/ is gone, and anything else an older layout left there (test output, source maps,
 * another build-info file), so a checkout that once built differently still packs only the build.
 */
function pruneStale(root: string): void {
  const dist = path.join(root, "dist");
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(dist, full);
      if (entry.isDirectory()) {
        if (relative !== "bundles") walk(full);
        if (readdirSync(full).length === 0) rmSync(full, { recursive: true });
        continue;
      }
      if (relative === ".tsbuildinfo") continue;
      const stem = relative.replace(/(\.d\.ts|\.js)$/, "");
      if (stem === relative || !existsSync(path.join(root, "src", `${stem}.ts`))) rmSync(full);
    }
  };
  if (existsSync(dist)) walk(dist);
}

const roots = process.argv.includes("--all") ? publishablePackages().map((p) => p.dir) : [process.cwd()];
for (const root of roots) {
  if (!existsSync(path.join(root, "tsconfig.build.json"))) {
    throw new Error(
      `${path.join(root, "tsconfig.build.json")} does not exist: a publishable package needs one (see docs/reuse.md, "Adding a package")`,
    );
  }
}
const tsc = require.resolve("typescript/bin/tsc");
const configs = roots.map((root) => path.join(root, "tsconfig.build.json"));
const result = spawnSync(process.execPath, [tsc, "--build", ...configs], { stdio: "inherit" });
if (result.status !== 0) {
  process.exit(result.status ?? 1);
}
for (const root of roots) {
  pruneStale(root);
  for (const dir of buildDeclaredLambdas(root)) {
    process.stderr.write(`bundled ${path.relative(process.cwd(), dir)}/index.js\n`);
  }
}
