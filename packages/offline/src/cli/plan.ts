/**
 * `pnpm plan <stack> | --all [--config <file>] [--out <dir>] [--inventory <file>]`
 *
 * Runs the real program of `stacks/` with a stack file through the offline engine and writes
 * `plans/<stack>.json` and `plans/<stack>.md`. With `--config`, plans another stack file and writes
 * nothing unless `--out` is given. Bad config exits 1 with one line per problem.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";

import { PROJECT, REPO_ROOT, offline } from "../engine";
import { loadInventory } from "../inventory";
import { planJson, planMarkdown, planSummary, toPlan } from "../plan";
import { allStacks } from "../stacks";

interface ProblemLike {
  key: string;
  value: unknown;
  rule: string;
}

function configProblems(error: unknown): ProblemLike[] | undefined {
  if (error instanceof Error && error.name === "ConfigError") {
    const problems = (error as Error & { problems?: unknown }).problems;
    if (Array.isArray(problems)) {
      return problems as ProblemLike[];
    }
  }
  return undefined;
}

async function planStack(
  stack: string,
  configFile: string | undefined,
  outDir: string | undefined,
): Promise<void> {
  const started = Date.now();
  const recording = await offline.runStack({ stack, configFile });
  const plan = toPlan(PROJECT, stack, recording);
  const target = outDir ?? (configFile ? undefined : path.join(REPO_ROOT, "plans"));
  if (target) {
    mkdirSync(target, { recursive: true });
    writeFileSync(path.join(target, `${stack}.json`), planJson(plan));
    writeFileSync(path.join(target, `${stack}.md`), planMarkdown(plan));
  }
  console.log(planSummary(plan));
  console.log(
    `  planned in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (target ? `; wrote ${path.relative(process.cwd(), path.join(target, `${stack}.json`))} and .md` : ""),
  );
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
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
    console.error(
      "usage: pnpm plan <stack> [--config <file>] [--out <dir>] [--inventory <file>] | pnpm plan --all",
    );
    return 2;
  }
  if (values.config && stacks.length !== 1) {
    console.error("--config plans one stack: pnpm plan <stack> --config <file>");
    return 2;
  }
  offline.install();
  if (values.inventory) {
    offline.setInventory(loadInventory(path.resolve(values.inventory)));
  }
  for (const stack of stacks) {
    try {
      await planStack(
        stack,
        values.config ? path.resolve(values.config) : undefined,
        values.out && path.resolve(values.out),
      );
    } catch (error) {
      const problems = configProblems(error);
      if (problems) {
        console.error(
          `stack ${stack}: invalid config (${problems.length} problem${problems.length === 1 ? "" : "s"}):`,
        );
        for (const p of problems) {
          const shown = p.value === undefined ? "(missing)" : JSON.stringify(p.value);
          console.error(`${p.key}: ${shown} — ${p.rule}`);
        }
      } else {
        console.error(`stack ${stack}: ${error instanceof Error ? error.message : String(error)}`);
      }
      return 1;
    }
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
