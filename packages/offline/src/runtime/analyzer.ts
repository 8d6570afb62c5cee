/**
 * Runs a policy pack through its real entry point, as `pulumi preview --policy-pack <dir>` does:
 * `node <pack>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> <pack>` in the pack's
 * directory, reading the port it prints, then the Analyzer service: GetAnalyzerInfo, the
 * `--policy-pack-config` file reconciled with the policies' schemas as the CLI does
 * (pkg/resource/analyzer/config.go), Configure, Analyze per resource and AnalyzeStack.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";

import * as grpc from "@grpc/grpc-js";
import * as analyzerGrpc from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import Ajv from "ajv";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import type { RuntimeRegistration } from "./monitor";
import { forAnalyzer, toStruct } from "./monitor";

const ENFORCEMENT_LEVELS = ["advisory", "mandatory", "disabled", "remediate"] as const;
type EnforcementLevel = (typeof ENFORCEMENT_LEVELS)[number];

export interface PolicyPackRunOptions {
  /** The pack's directory (its PulumiPolicy.yaml and node_modules). */
  packDirectory: string;
  project: string;
  stack: string;
  organization: string;
  dryRun: boolean;
  /** The stack's config (`namespace:key` to text), as the CLI passes it to the pack. */
  stackConfig?: Record<string, string>;
  /** The `--policy-pack-config` file's content: `{ "<policy>": { ...props } | "<level>" }`. */
  policyConfig: Record<string, unknown>;
  /** The registrations to analyze (custom resources; components are analyzed too, as the CLI does). */
  resources: RuntimeRegistration[];
  /** The pack is stopped after this long. @default 300000 */
  timeoutMs?: number;
}

export interface PolicyDiagnostic {
  policy: string;
  urn: string;
  message: string;
  enforcementLevel: EnforcementLevel;
}

export interface PolicyPackRun {
  name: string;
  version: string;
  policies: string[];
  /** Schema violations of the config, as the CLI lists them before refusing to run. */
  configErrors: string[];
  /** Resources sent to Analyze. */
  analyzed: number;
  diagnostics: PolicyDiagnostic[];
  /** Seconds from the start of the pack's process to the port it printed. */
  startSeconds: number;
  stderr: string;
}

type PolicyConfig = { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> };

function levelOf(value: unknown, policy: string): EnforcementLevel {
  if (typeof value !== "string" || !(ENFORCEMENT_LEVELS as readonly string[]).includes(value)) {
    throw new Error(
      `parsing enforcement level for "${policy}": ${JSON.stringify(value)} is not a valid enforcement level`,
    );
  }
  return value as EnforcementLevel;
}

/** A `--policy-pack-config` file as the CLI parses it (parsePolicyPackConfig). */
export function parsePolicyPackConfig(file: Record<string, unknown>): Record<string, PolicyConfig> {
  const result: Record<string, PolicyConfig> = {};
  for (const [policy, value] of Object.entries(file)) {
    if (policy === "environments") continue;
    if (typeof value === "string") {
      result[policy] = { enforcementLevel: levelOf(value, policy) };
    } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const { enforcementLevel, ...properties } = value as Record<string, unknown>;
      result[policy] = {
        ...(enforcementLevel !== undefined ? { enforcementLevel: levelOf(enforcementLevel, policy) } : {}),
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
      };
    } else {
      throw new Error(
        `parsing "${policy}": ${JSON.stringify(value)} is not a valid value; must be a string or object`,
      );
    }
  }
  return result;
}

const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [analyzerProto.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerProto.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerProto.EnforcementLevel.DISABLED]: "disabled",
  [analyzerProto.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_VALUES: Record<EnforcementLevel, analyzerProto.EnforcementLevel> = {
  advisory: analyzerProto.EnforcementLevel.ADVISORY,
  mandatory: analyzerProto.EnforcementLevel.MANDATORY,
  disabled: analyzerProto.EnforcementLevel.DISABLED,
  remediate: analyzerProto.EnforcementLevel.REMEDIATE,
};

/**
 * The configuration the CLI sends: every policy's schema defaults and level, then the file's
 * entries ("all" sets every level), validated against each policy's schema.
 */
export function reconcilePolicyConfig(
  info: analyzerProto.AnalyzerInfo,
  file: Record<string, PolicyConfig>,
): { config: Record<string, PolicyConfig>; errors: string[] } {
  const config: Record<string, PolicyConfig> = {};
  for (const policy of info.getPoliciesList()) {
    const schema = (policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
      string,
      { default?: unknown }
    >;
    const defaults = Object.entries(schema).filter(([, property]) => property?.default !== undefined);
    config[policy.getName()] = {
      enforcementLevel: LEVEL_NAMES[policy.getEnforcementlevel()] ?? "advisory",
      ...(defaults.length > 0
        ? { properties: Object.fromEntries(defaults.map(([k, p]) => [k, p.default])) }
        : {}),
    };
  }
  const all = file["all"]?.enforcementLevel;
  if (all) for (const entry of Object.values(config)) entry.enforcementLevel = all;
  for (const [policy, given] of Object.entries(file)) {
    const entry = (config[policy] ??= {});
    if (given.enforcementLevel) entry.enforcementLevel = given.enforcementLevel;
    if (given.properties) entry.properties = { ...entry.properties, ...given.properties };
  }
  const ajv = new Ajv({ allErrors: true, strict: false });
  const errors: string[] = [];
  for (const policy of info.getPoliciesList()) {
    const schema = policy.getConfigschema();
    if (!schema) continue;
    const properties = schema.getProperties()?.toJavaScript() ?? {};
    const validate = ajv.compile({
      type: "object",
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(schema.getRequiredList().length > 0 ? { required: schema.getRequiredList() } : {}),
    });
    if (!validate(config[policy.getName()]?.properties ?? {})) {
      for (const error of validate.errors ?? []) {
        errors.push(
          `${policy.getName()}: ${error.instancePath || "(root)"} ${error.message ?? "is invalid"}`,
        );
      }
    }
  }
  return { config, errors };
}

function call<Req, Res>(
  method: (request: Req, callback: (error: grpc.ServiceError | null, response?: Res) => void) => unknown,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    method(request, (error, response) =>
      error || response === undefined ? reject(error) : resolve(response),
    ),
  );
}

function resourceOptions(resource: RuntimeRegistration): analyzerProto.AnalyzerResourceOptions {
  const options = resource.options ?? {};
  return new analyzerProto.AnalyzerResourceOptions()
    .setProtect(resource.protect)
    .setIgnorechangesList(options.ignoreChanges ?? [])
    .setDeletebeforereplace(options.deleteBeforeReplace === true)
    .setDeletebeforereplacedefined(options.deleteBeforeReplace !== undefined)
    .setAdditionalsecretoutputsList(options.additionalSecretOutputs ?? [])
    .setParent(resource.parent ?? "");
}

function diagnosticsOf(response: analyzerProto.AnalyzeResponse): PolicyDiagnostic[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    urn: d.getUrn(),
    message: d.getMessage(),
    enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()] ?? "advisory",
  }));
}

