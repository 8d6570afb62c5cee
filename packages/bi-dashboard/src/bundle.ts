import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { buildSync } from "esbuild";

/** The package root (the folder of this package's package.json), from src/ or from dist/src/. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (name === "@tdp/bi-dashboard") {
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error("cannot find the @tdp/bi-dashboard package root above " + __dirname);
    }
    dir = parent;
  }
}

/** The sync handler's source (contract: /work/notes/bi-sync-contract.md). */
export function syncHandlerEntry(): string {
  return path.join(packageRoot(), "src", "sync", "handler.ts");
}

/**
 * Bundles a Lambda handler with esbuild into one CommonJS file for the nodejs22.x runtime, with
 * the AWS SDK inside (its version is ours, not the runtime's). Returns the code text.
 */
export function bundleHandler(entry: string): string {
  if (!fs.existsSync(entry)) {
    throw new Error(`the Lambda handler ${entry} does not exist; pass sync.code or add the handler`);
  }
  const result = buildSync({
    entryPoints: [entry],
    // Paths in the bundle's comments are relative to this folder: the same code, and so the same
    // plan, from whichever directory the program runs.
    absWorkingDir: path.dirname(entry),
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    write: false,
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) {
    throw new Error(`esbuild produced no output for ${entry}`);
  }
  return output.text;
}

/** The sync function's deployment package: `index.js` (handler `index.handler`). */
export function syncFunctionCode(entry: string = syncHandlerEntry()): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) });
}

/** The rotation function's deployment package: `index.js` bundled from src/rotation/handler.ts. */
export function rotationFunctionCode(): pulumi.asset.AssetArchive {
  const entry = path.join(packageRoot(), "src", "rotation", "handler.ts");
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) });
}
