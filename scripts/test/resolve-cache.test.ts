import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const RESOLVE_CACHE = path.resolve(__dirname, "..", "resolve-cache.cjs");

interface Stored {
  fingerprint: string;
  resolved: Record<string, string>;
}

/**
 * A repository in `root`: an installed package `greeting` (node_modules, with pnpm's record of the
 * install) and `main.js`, which prints what the package says and what its own `./local` says.
 */
function makeRepository(root: string): void {
  mkdirSync(path.join(root, "node_modules", "greeting"), { recursive: true });
  writeFileSync(path.join(root, "package.json"), '{ "name": "repo" }\n');
  writeFileSync(path.join(root, "node_modules", ".modules.yaml"), "layoutVersion: 5\n");
  writeFileSync(path.join(root, "node_modules", "greeting", "index.js"), 'module.exports = "installed";\n');
  writeFileSync(path.join(root, "node_modules", "greeting", "other.js"), 'module.exports = "other file";\n');
  writeFileSync(path.join(root, "local.js"), 'module.exports = "local";\n');
  writeFileSync(
    path.join(root, "main.js"),
    'process.stdout.write(require("greeting") + " " + require("./local"));\n',
  );
}

/** Runs main.js of `root` with the cache installed, stored in `file`. */
function run(root: string, file: string) {
  const setup = `require(${JSON.stringify(RESOLVE_CACHE)}).installResolveCache(${JSON.stringify(root)}, ${JSON.stringify(file)});`;
  const result = spawnSync(
    process.execPath,
    ["-e", `${setup} require(${JSON.stringify(path.join(root, "main.js"))});`],
    {
      cwd: root,
      encoding: "utf8",
      timeout: 30_000,
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const stored = (file: string) => JSON.parse(readFileSync(file, "utf8")) as Stored;

describe("scripts/resolve-cache.cjs", function () {
  this.timeout(30_000);
  let root: string;
  let file: string;

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), "resolve-cache-"));
    file = path.join(root, "cache", "main.resolutions.json");
    makeRepository(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it("keeps where an installed package was found, and answers from it on the next run", () => {
    assert.equal(run(root, file).stdout, "installed local");
    const first = stored(file);
    const key = Object.keys(first.resolved).find((k) => k.endsWith("\0greeting"));
    assert.ok(key, "the bare package name is kept");
    assert.equal(first.resolved[key], path.join(root, "node_modules", "greeting", "index.js"));
    // Point the kept answer elsewhere: the next run follows it, so it did not resolve anew.
    first.resolved[key] = path.join(root, "node_modules", "greeting", "other.js");
    writeFileSync(file, JSON.stringify(first));
    assert.equal(run(root, file).stdout, "other file local");
  });

  it("never keeps a relative request between the repository's own files", () => {
    run(root, file);
    assert.deepEqual(
      Object.keys(stored(file).resolved).filter((k) => k.endsWith("\0./local")),
      [],
    );
  });

  it("drops every kept answer when an install or a package.json changes", () => {
    run(root, file);
    const first = stored(file);
    const key = Object.keys(first.resolved).find((k) => k.endsWith("\0greeting"))!;
    first.resolved[key] = path.join(root, "node_modules", "greeting", "other.js");
    writeFileSync(file, JSON.stringify(first));
    const later = new Date(Date.now() + 60_000);
    utimesSync(path.join(root, "node_modules", ".modules.yaml"), later, later);
    assert.equal(run(root, file).stdout, "installed local", "resolved anew after the install");
    assert.notEqual(stored(file).fingerprint, first.fingerprint);
  });

  it("resolves anew when a kept file no longer exists, and survives an unreadable store", () => {
    run(root, file);
    const first = stored(file);
    const key = Object.keys(first.resolved).find((k) => k.endsWith("\0greeting"))!;
    first.resolved[key] = path.join(root, "node_modules", "greeting", "gone.js");
    writeFileSync(file, JSON.stringify(first));
    assert.equal(run(root, file).stdout, "installed local");
    writeFileSync(file, "{ not json");
    const unreadable = run(root, file);
    assert.equal(unreadable.status, 0, unreadable.stderr);
    assert.equal(unreadable.stdout, "installed local");
  });
});
