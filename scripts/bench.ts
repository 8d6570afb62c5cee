/**
 * `pnpm bench [--runs N] [--only <substring>]`: runs each registered entry N times (default 3)
 * and prints the median of its figures against its target. Exits 1 when a target is missed.
 */
import { parseArgs } from "node:util";

import { planProd, policyProd, wholeTestSuite } from "./bench/commands";
import { dashboardSync } from "./bench/dashboard-sync";
import { pulumiRuntimeProd } from "./bench/pulumi-runtime";
import type { BenchEntry, BenchFigure } from "./bench/types";
import { median } from "./bench/types";

/** Every entry of the bench, in the order printed. Packages add theirs here. */
export const ENTRIES: BenchEntry[] = [planProd, policyProd, pulumiRuntimeProd, dashboardSync, wholeTestSuite];

function format(value: number, unit: BenchFigure["unit"]): string {
  return unit === "ratio" ? `${value.toFixed(2)}×` : `${value.toFixed(unit === "s" ? 2 : 0)} ${unit}`;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { runs: { type: "string", default: "3" }, only: { type: "string" } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    console.error(`--runs ${values.runs}: give a whole number of runs, 1 or more`);
    return 2;
  }
  const entries = ENTRIES.filter((e) => !values.only || e.name.includes(values.only));
  const rows: string[][] = [["entry", "median", "runs", "target", "met", "details"]];
  let allMet = true;
  for (const entry of entries) {
    const figures: BenchFigure[] = [];
    await entry.setup?.();
    try {
      for (let i = 0; i < runs; i++) {
        figures.push(await entry.run());
      }
    } finally {
      await entry.teardown?.();
    }
    const met = entry.meets(figures);
    allMet &&= met;
    const unit = figures[0]!.unit;
    const details = figures[figures.length - 1]!.details ?? {};
    rows.push([
      entry.name,
      format(median(figures.map((f) => f.value)), unit),
      figures.map((f) => format(f.value, unit)).join(", "),
      entry.target,
      met ? "yes" : "NO",
      Object.entries(details)
        .map(([k, v]) => `${k}=${v}`)
        .join(" "),
    ]);
    console.error(`done: ${entry.name}`);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const row of rows) {
    console.log(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  "));
  }
  return allMet ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
