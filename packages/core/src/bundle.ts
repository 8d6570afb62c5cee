import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import { buildSync, version as esbuildVersion } from "esbuild";

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

/** Where finished bundles are kept between runs, checked against their inputs before reuse. */
export const BUNDLE_CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "lambda-bundles");

interface CachedBundle {
  esbuild: string;
  /** Every file esbuild read, relative to the entry's folder, with the SHA-256 of its content. */
  inputs: Record<string, string>;
  code: string;
}

function sha256(data: string | Buffer): string {
  return crypto.createHash("sha256").update(data).digest("hex");
}

function cacheFile(entry: string): string {
  return path.join(BUNDLE_CACHE_DIR, `${sha256(entry).slice(0, 32)}.json`);
}

/** The cached bundle of `entry` when esbuild's version and every input are unchanged. */
function cachedBundle(entry: string): string | undefined {
  let cached: CachedBundle;
  try {
    cached = JSON.parse(fs.readFileSync(cacheFile(entry), "utf8")) as CachedBundle;
  } catch {
    return undefined;
  }
  if (cached.esbuild !== esbuildVersion) return undefined;
  const dir = path.dirname(entry);
  for (const [input, hash] of Object.entries(cached.inputs)) {
    try {
      if (sha256(fs.readFileSync(path.resolve(dir, input))) !== hash) return undefined;
    } catch {
      return undefined;
    }
  }
  return cached.code;
}

function storeBundle(entry: string, inputs: string[], code: string): void {
  const dir = path.dirname(entry);
  const record: CachedBundle = {
    esbuild: esbuildVersion,
    inputs: Object.fromEntries(
      inputs.map((input) => [input, sha256(fs.readFileSync(path.resolve(dir, input)))]),
    ),
    code,
  };
  try {
    fs.mkdirSync(BUNDLE_CACHE_DIR, { recursive: true });
    const file = cacheFile(entry);
    // Written whole, then renamed: a concurrent reader sees the old record or the new one.
    fs.writeFileSync(`${file}.${process.pid}`, JSON.stringify(record));
    fs.renameSync(`${file}.${process.pid}`, file);
  } catch {
    // A read-only checkout only loses the cache, never the bundle.
  }
}

/**
 * Bundles a Lambda handler with esbuild into one CommonJS file for the nodejs22.x runtime, with
 * its dependencies (the AWS SDK included: its version is ours, not the runtime's) inside.
 * Deterministic and free of this machine's paths, so the plan does not change from one checkout
 * to another. Returns the code text. A bundle is reused from the cache only while esbuild's version
 * and the content of every file that went into it are unchanged.
 */
export function bundleLambdaHandler(entry: string, options: BundleOptions = {}): string {
  if (!fs.existsSync(entry)) {
    throw new Error(
      `the Lambda handler ${entry} does not exist${options.missingHint ? `; ${options.missingHint}` : ""}`,
    );
  }
  const cached = cachedBundle(entry);
  if (cached !== undefined) return cached;
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
    metafile: true,
    minify: false,
    sourcemap: false,
    legalComments: "none",
    logLevel: "silent",
  });
  const output = result.outputFiles[0];
  if (output === undefined) {
    throw new Error(`esbuild produced no output for ${entry}`);
  }
  storeBundle(entry, Object.keys(result.metafile.inputs), output.text);
  return output.text;
}
