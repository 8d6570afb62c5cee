import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { planCli } from "../src/cli/plan";
import { offline, REPO_ROOT } from "../src";
import type { PlanFile } from "../src";

const CLI = path.join(REPO_ROOT, "packages", "offline", "src", "cli", "plan-bin.ts");
/** The workspace's TypeScript hook, as the root `plan` script loads it. */
const REGISTER_TYPESCRIPT = path.join(REPO_ROOT, "scripts", "register-typescript.cjs");
const fixture = (file: string) => path.join(__dirname, "fixtures", file);

/** `pnpm plan ...` as a child process, the way a user runs it. */
function plan(...args: string[]) {
  const result = spawnSync(process.execPath, ["--require", REGISTER_TYPESCRIPT, CLI, ...args], {
    cwd: REPO_ROOT,
    // pnpm sets INIT_CWD to the folder the user ran the command in; paths are shown from there.
    env: { ...process.env, INIT_CWD: REPO_ROOT },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/**
 * The same command in this process (no child: a child costs a second Node start and module load);
 * the engine is reset afterwards, since the command configures it.
 */
async function planInProcess(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  try {
    const status = await planCli(args, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      startDir: REPO_ROOT,
    });
    const text = (lines: string[]) => lines.map((l) => `${l}\n`).join("");
    return { status, stdout: text(out), stderr: text(err) };
  } finally {
    offline.reset();
  }
}

describe("pnpm plan (child process: exit codes and output streams)", function () {
  this.timeout(120_000);

  it("exits 1 on bad config with one line per problem and no stack trace", () => {
    const result = plan("prod", "--config", fixture("bad-platform.yaml"));
    assert.equal(result.status, 1, result.stderr);
    const lines = result.stderr.trim().split("\n");
    assert.match(lines[0]!, /^stack prod: invalid config \(2 problems\):$/);
    assert.ok(
      lines.some((l) => l.startsWith('tdp:platform.accountId: "12" — ')),
      result.stderr,
    );
    assert.ok(
      lines.some((l) => l.startsWith('tdp:platform.infrastructureName: "Not_Valid_Name" — ')),
      result.stderr,
    );
    assert.equal(lines.length, 3, result.stderr);
    assert.ok(!/\bat .*\.ts:\d+/.test(result.stderr), "no stack trace");
    assert.equal(result.stdout, "");
  });

  it("exits 2 with the usage when no stack is given, and 1 with the message on other errors", () => {
    const usage = plan();
    assert.equal(usage.status, 2);
    assert.match(usage.stderr, /^usage: pnpm plan <stack>/);
    const missing = plan("prod", "--config", fixture("no-such-file.yaml"));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /^stack prod: cannot read the stack file .*no-such-file\.yaml/);
    assert.ok(!/\n\s+at /.test(missing.stderr), "no stack trace");
  });
});

describe("pnpm plan (in process)", function () {
  this.timeout(120_000);

  it("--config plans another stack file, prints the summary and writes nothing without --out", async () => {
    const committed = path.join(REPO_ROOT, "plans", "dr.json");
    const before = existsSync(committed) ? statSync(committed).mtimeMs : undefined;
    const result = await planInProcess("dr", "--config", path.join(REPO_ROOT, "Pulumi.dr.yaml"));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^stack dr: \d+ resources \(\d+ protected\)/);
    assert.match(
      result.stdout,
      /planned in [\d.]+ s; same as the committed plans\/dr\.json; nothing written \(--out <dir> writes the plan and its Markdown with the diagram\)\n$/,
    );
    assert.doesNotMatch(result.stdout, /wrote/);
    assert.equal(existsSync(committed) ? statSync(committed).mtimeMs : undefined, before);
  });

  it("--inventory plans against another inventory and, like --config, leaves plans/ alone", async () => {
    const committed = path.join(REPO_ROOT, "plans", "dr.json");
    const before = statSync(committed).mtimeMs;
    const inventory = path.join(REPO_ROOT, "packages", "offline", "fixtures", "inventory.yaml");
    const result = await planInProcess("dr", "--inventory", path.relative(REPO_ROOT, inventory));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /same as the committed plans\/dr\.json; nothing written/);
    assert.equal(statSync(committed).mtimeMs, before);
  });

  it("says when the plan differs from the committed one and where the Markdown with the diagram is", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "plan-differs-"));
    try {
      const stackFile = path.join(out, "Pulumi.dr.yaml");
      const text = readFileSync(path.join(REPO_ROOT, "Pulumi.dr.yaml"), "utf8");
      writeFileSync(stackFile, text.replace("logRetentionDays: 90", "logRetentionDays: 30"));
      const result = await planInProcess("dr", "--config", stackFile, "--out", out);
      assert.equal(result.status, 0, result.stderr);
      assert.match(
        result.stdout,
        /DIFFERS from the committed plans\/dr\.json; wrote .*dr\.json and .*dr\.md \(resource counts and the diagram\)/,
      );
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it("--out writes the plan and its Markdown to another directory", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "plan-out-"));
    try {
      const result = await planInProcess(
        "dr",
        "--config",
        path.join(REPO_ROOT, "Pulumi.dr.yaml"),
        "--out",
        out,
      );
      assert.equal(result.status, 0, result.stderr);
      const written = JSON.parse(readFileSync(path.join(out, "dr.json"), "utf8")) as PlanFile;
      assert.equal(written.project, "tdp");
      assert.equal(written.stack, "dr");
      assert.ok(written.resources.length > 0);
      const urns = written.resources.map((r) => r.urn);
      assert.deepEqual(urns, [...urns].sort());
      assert.ok(readFileSync(path.join(out, "dr.md"), "utf8").includes("```mermaid\nflowchart LR"));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
