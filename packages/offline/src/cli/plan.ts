/**
 * `pnpm plan <stack> | --all [--config <file>] [--out <dir>] [--inventory <file>]`
 *
 * Runs the real program of `stacks/` with a stack file through the offline engine and writes
 * `plans/<stack>.json` and `plans/<stack>.md`. With `--config` or `--inventory` (another stack
 * file, another account's inventory), it plans without writing unless `--out` is given. The
 * summary says whether the plan differs from the committed one. Bad config exits 1 with one line
 * per problem. Relative paths are taken from the folder the command was started in (pnpm's
 * INIT_CWD), so `pnpm plan` works from any package folder.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

import type { ConfigProblem } from "@tdp/core";
import { formatProblem } from "@tdp/core";

import { PROJECT, REPO_ROOT, offline } from "../engine";
import { loadInventory } from "../inventory";
import { planJson, planMarkdown, planSummary, toPlan } from "../plan";
import { allStacks } from "../stacks";

/**
 * The problems of a `ConfigError` from @tdp/core. Matched by name and shape rather than
 * `instanceof`: the program may load its own copy of core.
 */
function configProblems(error: unknown): ConfigProblem[] | undefined {
  if (error instanceof Error && error.name === "ConfigError") {
    const problems = (error as Error & { problems?: unknown }).problems;
    if (Array.isArray(problems)) {
      return problems as ConfigProblem[];
    }
  }
  return undefined;
}

const PLANS_DIR = path.join(REPO_ROOT, "plans");

/** Where the command writes, and the folder it was started in (relative paths are taken from it). */
export interface PlanCliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  startDir: string;
}

/** The io of the command line: pnpm runs scripts from the package root and says in INIT_CWD where the user was. */
export const processIo: PlanCliIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  startDir: process.env["INIT_CWD"] ?? process.cwd(),
};

/** plans/<stack>.json as committed (git HEAD), or the file itself outside a git checkout. */
function committedPlan(stack: string): string | undefined {
  const relative = `plans/${stack}.json`;
  const git = spawnSync("git", ["show", `HEAD:${relative}`], { cwd: REPO_ROOT, encoding: "utf8" });
  if (git.status === 0) return git.stdout;
  const file = path.join(REPO_ROOT, relative);
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/** Whether the plan's JSON equals the committed plans/<stack>.json. */
function committedPlanStatus(stack: string, json: string, shown: (file: string) => string): string {
  const committed = shown(path.join(PLANS_DIR, `${stack}.json`));
  const text = committedPlan(stack);
  if (text === undefined) return `no committed plan ${committed}`;
  return text === json ? `same as the committed ${committed}` : `DIFFERS from the committed ${committed}`;
}

async function planStack(
  stack: string,
  configFile: string | undefined,
  outDir: string | undefined,
  writesPlans: boolean,
  io: PlanCliIo,
): Promise<void> {
  const shown = (file: string) => path.relative(io.startDir, file) || ".";
  const started = Date.now();
  const recording = await offline.runStack({ stack, configFile });
  const plan = toPlan(PROJECT, stack, recording);
  const json = planJson(plan);
  const status = committedPlanStatus(stack, json, shown);
  const target = outDir ?? (writesPlans ? PLANS_DIR : undefined);
  if (target) {
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, `${stack}.json`), json);
    writeFileSync(path.join(target, `${stack}.md`), planMarkdown(plan));
  }
  io.out(planSummary(plan));
  io.out(
    `  planned in ${((Date.now() - started) / 1000).toFixed(1)} s; ${status}` +
      (target
        ? `; wrote ${shown(path.join(target, `${stack}.json`))} and ${shown(path.join(target, `${stack}.md`))} (resource counts and the diagram)`
        : `; nothing written (--out <dir> writes the plan and its Markdown with the diagram)`),
  );
}

/**
 * The plan command with its arguments (without `node` and the script), writing through `io`;
 * resolves to the exit code. It changes the process's offline engine (config, inventory, plans
 * directory): a caller in a test resets it afterwards.
 */
export async function planCli(args: string[], io: PlanCliIo = processIo): Promise<number> {
  const START_DIR = io.startDir;
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      all: { type: "boolean", default: false },
      config: { type: "string" },
      out: { type: "string" },
      inventory: { type: "string" },
    },
  });
  const stacks = values.all ? allStacks() : positionals;
  if (stacks.length === 0 || (values.all && positionals.length > 0)) {
    io.err("usage: pnpm plan <stack> [--config <file>] [--out <dir>] [--inventory <file>] | pnpm plan --all");
    return 2;
  }
  if (values.config && stacks.length !== 1) {
    io.err("--config plans one stack: pnpm plan <stack> --config <file>");
    return 2;
  }
  offline.install();
  if (values.inventory) {
    offline.setInventory(loadInventory(path.resolve(START_DIR, values.inventory)));
  }
  if (values.all && values.out) {
    // dr is planned first: prod's stack reference must read the plan just written, not plans/.
    offline.setPlansDir(path.resolve(START_DIR, values.out));
  }
  for (const stack of stacks) {
    try {
      await planStack(
        stack,
        values.config ? path.resolve(START_DIR, values.config) : undefined,
        values.out && path.resolve(START_DIR, values.out),
        // Another stack file or inventory is a what-if: plans/ keeps the committed stack's plan.
        !values.config && !values.inventory,
        io,
      );
    } catch (error) {
      const problems = configProblems(error);
      if (problems) {
        io.err(
          `stack ${stack}: invalid config (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        );
        for (const problem of problems) {
          io.err(formatProblem(problem));
        }
      } else {
        io.err(`stack ${stack}: ${error instanceof Error ? error.message : String(error)}`);
      }
      return 1;
    }
  }
  return 0;
}
