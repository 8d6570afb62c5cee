import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { readProject, runWithPulumiRuntime, transpilesOnly } from "../../packages/offline/src/runtime";
import { REPO_ROOT } from "./commands";
import type { BenchEntry, BenchFigure } from "./types";
import { median } from "./types";

/**
 * `pulumi up` of prod as the real runner starts it (`@pulumi/pulumi/cmd/run` against the stand-in
 * engine), cold: ts-node's compile cache is emptied first. The figure is the time from starting the
 * process to its first resource registration after the root stack (the program loaded); beside it
 * the process's peak RSS and its whole run. Transpile-only as deploys run it: Pulumi.yaml's own
 * setting, else PULUMI_NODEJS_TRANSPILE_ONLY=true.
 */
export const pulumiRuntimeProd: BenchEntry = {
  name: "prod through cmd/run, cold (time to first resource registration)",
  target: "< 10 s, peak RSS < 600 MiB",
  async run(): Promise<BenchFigure> {
    // ts-node 7 (vendored by @pulumi/pulumi) caches compiled files under <tmp>/ts-node-<hash>.
    const cacheDirectory = path.join(tmpdir(), "tdp-bench-ts-node-cache");
    rmSync(cacheDirectory, { recursive: true, force: true });
    const run = await runWithPulumiRuntime({
      stack: "prod",
      dryRun: false,
      env: {
        TS_NODE_CACHE_DIRECTORY: cacheDirectory,
        ...(transpilesOnly(readProject(REPO_ROOT)) ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: "true" }),
      },
    });
    rmSync(cacheDirectory, { recursive: true, force: true });
    if (run.exitCode !== 0 || run.firstResourceSeconds === undefined) {
      throw new Error(
        `prod through cmd/run exited with ${run.exitCode}:\n${run.stderr.split("\n").slice(-40).join("\n")}`,
      );
    }
    return {
      value: run.firstResourceSeconds,
      unit: "s",
      details: {
        peakRssMiB: Math.round(run.peakRssMiB ?? Number.NaN),
        wholeRunSeconds: run.totalSeconds.toFixed(1),
        registrations: run.registrations.length,
      },
    };
  },
  meets(figures) {
    const rss = Math.max(...figures.map((f) => Number(f.details?.["peakRssMiB"] ?? Infinity)));
    return median(figures.map((f) => f.value)) < 10 && rss < 600;
  },
};
