/**
 * The project file (`Pulumi.yaml`) as the Pulumi CLI and its Node.js language host read it, and the
 * command line and environment the language host starts a program with. Checked against
 * pulumi/pulumi's `sdk/nodejs/cmd/pulumi-language-nodejs` (parseOptions, constructArguments,
 * execRuntime) and `@pulumi/pulumi/cmd/run`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";

import { parse } from "yaml";

/** The options of `runtime.options` the Node.js language host understands. */
export interface NodeRuntimeOptions {
  /** Run TypeScript through ts-node (`PULUMI_NODEJS_TYPESCRIPT=true`). @default true */
  typescript: boolean;
  /** `PULUMI_NODEJS_TSCONFIG_PATH`, as written (the program resolves it from its directory). */
  tsconfig?: string;
  /** Arguments for node itself, split as a shell would (`runtime.options.nodeargs`). */
  nodeargs: string[];
  /** The package manager; only used by `pulumi install`. @default "auto" */
  packagemanager: "auto" | "npm" | "yarn" | "pnpm" | "bun";
}

export interface PulumiProject {
  /** The project name (`name`). */
  name: string;
  /** The directory holding `Pulumi.yaml`. */
  rootDirectory: string;
  /** Where the program is (`main`, or the root directory). */
  programDirectory: string;
  /** What `cmd/run` loads from the program directory: "." unless `main` names a file. */
  entryPoint: string;
  runtime: NodeRuntimeOptions;
}

const PACKAGE_MANAGERS = ["auto", "npm", "yarn", "pnpm", "bun"] as const;

/**
 * `runtime.options` as the language host's parseOptions reads them: the same defaults, the same
 * type checks and the same messages. Unknown options are ignored, as there.
 */
export function parseRuntimeOptions(options: Record<string, unknown>): NodeRuntimeOptions {
  const result: NodeRuntimeOptions = { typescript: true, nodeargs: [], packagemanager: "auto" };
  if ("typescript" in options) {
    if (typeof options["typescript"] !== "boolean") throw new Error("typescript option must be a boolean");
    result.typescript = options["typescript"];
  }
  if ("tsconfig" in options) {
    if (typeof options["tsconfig"] !== "string") throw new Error("tsconfigpath option must be a string");
    if (options["tsconfig"] !== "") result.tsconfig = options["tsconfig"];
  }
  if ("nodeargs" in options) {
    if (typeof options["nodeargs"] !== "string") throw new Error("nodeargs option must be a string");
    result.nodeargs = splitShellWords(options["nodeargs"]);
  }
  if ("packagemanager" in options) {
    const pm = options["packagemanager"];
    if (typeof pm !== "string") throw new Error("packagemanager option must be a string");
    if (!(PACKAGE_MANAGERS as readonly string[]).includes(pm)) {
      throw new Error(`packagemanager option must be one of auto, npm, yarn, pnpm or bun, got "${pm}"`);
    }
    result.packagemanager = pm as NodeRuntimeOptions["packagemanager"];
  }
  return result;
}

/**
 * Splits a command line into words as the language host does (Go's shlex): whitespace separates,
 * single quotes keep everything, double quotes keep all but `\"` and `\\`, a backslash escapes
 * the next character outside quotes.
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && (text[i + 1] === '"' || text[i + 1] === "\\")) word += text[++i];
      else word += c;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'" || c === '"') {
      word ??= "";
      quote = c;
    } else if (c === "\\" && i + 1 < text.length) {
      word = (word ?? "") + text[++i];
    } else {
      word = (word ?? "") + c;
    }
  }
  if (quote) throw new Error(`nodeargs: unclosed ${quote} in ${JSON.stringify(text)}`);
  if (word !== undefined) words.push(word);
  return words;
}

/** Reads `Pulumi.yaml` in `rootDirectory`. Only the Node.js runtime is supported. */
export function readProject(rootDirectory: string): PulumiProject {
  const file = path.join(rootDirectory, "Pulumi.yaml");
  const document = parse(readFileSync(file, "utf8")) as Record<string, unknown> | null;
  const name = document?.["name"];
  if (typeof name !== "string" || name === "") throw new Error(`${file}: "name" is missing`);
  const runtime = document?.["runtime"];
  const runtimeName =
    typeof runtime === "string" ? runtime : (runtime as { name?: unknown } | undefined)?.name;
  if (runtimeName !== "nodejs") {
    throw new Error(`${file}: runtime ${JSON.stringify(runtimeName)}; only nodejs programs can be run here`);
  }
  const options =
    typeof runtime === "object" && runtime !== null
      ? ((runtime as { options?: Record<string, unknown> }).options ?? {})
      : {};
  const main = document?.["main"];
  let programDirectory = rootDirectory;
  let entryPoint = ".";
  if (typeof main === "string" && main !== "") {
    const target = path.resolve(rootDirectory, main);
    if (existsSync(target) && statSync(target).isFile()) {
      programDirectory = path.dirname(target);
      entryPoint = path.basename(target);
    } else {
      programDirectory = target;
    }
  }
  return { name, rootDirectory, programDirectory, entryPoint, runtime: parseRuntimeOptions(options) };
}

