/**
 * Runs a stack's program through Pulumi's own runtime: `@pulumi/pulumi/cmd/run`, started as the
 * Node.js language host starts it, against the stand-in engine.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import { DEFAULT_PLANS_DIR, identityFromConfig, REPO_ROOT } from "../engine";
import type { Inventory } from "../inventory";
import { loadInventory } from "../inventory";
import { readStackFile } from "../stack-file";
import type { RuntimeInvoke, RuntimeLog, RuntimeRegistration, SecretLeak } from "./monitor";
import { StandInEngine } from "./monitor";
import type { ProgramLaunch } from "./project";
import { programLaunch, readProject } from "./project";

export interface RuntimeRunOptions {
  /** The stack: its config is `Pulumi.<stack>.yaml` in the project directory. */
  stack: string;
  /** `pulumi preview` (true) or `pulumi up` (false). */
  dryRun: boolean;
  /** The directory holding `Pulumi.yaml`. @default the repository root */
  projectDirectory?: string;
  /** Another stack file instead of `Pulumi.<stack>.yaml`. */
  configFile?: string;
  /** The stack's organization; DIY backends call every one "organization". @default "organization" */
  organization?: string;
  /** Variables added to the environment the CLI runs in (e.g. PULUMI_NODEJS_TRANSPILE_ONLY). */
  env?: NodeJS.ProcessEnv;
  /** Where stack references find other stacks' outputs. @default plans/ */
  plansDir?: string;
  inventory?: Inventory;
  /** The program is stopped after this long. @default 300000 */
  timeoutMs?: number;
  /**
   * Config paths (`tdp:biDashboard.licenceKey`) to give a secret test value although the stack file
   * has no `secure:` value there, as `pulumi config set --secret --path` would.
   */
  secrets?: string[];
}

export interface RuntimeRun {
  stack: string;
  dryRun: boolean;
  /** The program's exit code (null when it was stopped by a signal). */
  exitCode: number | null;
  /** What the program printed (never passed on to this process's output). */
  stdout: string;
  stderr: string;
  launch: ProgramLaunch;
  registrations: RuntimeRegistration[];
  reads: RuntimeRegistration[];
  invokes: RuntimeInvoke[];
  logs: RuntimeLog[];
  /** Requests the engine refused (method: message), as the CLI would report them. */
  errors: string[];
  secretLeaks: SecretLeak[];
  /** The test values given to the `secure:` config values, by config path. */
  secretValues: Record<string, string>;
  /** Default providers the engine had to register (their URNs). */
  defaultProviders: string[];
  featuresAsked: string[];
  stackOutputs: Record<string, unknown>;
  rootResource: string;
  /**
   * Seconds from the start of the process to its first registration (the root stack, registered
   * before the program loads), to its first resource after that, and to its exit.
   */
  firstRegistrationSeconds: number | undefined;
  firstResourceSeconds: number | undefined;
  totalSeconds: number;
  /** The highest resident set size of the program's process (Linux /proc; undefined elsewhere). */
  peakRssMiB: number | undefined;
}

/** The value a `secure:` config value at `configPath` gets in a run: unique, and easy to spot in a leak. */
export function testSecretValue(stack: string, configPath: string): string {
  return `tdp-test-secret-${createHash("sha256").update(`${stack}\u0000${configPath}`).digest("hex").slice(0, 16)}`;
}

/** `tdp:biDashboard.licenceKey` for the path [tdp:biDashboard, licenceKey]. */
function configPath(parts: string[]): string {
  return parts.join(".");
}

/** The peak RSS (VmHWM) of a running process, in MiB; undefined without /proc. */
function peakRss(pid: number): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a stack's program the way `pulumi preview`/`pulumi up` would on a new stack: config from the
 * stack file (secrets replaced by test values, marked secret), the program through `cmd/run`,
 * every request answered and kept. Resolves when the program has exited, whatever its exit code.
 */
