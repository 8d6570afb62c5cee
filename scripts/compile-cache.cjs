// @ts-check
/**
 * V8's compiled code for every CommonJS module, kept on disk between runs. A plan loads about 1700
 * modules; compiling them, and then lazily compiling the functions that run, cost about 0.5 s of
 * CPU per plan on the 2-core machine. Node 22's own compile cache (`module.enableCompileCache`)
 * keeps only what is compiled before a module runs, and measured slower for a plan (3.4 s against
 * 2.9 s through pnpm), so this one is used on every Node version.
 *
 * Each module is compiled as Node compiles it (the CommonJS wrapper, the same `require`), through
 * `vm.Script` with the cached data of the previous run, and with Node's own loader for dynamic
 * `import()`. At exit the code of the modules compiled anew is serialised (after they ran, so the
 * functions they used are in it) into one file per entry point, written whole and renamed, so a
 * reader never sees half of one. A module whose source changed is compiled anew (the key is its
 * content's hash); V8 rejects cached data of another V8 version or other flags, and the module
 * is compiled anew then too.
 *
 * Node's own compile is kept for what this one would get wrong: an ES module `require`d from
 * CommonJS (it fails to compile as a script first), source maps switched on (vm.Script registers
 * none), and runs under the inspector or a policy manifest.
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");
const vm = require("node:vm");

/** @typedef {NodeJS.Module & { _compile(content: string, filename: string, format?: string): unknown }} CompilableModule */
/** @typedef {Record<string, [hash: string, start: number, end: number]>} CacheIndex */

/**
 * Installs the cache, stored under `dir` in `<entry>-<hash of the Node options>.v8cache`.
 * @param {string} dir
 */
function installCompileCache(dir) {
  const blocked = process.execArgv.some((arg) =>
    /^--(inspect|experimental-policy|policy-integrity)/.test(arg),
  );
  if (blocked) return;
  // V8 rejects cached code compiled under other flags (say --max-semi-space-size): one file per
  // entry point and set of Node options, so runs with different options do not rewrite each other's.
  const options = crypto.createHash("sha1").update(process.execArgv.join("\0")).digest("hex").slice(0, 8);
  const file = path.join(dir, `${path.basename(process.argv[1] ?? "node")}-${options}.v8cache`);
  const { index, blob } = readCache(file);
  /** @type {Map<string, [string, vm.Script]>} */
  const compiled = new Map();
  const proto = /** @type {CompilableModule} */ (/** @type {unknown} */ (Module.prototype));
  const nodeCompile = proto._compile;

  proto._compile = function compile(content, filename, format) {
    if (format === "module" || process.sourceMapsEnabled) {
      return nodeCompile.call(this, content, filename, format);
    }
    const hash = crypto.createHash("sha1").update(content).digest("base64");
    const entry = index[filename];
    const cachedData =
      entry !== undefined && entry[0] === hash ? blob.subarray(entry[1], entry[2]) : undefined;
    let script;
    try {
      script = new vm.Script(Module.wrap(content), {
        filename,
        cachedData,
        importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
      });
    } catch (error) {
      // ES module syntax: Node's compile recognises it and loads the file as an ES module.
      if (error instanceof SyntaxError) return nodeCompile.call(this, content, filename, format);
      throw error;
    }
    if (cachedData === undefined || script.cachedDataRejected === true) {
      compiled.set(filename, [hash, script]);
    }
    const wrapper = script.runInThisContext({ displayErrors: true });
    return wrapper.call(this.exports, this.exports, requireOf(this), this, filename, path.dirname(filename));
  };

  process.once("exit", () => {
    if (compiled.size === 0) return;
    try {
      writeCache(file, index, blob, compiled);
    } catch {
      // A cache that cannot be written costs the next run its compile time, nothing else.
    }
  });
}

/**
 * The `require` a module's code is given, as Node's makeRequireFunction builds it.
 * @param {NodeJS.Module} module
 */
function requireOf(module) {
  const internals =
    /** @type {{ _extensions: NodeJS.Require["extensions"], _cache: NodeJS.Require["cache"] }} */ (
      /** @type {unknown} */ (Module)
    );
  /** @type {NodeJS.Require} */
  const require = Object.assign((/** @type {string} */ id) => module.require(id), {
    resolve: Object.assign(
      (/** @type {string} */ request, /** @type {{ paths?: string[] } | undefined} */ options) =>
        /** @type {{ _resolveFilename(r: string, m: NodeJS.Module, main: boolean, o?: object): string }} */ (
          /** @type {unknown} */ (Module)
        )._resolveFilename(request, module, false, options),
      {
        paths: (/** @type {string} */ request) =>
          /** @type {{ _resolveLookupPaths(r: string, m: NodeJS.Module): string[] | null }} */ (
            /** @type {unknown} */ (Module)
          )._resolveLookupPaths(request, module),
      },
    ),
    extensions: internals._extensions,
    cache: internals._cache,
    main: undefined,
  });
  Object.defineProperty(require, "main", { get: () => process.mainModule });
  return require;
}

/**
 * The cache file: a 4-byte length, the JSON index (file → content hash and byte range), the code.
 * @param {string} file
 * @returns {{ index: CacheIndex, blob: Buffer }}
 */
function readCache(file) {
  try {
    const data = fs.readFileSync(file);
    const length = data.readUInt32LE(0);
    const index = /** @type {CacheIndex} */ (JSON.parse(data.subarray(4, 4 + length).toString("utf8")));
    return { index, blob: data.subarray(4 + length) };
  } catch {
    return { index: {}, blob: Buffer.alloc(0) };
  }
}

/**
 * The old entries still valid, and the code of the modules compiled in this run.
 * @param {string} file
 * @param {CacheIndex} index
 * @param {Buffer} blob
 * @param {Map<string, [string, vm.Script]>} compiled
 */
function writeCache(file, index, blob, compiled) {
  /** @type {Buffer[]} */
  const parts = [];
  /** @type {CacheIndex} */
  const next = {};
  let offset = 0;
  const add = (/** @type {string} */ filename, /** @type {string} */ hash, /** @type {Buffer} */ code) => {
    parts.push(code);
    next[filename] = [hash, offset, offset + code.length];
    offset += code.length;
  };
  for (const [filename, [hash, start, end]] of Object.entries(index)) {
    if (!compiled.has(filename)) add(filename, hash, blob.subarray(start, end));
  }
  for (const [filename, [hash, script]] of compiled) add(filename, hash, script.createCachedData());
  const header = Buffer.from(JSON.stringify(next), "utf8");
  const length = Buffer.alloc(4);
  length.writeUInt32LE(header.length, 0);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const partial = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(partial, Buffer.concat([length, header, ...parts]));
  fs.renameSync(partial, file);
}

module.exports = { installCompileCache };
