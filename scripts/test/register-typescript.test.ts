import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const REGISTER = path.resolve(__dirname, "..", "register-typescript.cjs");

/** Runs `node --require register-typescript.cjs <entry>` in `dir` and returns what it printed. */
function run(dir: string, entry: string) {
  const result = spawnSync(process.execPath, ["--require", REGISTER, path.join(dir, entry)], {
    cwd: dir,
    encoding: "utf8",
    timeout: 30_000,
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
