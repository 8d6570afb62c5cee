import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

import type { BenchEntry, BenchFigure } from "./types";
import { median } from "./types";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The CPU time (user + system, seconds) of this process's waited-for children, where Linux says it. */
function childrenCpuSeconds(): number | undefined {
  try {
    // /proc/self/stat: fields 16 and 17 (cutime, cstime) in clock ticks, after the parenthesised name.
    const fields = readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

/**
 * The environment of the shell `pnpm bench` was started from: without what `pnpm run` adds for its
 * script (the npm_* and pnpm_* settings, INIT_CWD, node_modules/.bin on PATH). A pnpm started
 * inside a pnpm script reads those and measured 0.1 to 0.4 s slower than one started by a user.
 */
export function userShellEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const shell: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^(npm_|pnpm_|PNPM_)/i.test(key) || key === "INIT_CWD" || key === "NODE") continue;
    shell[key] = value;
  }
  if (env["PATH"] !== undefined) {
    shell["PATH"] = env["PATH"]
      .split(path.delimiter)
      .filter((dir) => !dir.endsWith(path.join("node_modules", ".bin")) && !dir.includes("node-gyp-bin"))
      .join(path.delimiter);
  }
  return shell;
}

/**
 * Wall time of a command run from the repository root, in the user's shell environment, with its CPU time (user + system) beside
 * it: on a shared machine the CPU time shows a change that the wall time hides. Fails the bench
 * when the command fails.
 */
export function timeCommand(command: string, args: string[], env: NodeJS.ProcessEnv = {}): BenchFigure {
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    cwd: REPO_ROOT,
    env: { ...userShellEnv(), ...env },
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== 0) {
    // The end of the output says which check failed.
    const tail = `${result.stdout ?? ""}${result.stderr ?? ""}`.trim().split("\n").slice(-40).join("\n");
    throw new Error(`${command} ${args.join(" ")} exited with ${result.status ?? result.signal}:\n${tail}`);
  }
  return {
    value: seconds,
    unit: "s",
    ...(cpuBefore !== undefined && cpuAfter !== undefined
      ? { details: { cpuSeconds: (cpuAfter - cpuBefore).toFixed(2) } }
      : {}),
  };
}

/** An entry timing one command against a wall-time target in seconds (median of the runs). */
function commandEntry(
  name: string,
  limitSeconds: number,
  command: string,
  args: string[],
  options: Pick<BenchEntry, "runs" | "full"> = {},
): BenchEntry {
  return {
    name,
    target: `≤ ${limitSeconds} s`,
    limit: limitSeconds,
    ...options,
    run: async () => timeCommand(command, args),
    meets: (figures) => median(figures.map((f) => f.value)) <= limitSeconds,
  };
}

/** `pnpm -s plan prod` as the README has a user run it: pnpm, then node with the workspace TypeScript hook, then the plan. */
export const planProd = commandEntry("pnpm -s plan prod", 3, "pnpm", ["-s", "plan", "prod"], { runs: 5 });

/** `pnpm -s policy plans/prod.json`: the whole policy CLI over the committed prod plan. */
export const policyProd = commandEntry(
  "pnpm -s policy plans/prod.json",
  1,
  "pnpm",
  ["-s", "policy", "plans/prod.json"],
  {
    runs: 5,
  },
);

/** `pnpm test` without the real-runtime and consumer-install tests (`pnpm test:fast`). */
export const fastTestSuite = commandEntry(
  "pnpm test without the real-runtime and consumer-install tests (pnpm test:fast)",
  90,
  "pnpm",
  ["-s", "test:fast"],
  { runs: 1, full: true },
);

/** The whole `pnpm test`, as CI runs it. */
export const wholeTestSuite = commandEntry(
  "pnpm test (type-check, lint, every test)",
  240,
  "pnpm",
  ["-s", "test"],
  {
    runs: 1,
    full: true,
  },
);

/**
 * The real-runtime preview start, when this checkout has the real-runtime engine
 * (packages/offline/src/runtime/ and its bench entry scripts/bench/pulumi-runtime.ts);
 * otherwise a note saying why it is skipped.
 */
export function realRuntimeEntry(): BenchEntry | string {
  const runtime = path.join(REPO_ROOT, "packages", "offline", "src", "runtime");
  const entry = path.join(__dirname, "pulumi-runtime.ts");
  if (!existsSync(runtime) || !existsSync(entry)) {
    return "real-runtime preview start: skipped, this checkout has no packages/offline/src/runtime/ (the real-runtime engine)";
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(entry) as Record<string, unknown>;
  const found = Object.values(loaded).find(
    (value): value is BenchEntry =>
      typeof value === "object" && value !== null && "run" in value && "meets" in value && "name" in value,
  );
  return (
    found ?? `real-runtime preview start: skipped, ${path.relative(REPO_ROOT, entry)} exports no bench entry`
  );
}