export interface ProgramLaunchRequest {
  project: PulumiProject;
  stack: string;
  organization: string;
  monitorAddress: string;
  engineAddress: string;
  dryRun: boolean;
  /** `--parallel`; the CLI's default is 4 × the CPUs (or PULUMI_PARALLEL). */
  parallel?: number;
  /** Config as the CLI hands it over: `namespace:key` to the value's text. */
  config: Record<string, string>;
  secretKeys: string[];
  /** The environment the CLI runs in (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export interface ProgramLaunch {
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** The CLI's default `--parallel`. */
export function defaultParallel(env: NodeJS.ProcessEnv = process.env): number {
  const fromEnv = Number(env["PULUMI_PARALLEL"]);
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism() * 4;
}

/**
 * How the language host starts `@pulumi/pulumi/cmd/run` (resolved from the program directory):
 * `node [nodeargs] <run> --monitor --engine --organization --project --root-directory --stack
 * --pwd [--dry-run] --parallel <entry>`, with PULUMI_CONFIG keys as `namespace:config:key`.
 */
export function programLaunch(request: ProgramLaunchRequest): ProgramLaunch {
  const { project } = request;
  const runPath = require.resolve("@pulumi/pulumi/cmd/run", { paths: [project.programDirectory] });
  const config = Object.fromEntries(
    Object.entries(request.config).map(([key, value]) => {
      const at = key.indexOf(":");
      return [`${key.slice(0, at)}:config:${key.slice(at + 1)}`, value];
    }),
  );
  const env: NodeJS.ProcessEnv = {
    ...(request.env ?? process.env),
    PULUMI_CONFIG: JSON.stringify(config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(request.secretKeys),
  };
  if (project.runtime.typescript) env["PULUMI_NODEJS_TYPESCRIPT"] = "true";
  if (project.runtime.tsconfig) env["PULUMI_NODEJS_TSCONFIG_PATH"] = project.runtime.tsconfig;
  const args = [
    ...project.runtime.nodeargs,
    runPath,
    "--monitor",
    request.monitorAddress,
    "--engine",
    request.engineAddress,
    "--organization",
    request.organization,
    "--project",
    project.name,
    "--root-directory",
    project.rootDirectory,
    "--stack",
    request.stack,
    "--pwd",
    project.programDirectory,
    ...(request.dryRun ? ["--dry-run"] : []),
    "--parallel",
    String(request.parallel ?? defaultParallel(request.env)),
    project.entryPoint,
  ];
  return { command: process.execPath, args, cwd: project.programDirectory, env };
}

/**
 * Whether `cmd/run` will only transpile (no type-check), as it decides: PULUMI_NODEJS_TRANSPILE_ONLY
 * when set, else `compilerOptions.noCheck` of the tsconfig file it is given. Like `cmd/run`, only
 * that file's own compilerOptions count here: a `noCheck` inherited through `extends` does not.
 */
export function transpilesOnly(project: PulumiProject, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!project.runtime.typescript) return true;
  const fromEnv = env["PULUMI_NODEJS_TRANSPILE_ONLY"];
  if (fromEnv) return fromEnv === "true";
  const tsconfig = path.resolve(project.programDirectory, project.runtime.tsconfig ?? "tsconfig.json");
  if (!existsSync(tsconfig)) return false;
  // The TypeScript compiler `cmd/run` uses (the one next to @pulumi/pulumi) reads the file, so
  // comments and trailing commas are handled exactly as there.
  const sdk = path.dirname(
    require.resolve("@pulumi/pulumi/package.json", { paths: [project.programDirectory] }),
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ts = require(require.resolve("typescript", { paths: [sdk] })) as {
    parseConfigFileTextToJson(
      file: string,
      text: string,
    ): { config?: { compilerOptions?: { noCheck?: unknown } } };
  };
  const parsed = ts.parseConfigFileTextToJson(tsconfig, readFileSync(tsconfig, "utf8"));
  return parsed.config?.compilerOptions?.noCheck === true;
}
