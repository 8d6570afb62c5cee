/**
 * `pnpm bench [--full] [--runs N] [--only <substring>]`: runs each entry its number of times
 * (`--runs` for all) and prints the median against the target, with the ratio median / target and
 * the machine (cores, Node version, load). By default it skips the long runs (the test suites) and
 * finishes in under 3 minutes; `--full` adds them. Exits 1 only when a measured target is missed
 * (a command that fails misses its target); entries this checkout cannot run are skipped with a note.
 */
import * as os from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";

import {
  allPolicies,
  evaluate,
  loadAllowlist,
  policyConfigFromStack,
  readPlan,
} from "../packages/policies/src";
import {
  fastTestSuite,
  planProd,
  policyProd,
  REPO_ROOT,
  realRuntimeEntry,
  timeCommand,
  wholeTestSuite,
} from "./bench/commands";
import { dashboardSync } from "./bench/dashboard-sync";
import type { BenchEntry, BenchFigure } from "./bench/types";
import { median } from "./bench/types";

/** The policy pack alone over plans/prod.json, in this process: what the CLI adds is start-up. */
export const policyPackInProcess: BenchEntry = {
  name: "policy pack alone over plans/prod.json (in process)",
  target: "≤ 1 s",
  limit: 1,
  runs: 5,
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
  meets: (figures) => median(figures.map((f) => f.value)) <= 1,
};

/** Every entry of the bench, in the order printed, or a note why one is skipped here. */
export function entries(): (BenchEntry | string)[] {
  return [
    planProd,
    policyProd,
    policyPackInProcess,
    realRuntimeEntry(),
    dashboardSync,
    fastTestSuite,
    wholeTestSuite,
  ];
}

function format(value: number, unit: BenchFigure["unit"]): string {
  return unit === "ratio" ? `${value.toFixed(2)}×` : `${value.toFixed(unit === "s" ? 2 : 0)} ${unit}`;
}

/** The machine the figures belong to. */
export function machine(): string {
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(2));
  return (
    `machine: ${cpus.length} cores (${cpus[0]?.model.trim() ?? "unknown CPU"}), Node ${process.version}, ` +
    `${os.platform()} ${os.release()}, load average ${load.join(" ")} (a busy machine inflates wall times; ` +
    `cpu= is user+system CPU seconds)`
  );
}

/**
 * pnpm's own start-up now (`pnpm -s --version`, median of 3): the part of the two CLI figures
 * that is pnpm's, and a gauge of the machine's speed at the moment (0.50 s on a quiet one here).
 */
export function pnpmStartUp(): string {
  const seconds = median([0, 1, 2].map(() => timeCommand("pnpm", ["-s", "--version"]).value));
  return `pnpm start-up (pnpm -s --version, median of 3): ${seconds.toFixed(2)} s, included in both pnpm -s figures`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      runs: { type: "string" },
      only: { type: "string" },
      full: { type: "boolean", default: false },
    },
  });
  const runsOverride = values.runs === undefined ? undefined : Number(values.runs);
  if (runsOverride !== undefined && (!Number.isInteger(runsOverride) || runsOverride < 1)) {
    console.error(`--runs ${values.runs}: give a whole number of runs, 1 or more`);
    return 2;
  }
  const rows: string[][] = [["entry", "median", "target", "ratio", "met", "runs", "details"]];
  const notes: string[] = [];
  let allMet = true;
  for (const entry of entries()) {
    if (typeof entry === "string") {
      if (!values.only || entry.includes(values.only)) notes.push(entry);
      continue;
    }
    if (values.only && !entry.name.includes(values.only)) continue;
    if (entry.full && !values.full) {
      notes.push(`${entry.name}: skipped, a long run (pnpm bench --full)`);
      continue;
    }
    const runs = runsOverride ?? entry.runs ?? 3;
    const figures: BenchFigure[] = [];
    let failure: string | undefined;
    try {
      await entry.setup?.();
      try {
        for (let i = 0; i < runs; i++) {
          figures.push(await entry.run());
        }
      } finally {
        await entry.teardown?.();
      }
    } catch (error) {
      failure = error instanceof Error ? error.message : String(error);
    }
    if (failure !== undefined || figures.length === 0) {
      allMet = false;
      rows.push([entry.name, "-", entry.target, "-", "NO", "0", "failed, see below"]);
      notes.push(`${entry.name}: FAILED: ${failure ?? "no figures"}`);
      continue;
    }
    const met = entry.meets(figures);
    allMet &&= met;
    const unit = figures[0]!.unit;
    const middle = median(figures.map((f) => f.value));
    const cpu = figures.map((f) => Number(f.details?.["cpuSeconds"])).filter((c) => !Number.isNaN(c));
    const details = { ...(figures[figures.length - 1]!.details ?? {}) };
    if (cpu.length > 0) details["cpuSeconds"] = median(cpu).toFixed(2);
    rows.push([
      entry.name,
      format(middle, unit),
      entry.target,
      entry.limit ? `${(middle / entry.limit).toFixed(2)}` : "-",
      met ? "yes" : "NO",
      figures.map((f) => format(f.value, unit)).join(", "),
      Object.entries(details)
        .map(([k, v]) => `${k === "cpuSeconds" ? "cpu" : k}=${v}`)
        .join(" "),
    ]);
    console.error(`done: ${entry.name}`);
  }
  console.log(machine());
  console.log(pnpmStartUp());
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
  }
  for (const note of notes) console.log(`note: ${note}`);
  console.log(allMet ? "every measured target met" : "a target was missed");
  return allMet ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
