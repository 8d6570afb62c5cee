import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";

import { loadAllowlist } from "./allowlist";
import { blocking, evaluate } from "./evaluate";
import { allPolicies } from "./policies";
import { PlanFileError, readPlan } from "./plan-file";
import { violationSummary, violationTable } from "./report";
import { policyConfigFromStack } from "./stack-config";
import type { TdpPolicyConfig } from "./types";
import { readFileSync } from "node:fs";

const USAGE = `usage: pnpm policy <plan.json>... [--config <policy-config.json>] [--allowlist <file>]
       pnpm policy --print-config <stack>     (the --policy-pack-config file for pulumi preview)`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Where Pulumi.<stack>.yaml files are looked up. */
  projectDir: string;
}

/** Finds the project (the directory holding Pulumi.yaml) from a starting directory. */
export function findProjectDir(start: string): string {
  let dir = resolve(start);
  while (!existsSync(resolve(dir, "Pulumi.yaml"))) {
    const parent = dirname(dir);
    if (parent === dir) return resolve(start);
    dir = parent;
  }
  return dir;
}

function readConfigFile(file: string): TdpPolicyConfig {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as {
    config?: Record<string, unknown>;
  } & TdpPolicyConfig;
  // A --policy-pack-config file may give the settings per policy or at the top ("all").
  return (parsed.config?.["all"] as TdpPolicyConfig | undefined) ?? parsed;
}

/** Runs the CLI; returns the exit code (0 clean, 1 mandatory violations, 2 usage or input errors). */
export async function runPolicyCli(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: "string" },
        allowlist: { type: "string" },
        "print-config": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(USAGE);
    return 0;
  }
  const printStack = values["print-config"];
  if (printStack !== undefined) {
    const config = policyConfigFromStack(io.projectDir, printStack);
    if (!config) {
      io.err(`Pulumi.${printStack}.yaml: not found in ${io.projectDir}`);
      return 2;
    }
    io.out(JSON.stringify({ all: config }, null, 2));
    return 0;
  }
  if (positionals.length === 0) {
    io.err(USAGE);
    return 2;
  }
  let failed = false;
  try {
    const allowlist = loadAllowlist(values.allowlist);
    for (const file of positionals) {
      const plan = readPlan(file);
      const config =
        (values.config ? readConfigFile(values.config) : undefined) ??
        (plan.stack ? policyConfigFromStack(io.projectDir, plan.stack) : undefined) ??
        {};
      const violations = await evaluate(plan.resources, allPolicies, config, allowlist);
      io.out(`${file} (stack ${plan.stack ?? "unnamed"})`);
      io.out(violationTable(violations));
      io.out(violationSummary(violations, allPolicies.length, plan.resources.length));
      if (blocking(violations).length > 0) failed = true;
    }
  } catch (err) {
    if (err instanceof PlanFileError || err instanceof SyntaxError) {
      io.err(err.message);
      return 2;
    }
    io.err((err as Error).message);
    return 2;
  }
  return failed ? 1 : 0;
}

if (require.main === module) {
  void runPolicyCli(process.argv.slice(2), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    projectDir: findProjectDir(process.cwd()),
  }).then((code) => {
    process.exitCode = code;
  });
}
