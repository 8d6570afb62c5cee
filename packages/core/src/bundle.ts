import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import type * as EsbuildModule from "esbuild";

type Esbuild = typeof EsbuildModule;

/**
 * esbuild, loaded only when a bundle is built from source: a published package runs its prebuilt
 * bundles and neither ships nor needs it.
 */
function esbuild(): Esbuild {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require("esbuild") as Esbuild;
  } catch {
    throw new Error(
      "building a Lambda bundle from source needs esbuild (a development dependency of @tdp/core); " +
        "install it, or run the package's compiled code with its prebuilt bundles in dist/bundles",
    );
  }
}

/**
 * The folder of the package.json named `packageName` at or above `fromDir` (a package's root,
 * whether its code runs from src/ (the workspace) or from dist/).
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
  if (cached.esbuild !== esbuild().version) return undefined;
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
    esbuild: esbuild().version,
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
  const result = esbuild().buildSync({
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

/** Where a package's build writes its Lambda bundles: `dist/bundles/<function>/index.js`. */
export const PREBUILT_BUNDLES_DIR = path.join("dist", "bundles");

/**
 * The Lambda functions a package declares in its package.json, as `"tdp": { "lambdas": [...] }`:
 * each name is a folder `src/<name>/handler.ts` exporting `handler`. The build bundles exactly
 * these into `dist/bundles/<name>/index.js`, and only these can be deployed.
 */
export function declaredLambdas(packageRoot: string): string[] {
  const file = path.join(packageRoot, "package.json");
  const manifest = JSON.parse(fs.readFileSync(file, "utf8")) as { tdp?: { lambdas?: unknown } };
  const lambdas = manifest.tdp?.lambdas ?? [];
  if (
    !Array.isArray(lambdas) ||
    !lambdas.every((name) => typeof name === "string" && /^[a-z0-9-]+$/.test(name))
  ) {
    throw new Error(
      `${file}: "tdp.lambdas" must be a list of function folder names under src/ (lowercase letters, digits and -), such as ["snapshot"]`,
    );
  }
  return lambdas as string[];
}

/** Writes `content` to `file` whole (a concurrent reader sees the old file or the new one), unless it already holds it. */
function writeIfChanged(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, "utf8") === content) return;
  } catch {
    // not there yet
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(`${file}.${process.pid}`, content);
  fs.renameSync(`${file}.${process.pid}`, file);
}

/**
 * Builds every Lambda the package declares into `<outDir>/<name>/index.js` (by default the
 * package's `dist/bundles`). The build of each package runs this; the files are deterministic.
 * Returns the folders written.
 */
export function buildDeclaredLambdas(
  packageRoot: string,
  outDir = path.join(packageRoot, PREBUILT_BUNDLES_DIR),
): string[] {
  return declaredLambdas(packageRoot).map((name) => {
    const code = bundleLambdaHandler(path.join(packageRoot, "src", name, "handler.ts"));
    const dir = path.join(outDir, name);
    writeIfChanged(path.join(dir, "index.js"), code);
    return dir;
  });
}

/**
 * The folder holding one Lambda function's deployment package (`index.js`, handler
 * `index.handler`) for the package `packageName` whose module in `moduleDir` asks for it:
 * - compiled code (a published package, under dist/) uses the prebuilt bundle in
 *   `dist/bundles/<name>`;
 * - source code (the workspace, run from src/) bundles `src/<name>/handler.ts` into
 *   `node_modules/.cache/lambda-bundles/<name>` of the package, reused while its inputs are unchanged.
 * The function must be declared in the package's `tdp.lambdas`, so the build ships it.
 */
export function lambdaBundleDir(packageName: string, moduleDir: string, name: string): string {
  const root = findPackageRoot(packageName, moduleDir);
  const declared = declaredLambdas(root);
  if (!declared.includes(name)) {
    throw new Error(
      `the Lambda function "${name}" is not declared in ${packageName}'s package.json "tdp.lambdas" ` +
        `(${declared.length > 0 ? declared.join(", ") : "none declared"}); add it there so the build ships its bundle`,
    );
  }
  const fromSource = path.relative(root, moduleDir).split(path.sep)[0] === "src";
  if (!fromSource) {
    const dir = path.join(root, PREBUILT_BUNDLES_DIR, name);
    if (!fs.existsSync(path.join(dir, "index.js"))) {
      throw new Error(
        `the prebuilt Lambda bundle ${path.join(dir, "index.js")} of ${packageName} is missing: ` +
          "the package was packed or run without its build (pnpm run build in the package)",
      );
    }
    return dir;
  }
  const code = bundleLambdaHandler(path.join(root, "src", name, "handler.ts"));
  const dir = path.join(root, "node_modules", ".cache", "lambda-bundles", name);
  writeIfChanged(path.join(dir, "index.js"), code);
  return dir;
}

/**
 * A Lambda function's code as a file archive of its bundle folder (see lambdaBundleDir): the
 * state keeps the folder's path and content hash, not the code.
 */
export function lambdaArchive(
  packageName: string,
  moduleDir: string,
  name: string,
): pulumi.asset.FileArchive {
  return new pulumi.asset.FileArchive(lambdaBundleDir(packageName, moduleDir, name));
}
