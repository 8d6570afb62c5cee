// @ts-check
/**
 * Runs the workspace's TypeScript in Node, for `pnpm plan`, `pnpm policy`, `pnpm bench` and mocha
 * (`node --require ./scripts/register-typescript.cjs …`). Published packages run their compiled
 * `dist/` and never load this file.
 *
 * Why not tsx: everything here is CommonJS, and tsx's general-purpose hooks cost a plan about a
 * second of start-up (its resolver wraps every `require` and its lexer reads every JavaScript file
 * of node_modules, about 1600 of them, looking for ES module syntax). This hook does two things:
 *
 * - `.ts` files are transpiled by esbuild (types stripped, no type check: `tsc -b` checks) and the
 *   result is kept in `node_modules/.cache/register-typescript/`, keyed by the source's hash, so a
 *   second run reads the JavaScript back instead of transpiling;
 * - V8's compiled code is cached on disk for every module, JavaScript included (`compile-cache.cjs`),
 *   and so is where `require` found each installed module (`resolve-cache.cjs`).
 *
 * Source maps are inline; Node maps stack traces through them when source maps are enabled
 * (`--enable-source-maps`, or TDP_SOURCE_MAPS=1 under mocha).
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

const { installCompileCache } = require("./compile-cache.cjs");
const { installResolveCache } = require("./resolve-cache.cjs");

const ROOT = path.resolve(__dirname, "..");
const CACHE = path.join(ROOT, "node_modules", ".cache", "register-typescript");

// TDP_COMPILE_CACHE_DIR: another folder, for the hook's own tests.
const compiledDir = process.env["TDP_COMPILE_CACHE_DIR"] ?? path.join(CACHE, "v8");
installCompileCache(compiledDir);
installResolveCache(
  ROOT,
  path.join(compiledDir, `${path.basename(process.argv[1] ?? "node")}.resolutions.json`),
);

/** @type {typeof import("esbuild") | undefined} */
let esbuild;
/** The transform's settings, part of every cache key: a change of them transpiles anew. */
const OPTIONS = /** @type {const} */ ({
  loader: "ts",
  format: "cjs",
  target: "node20",
  sourcemap: "inline",
  // import() becomes require() (as tsx did): Node's ES module loader knows no .ts files, and a
  // module loaded both ways would be two copies (two Pulumi runtimes, two offline engines).
  supported: { "dynamic-import": false },
});

fs.mkdirSync(CACHE, { recursive: true });

/**
 * The installed esbuild's version, part of every cache key, read from its package.json: loading
 * esbuild itself is left to a cache miss.
 */
const ESBUILD_VERSION = /** @type {{ version: string }} */ (
  JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", "esbuild", "package.json"), "utf8"))
).version;

/**
 * @param {string} source
 * @param {string} filename
 * @returns {string}
 */
function transpile(source, filename) {
  const key = crypto
    .createHash("sha256")
    .update(`${ESBUILD_VERSION}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
    .update(source)
    .digest("hex");
  const cached = path.join(CACHE, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    esbuild ??= require("esbuild");
    const { code } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
    // Written whole then renamed: a parallel mocha worker never reads half a file.
    const partial = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(partial, code);
    fs.renameSync(partial, cached);
    return code;
  }
}

/** @type {Record<string, (module: NodeJS.Module & { _compile(code: string, filename: string): void }, filename: string) => void>} */
const extensions = /** @type {never} */ (Module)["_extensions"];
extensions[".ts"] = (module, filename) => {
  module._compile(transpile(fs.readFileSync(filename, "utf8"), filename), filename);
};
