// @ts-check
/**
 * Where `require` found each module, kept on disk between runs. Node resolves a plan's ~1700
 * modules anew at every start: each request tries several paths, reads package.json files and
 * follows pnpm's symlinks, about 0.25 s of a 2.7 s plan. This keeps the answers.
 *
 * Only answers that change with an install are kept: requests made from inside `node_modules`,
 * and bare package names (`@pulumi/aws`, `@tdp/core`) from anywhere. Relative requests between the
 * repository's own files are resolved by Node every time, so adding or moving a source file never
 * meets a stale answer. The kept answers are dropped whole when an install or a workspace
 * package.json changes (their modification times are the fingerprint), and a kept file that no
 * longer exists is resolved by Node again.
 */
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

/** @typedef {{ fingerprint: string, resolved: Record<string, string> }} ResolutionFile */
/** @typedef {(request: string, parent: NodeJS.Module | null | undefined, isMain: boolean, options?: object) => string} ResolveFilename */

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/**
 * The files whose change can change an answer: pnpm's record of the install, and every workspace
 * package.json (their `exports` and `main`).
 * @param {string} root
 * @returns {string}
 */
function fingerprintOf(root) {
  const files = [
    path.join(root, "node_modules", ".modules.yaml"),
    path.join(root, "node_modules", ".pnpm", "lock.yaml"),
    path.join(root, "package.json"),
  ];
  for (const folder of ["packages", "stacks", "examples"]) {
    const dir = path.join(root, folder);
    if (folder === "stacks") {
      files.push(path.join(dir, "package.json"));
      continue;
    }
    let names = [];
    try {
      names = fs.readdirSync(dir);
    } catch {
      continue;
    }
    for (const name of names) files.push(path.join(dir, name, "package.json"));
  }
  const hash = crypto.createHash("sha1");
  for (const file of files) {
    const stat = fs.statSync(file, { throwIfNoEntry: false });
    hash.update(`${file}\0${stat === undefined ? "-" : `${stat.mtimeMs}:${stat.size}`}\0`);
  }
  return hash.digest("hex");
}

/**
 * Installs the cache for the repository at `root`, stored in `file`.
 * @param {string} root
 * @param {string} file
 */
function installResolveCache(root, file) {
  const fingerprint = fingerprintOf(root);
  /** @type {Record<string, string>} */
  let resolved = {};
  try {
    const stored = /** @type {ResolutionFile} */ (JSON.parse(fs.readFileSync(file, "utf8")));
    if (stored.fingerprint === fingerprint) resolved = stored.resolved;
  } catch {
    // No answers yet (or unreadable ones): Node resolves everything this run.
  }
  let added = 0;
  const internals = /** @type {{ _resolveFilename: ResolveFilename }} */ (/** @type {unknown} */ (Module));
  const nodeResolve = internals._resolveFilename;

  internals._resolveFilename = function resolveFilename(request, parent, isMain, options) {
    const parentFile = parent?.filename;
    const kept =
      options === undefined &&
      !isMain &&
      typeof parentFile === "string" &&
      !Module.isBuiltin(request) &&
      (parentFile.includes(NODE_MODULES) || !(request.startsWith(".") || path.isAbsolute(request)));
    if (!kept) return nodeResolve.call(this, request, parent, isMain, options);
    const key = `${path.dirname(parentFile)}\0${request}`;
    const answer = resolved[key];
    if (answer !== undefined && fs.statSync(answer, { throwIfNoEntry: false })?.isFile() === true) {
      return answer;
    }
    const filename = nodeResolve.call(this, request, parent, isMain, options);
    resolved[key] = filename;
    added++;
    return filename;
  };

  process.once("exit", () => {
    if (added === 0) return;
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const partial = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(partial, JSON.stringify({ fingerprint, resolved }));
      fs.renameSync(partial, file);
    } catch {
      // Unwritten answers cost the next run its resolution time, nothing else.
    }
  });
}

module.exports = { installResolveCache, fingerprintOf };
