import * as fs from "node:fs";
import * as path from "node:path";

import { buildSync } from "esbuild";

/**
 * The folder of the package.json named `packageName` at or above `fromDir` (a package's root,
 * whether its code runs from src/ through tsx or from dist/src/).
 */
export function findPackageRoot(packageName: string, fromDir: string): string {
  let dir = fromDir;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest)) {
      const { name } = JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string };
      if (name === packageName) {
        return dir;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the ${packageName} package root above ${fromDir}`);
    }
    dir = parent;
  }
}

export interface BundleOptions {
  /** Appended to the "does not exist" message: what the caller can do instead. @default none */
  missingHint?: string;
}

/**
 * Bundles a Lambda handler with esbuild into one CommonJS file for the nodejs22.x runtime, with
 * its dependencies (the AWS SDK included: its version is ours, not the runtime's) inside.
 * Deterministic and free of this machine's paths, so the plan does not change from one checkout
 * to another. Returns the code text.
 */
export function bundleLambdaHandler(entry: string, options: BundleOptions = {}): string {
  if (!fs.existsSync(entry)) {
    throw new Error(
      `the Lambda handler ${entry} does not exist${options.missingHint ? `; ${options.missingHint}` : ""}`,
    );
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