/** Starts the pack, configures it and analyzes `resources` one by one, then as a stack. */
export async function runPolicyPack(options: PolicyPackRunOptions): Promise<PolicyPackRun> {
  const runPath = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [options.packDirectory] });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // PulumiPolicy.yaml `runtime: nodejs` without options: TypeScript on, as the language host sets it.
    PULUMI_NODEJS_TYPESCRIPT: "true",
    PULUMI_NODEJS_ORGANIZATION: options.organization,
    PULUMI_NODEJS_PROJECT: options.project,
    PULUMI_NODEJS_STACK: options.stack,
    PULUMI_NODEJS_DRY_RUN: String(options.dryRun),
    PULUMI_CONFIG: JSON.stringify(options.stackConfig ?? {}),
  };
  const started = performance.now();
  // The pack's first argument is the engine's address; run-policy-pack drops it unused.
  const child = spawn(process.execPath, [runPath, "127.0.0.1:0", options.packDirectory], {
    cwd: options.packDirectory,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const timeout = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 300000);
  let client: analyzerGrpc.AnalyzerClient | undefined;
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
        stdout += chunk;
        const line = /^(\d+)\s*$/m.exec(stdout);
        if (line) resolve(line[1]!);
      });
      child.on("close", (code) =>
        reject(new Error(`the policy pack exited (${code}) before it listened:\n${stderr}`)),
      );
    });
    const startSeconds = (performance.now() - started) / 1000;
    client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const analyzer = client;
    await call(
      analyzer.configureStack.bind(analyzer),
      new analyzerProto.AnalyzerStackConfigureRequest()
        .setStack(options.stack)
        .setProject(options.project)
        .setOrganization(options.organization)
        .setDryRun(options.dryRun),
    );
    const info = await call<Empty, analyzerProto.AnalyzerInfo>(
      analyzer.getAnalyzerInfo.bind(analyzer),
      new Empty(),
    );
    const { config, errors } = reconcilePolicyConfig(info, parsePolicyPackConfig(options.policyConfig));
    const result: PolicyPackRun = {
      name: info.getName(),
      version: info.getVersion(),
      policies: info.getPoliciesList().map((p) => p.getName()),
      configErrors: errors,
      analyzed: 0,
      diagnostics: [],
      startSeconds,
      stderr,
    };
    if (errors.length > 0) return result;
    const configure = new analyzerProto.ConfigureAnalyzerRequest();
    for (const [policy, entry] of Object.entries(config)) {
      configure
        .getPolicyconfigMap()
        .set(
          policy,
          new analyzerProto.PolicyConfig()
            .setEnforcementlevel(LEVEL_VALUES[entry.enforcementLevel ?? "advisory"])
            .setProperties(Struct.fromJavaScript((entry.properties ?? {}) as Record<string, never>)),
        );
    }
    await call(analyzer.configure.bind(analyzer), configure);
    for (const resource of options.resources) {
      const request = new analyzerProto.AnalyzeRequest()
        .setUrn(resource.urn)
        .setType(resource.type)
        .setName(resource.name)
        .setProperties(toStruct(forAnalyzer(resource.wireInputs) as Record<string, unknown>))
        .setOptions(resourceOptions(resource));
      const response = await call<analyzerProto.AnalyzeRequest, analyzerProto.AnalyzeResponse>(
        analyzer.analyze.bind(analyzer),
        request,
      );
      result.diagnostics.push(...diagnosticsOf(response));
      result.analyzed++;
    }
    const stack = new analyzerProto.AnalyzeStackRequest().setResourcesList(
      options.resources.map((resource) =>
        new analyzerProto.AnalyzerResource()
          .setUrn(resource.urn)
          .setType(resource.type)
          .setName(resource.name)
          .setProperties(toStruct(forAnalyzer(resource.wireOutputs) as Record<string, unknown>))
          .setOptions(resourceOptions(resource))
          .setParent(resource.parent ?? "")
          .setDependenciesList(resource.dependencies),
      ),
    );
    const response = await call<analyzerProto.AnalyzeStackRequest, analyzerProto.AnalyzeResponse>(
      analyzer.analyzeStack.bind(analyzer),
      stack,
    );
    result.diagnostics.push(...diagnosticsOf(response));
    result.stderr = stderr;
    return result;
  } finally {
    clearTimeout(timeout);
    client?.close();
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      await once(child, "close");
    }
  }
}
