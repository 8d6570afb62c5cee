import { spawnSync } from "node:child_process";
import * as path from "node:path";

import {
  allPolicies,
  evaluate,
  loadAllowlist,
  policyConfigFromStack,
  readPlan,
} from "../../packages/policies/src";
import type { BenchEntry, BenchFigure } from "./types";
import { median } from "./types";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** Wall time of a command run from the repository root; fails the bench when the command fails. */
export function timeCommand(command: string, args: string[]): BenchFigure {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: process.env,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) {
    // The end of the output says which check failed.
    const tail = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  return { value: seconds, unit: "s" };
}

export const planProd: BenchEntry = {
  name: "pnpm plan prod",
  target: "< 5 s",
  run: async () => timeCommand("pnpm", ["plan", "prod"]),
  meets: (figures) => median(figures.map((f) => f.value)) < 5,
};

export const wholeTestSuite: BenchEntry = {
  name: "pnpm test (type-check, lint, every test)",
  target: "< 180 s",
  run: async () => timeCommand("pnpm", ["test"]),
  meets: (figures) => median(figures.map((f) => f.value)) < 180,
};

export const policyProd: BenchEntry = {
  name: "policy pack over plans/prod.json (in process)",
  target: "< 1 s",
  run: async () => {
    const allowlist = loadAllowlist();
    // The prod stack's own settings, as `pnpm policy plans/prod.json` runs it: with them the
    // cross-account, boundary and vault-lock checks do their full work instead of being skipped.
    const config = policyConfigFromStack(REPO_ROOT, "prod") ?? {};
    const started = process.hrtime.bigint();
    const plan = readPlan(path.join(REPO_ROOT, "plans", "prod.json"));
    await evaluate(plan.resources, allPolicies, config, allowlist);
    return { value: Number(process.hrtime.bigint() - started) / 1e9, unit: "s" };
  },
  meets: (figures) => median(figures.map((f) => f.value)) < 1,
};
