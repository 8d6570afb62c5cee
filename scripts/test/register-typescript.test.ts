import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const REGISTER = path.resolve(__dirname, "..", "register-typescript.cjs");

/**
 * Runs `node --require register-typescript.cjs <entry>` in `dir`, with the compiled-code cache in
 * `dir/cache`, and returns what it printed.
 */
function run(dir: string, entry: string, nodeOptions: string[] = []) {
  const result = spawnSync(process.execPath, [...nodeOptions, "--require", REGISTER, path.join(dir, entry)], {
    cwd: dir,
    encoding: "utf8",
    timeout: 30_000,
    env: { ...process.env, TDP_COMPILE_CACHE_DIR: path.join(dir, "cache") },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("scripts/register-typescript.cjs", function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "register-typescript-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs TypeScript that requires TypeScript, the same on a second (cached) run", () => {
    writeFileSync(
      path.join(dir, "lib.ts"),
      "export interface Greeting { text: string }\nexport const greet = (name: string): Greeting => ({ text: `hello ${name}` });\n",
    );
    writeFileSync(
      path.join(dir, "main.ts"),
      'import { greet } from "./lib";\nimport type { Greeting } from "./lib";\nconst g: Greeting = greet("plan");\nprocess.stdout.write(g.text);\n',
    );
    for (const attempt of ["first", "cached"]) {
      const result = run(dir, "main.ts");
      assert.equal(result.status, 0, `${attempt}: ${result.stderr}`);
      assert.equal(result.stdout, "hello plan", attempt);
    }
  });

  it("keeps the compiled code between runs, compiles a changed module anew and survives a corrupt cache", () => {
    writeFileSync(path.join(dir, "lib.ts"), 'export const word = (): string => "first";\n');
    writeFileSync(
      path.join(dir, "main.ts"),
      'import { word } from "./lib";\nprocess.stdout.write(word());\n',
    );
    assert.equal(run(dir, "main.ts").stdout, "first");
    const cacheFiles = readdirSync(path.join(dir, "cache")).filter((f) => f.startsWith("main.ts-"));
    assert.equal(cacheFiles.length, 1, "compile-cache.cjs writes one file per entry point and options");
    const cacheFile = path.join(dir, "cache", cacheFiles[0]!);
    writeFileSync(path.join(dir, "lib.ts"), 'export const word = (): string => "second";\n');
    assert.equal(run(dir, "main.ts").stdout, "second", "a changed module is not served from the cache");
    mkdirSync(path.join(dir, "cache"), { recursive: true });
    writeFileSync(cacheFile, "not a cache");
    const corrupt = run(dir, "main.ts");
    assert.equal(corrupt.status, 0, corrupt.stderr);
    assert.equal(corrupt.stdout, "second");
  });

  it("maps a stack trace through the source map when source maps are on", () => {
    writeFileSync(
      path.join(dir, "main.ts"),
      'interface A {\n  a: string;\n}\ntype B = A;\nconst b: B | undefined = undefined;\nvoid b;\nthrow new Error("line seven");\n',
    );
    for (const attempt of ["first", "cached"]) {
      const result = run(dir, "main.ts", ["--enable-source-maps"]);
      assert.equal(result.status, 1, attempt);
      assert.match(result.stderr, /main\.ts:7/, `${attempt}: ${result.stderr}`);
    }
  });

  it("lets TypeScript require an ES module (Node 20.19 and later load it)", () => {
    writeFileSync(path.join(dir, "esm.mjs"), "export const answer = 42;\n");
    writeFileSync(
      path.join(dir, "main.ts"),
      '// eslint-disable-next-line\nconst esm = require("./esm.mjs") as { answer: number };\nprocess.stdout.write(String(esm.answer));\n',
    );
    const result = run(dir, "main.ts");
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "42");
  });

  it("keeps dynamic import() working in TypeScript (tests import modules that way)", () => {
    writeFileSync(path.join(dir, "esm.mjs"), "export const answer = 42;\n");
    writeFileSync(path.join(dir, "lib.ts"), 'export const question = (): string => "six by nine";\n');
    writeFileSync(
      path.join(dir, "main.ts"),
      'void Promise.all([import("./esm.mjs"), import("./lib")]).then(([esm, lib]) => {\n  process.stdout.write(`${String(esm.answer)} ${lib.question()}`);\n});\n',
    );
    const result = run(dir, "main.ts");
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, "42 six by nine");
  });

  it("surfaces a syntax error of a JavaScript file with its name", () => {
    writeFileSync(path.join(dir, "broken.js"), "module.exports = {;\n");
    writeFileSync(path.join(dir, "main.ts"), 'require("./broken.js");\n');
    const result = run(dir, "main.ts");
    assert.equal(result.status, 1);
    assert.match(result.stderr, /broken\.js/);
    assert.match(result.stderr, /SyntaxError: Unexpected token/);
  });

  it("reports a TypeScript syntax error with the file and line", () => {
    writeFileSync(path.join(dir, "main.ts"), "const x: number = ;\n");
    const result = run(dir, "main.ts");
    assert.equal(result.status, 1);
    assert.match(result.stderr, /main\.ts:1/);
  });
});