export async function runWithPulumiRuntime(options: RuntimeRunOptions): Promise<RuntimeRun> {
  const projectDirectory = options.projectDirectory ?? REPO_ROOT;
  const project = readProject(projectDirectory);
  const stackFile = options.configFile ?? path.join(projectDirectory, `Pulumi.${options.stack}.yaml`);
  const secretValues: Record<string, string> = {};
  const { config, secretKeys } = readStackFile(stackFile, (parts) => {
    const value = testSecretValue(options.stack, configPath(parts));
    secretValues[configPath(parts)] = value;
    return value;
  });
  for (const secretPath of options.secrets ?? []) {
    const [key = "", ...inside] = secretPath.split(".");
    const value = testSecretValue(options.stack, secretPath);
    secretValues[secretPath] = value;
    if (inside.length === 0) {
      config[key] = value;
    } else {
      const root = (config[key] ? JSON.parse(config[key]) : {}) as Record<string, unknown>;
      let at = root;
      for (const part of inside.slice(0, -1)) at = (at[part] ??= {}) as Record<string, unknown>;
      at[inside[inside.length - 1]!] = value;
      config[key] = JSON.stringify(root);
    }
    if (!secretKeys.includes(key)) secretKeys.push(key);
  }
  const organization = options.organization ?? "organization";
  // The engine cancels the program (an interrupt, as the language host sends) when a step fails.
  let cancel: () => void = () => undefined;
  const engine = new StandInEngine({
    onFatal: () => cancel(),
    project: project.name,
    stack: options.stack,
    organization,
    dryRun: options.dryRun,
    config,
    secretKeys,
    secretValues,
    plansDir: options.plansDir ?? DEFAULT_PLANS_DIR,
    context: {
      ...identityFromConfig(config),
      partition: "aws",
      stack: options.stack,
      inventory: options.inventory ?? loadInventory(),
    },
  });
  const address = await engine.start();
  const env = { ...process.env, ...options.env };
  const launch = programLaunch({
    project,
    stack: options.stack,
    organization,
    monitorAddress: address,
    engineAddress: address,
    dryRun: options.dryRun,
    config,
    secretKeys,
    env,
  });
  const started = performance.now();
  let stdout = "";
  let stderr = "";
  let peak: number | undefined;
  let exitCode: number | null;
  try {
    const child = spawn(launch.command, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    cancel = () => child.kill("SIGINT");
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const sample = () => {
      if (child.pid !== undefined) {
        const rss = peakRss(child.pid);
        if (rss !== undefined) peak = Math.max(peak ?? 0, rss);
      }
    };
    const sampler = setInterval(sample, 100);
    const timeout = setTimeout(() => {
      stderr += `\n[stopped after ${options.timeoutMs ?? 300000} ms]`;
      child.kill("SIGKILL");
    }, options.timeoutMs ?? 300000);
    exitCode = await new Promise<number | null>((resolve, reject) => {
      child.on("error", reject);
      child.on("exit", () => sample());
      child.on("close", (code) => resolve(code));
    });
    clearInterval(sampler);
    clearTimeout(timeout);
  } finally {
    await engine.stop();
  }
  return {
    stack: options.stack,
    dryRun: options.dryRun,
    exitCode,
    stdout,
    stderr,
    launch,
    registrations: engine.registrations,
    reads: engine.reads,
    invokes: engine.invokes,
    logs: engine.logs,
    errors: engine.errors,
    secretLeaks: engine.secretLeaks,
    secretValues,
    defaultProviders: [...engine.defaultProviders].sort(),
    featuresAsked: engine.featuresAsked,
    stackOutputs: engine.stackOutputs,
    rootResource: engine.rootResource,
    firstRegistrationSeconds:
      engine.firstRegistrationAt === undefined ? undefined : (engine.firstRegistrationAt - started) / 1000,
    firstResourceSeconds:
      engine.firstResourceAt === undefined ? undefined : (engine.firstResourceAt - started) / 1000,
    totalSeconds: (performance.now() - started) / 1000,
    peakRssMiB: peak,
  };
}
