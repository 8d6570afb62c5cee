import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";

import { loadAllowlist } from "./allowlist";
import { ALLOWLIST_START, controlTable, refreshDocument, TABLE_START } from "./control-table";
import { blocking, evaluate } from "./evaluate";
import { allPolicies } from "./policies";
import { PlanFileError, readPlan } from "./plan-file";
import { violationSummary, violationTable } from "./report";
import { checksSkippedWithout, policyConfigFromStack } from "./stack-config";
import type { TdpPolicyConfig } from "./types";

const USAGE = `usage: pnpm policy <plan.json>... [--config <policy-config.json>] [--allowlist <file>]
       pnpm policy --print-config <stack>     (the --policy-pack-config file for pulumi preview)
       pnpm policy --controls                 (the control table, Markdown)
       pnpm policy --write-docs docs/security.md [--write-docs packages/policies/README.md]
                                              (refresh the control table and allow-list in documents)`;

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

/** The `--policy-pack-config` file for a stack: the same settings for every policy of the pack. */
export function packConfig(config: TdpPolicyConfig): Record<string, TdpPolicyConfig> {
  return Object.fromEntries(allPolicies.map((p) => [p.name, config]));
}

/** Reads a settings file: plain settings, or a `--policy-pack-config` file (settings per policy). */
export function readConfigFile(file: string): TdpPolicyConfig {
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  const perPolicy = allPolicies.map((p) => parsed[p.name]).find((v) => v !== null && typeof v === "object");
  return (perPolicy ?? parsed) as TdpPolicyConfig;
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
        controls: { type: "boolean" },
        "write-docs": { type: "string", multiple: true },
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
  if (values.controls) {
    io.out(controlTable(allPolicies));
    return 0;
  }
  const docs = values["write-docs"];
  if (docs !== undefined) {
    const allowlist = loadAllowlist(values.allowlist);
    for (const doc of docs) {
      const text = refreshDocument(readFileSync(doc, "utf8"), allPolicies, allowlist);
      if (text === undefined) {
        io.err(`${doc}: no ${TABLE_START} or ${ALLOWLIST_START} markers`);
        return 2;
      }
      writeFileSync(doc, text);
      io.out(
        `${doc}: generated blocks refreshed (${allPolicies.length} policies, ${allowlist.length} allow-list entries)`,
      );
    }
    return 0;
  }
  const printStack = values["print-config"];
  if (printStack !== undefined) {
    const config = policyConfigFromStack(io.projectDir, printStack);
    if (!config) {
      io.err(`Pulumi.${printStack}.yaml: not found in ${io.projectDir}`);
      return 2;
    }
    io.out(JSON.stringify(packConfig(config), null, 2));
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
      const settings =
        (values.config ? readConfigFile(values.config) : undefined) ??
        (plan.stack ? policyConfigFromStack(io.projectDir, plan.stack) : undefined);
      const config = settings ?? {};
      if (settings === undefined) {
        // Neither --config nor the stack's file: say what goes unchecked rather than pass quietly.
        io.err(
          `warning: ${file}: no settings for stack ${plan.stack ?? "(unnamed)"} (no --config, no Pulumi.${plan.stack ?? "<stack>"}.yaml in ${io.projectDir}); ` +
            `skipped for want of settings: ${checksSkippedWithout(config).join("; ")}. ` +
            `Supply them with --config <file> (plain settings or a --policy-pack-config file; pnpm policy --print-config <stack> writes one).`,
        );
      }
      const violations = await evaluate(plan.resources, allPolicies, config, allowlist);
      io.out(`${file} (stack ${plan.stack ?? "unnamed"})`);
      io.out(violationTable(violations));
      io.out(violationSummary(violations, allPolicies.length, plan.resources.length));
      if (blocking(violations).length > 0) failed = true;
    }
  } catch (err) {
    // A plan or settings file that cannot be read or parsed: say which, exit 2 (not a policy result).
    io.err(err instanceof PlanFileError ? err.message : `policy: ${(err as Error).message}`);
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
