// Pulumi's own runtime: both stacks through @pulumi/pulumi/cmd/run, in preview and update mode,
// against the stand-in engine, and the policy pack through its real entry point. Each stack runs
// once per mode; the assertions share the results.
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";

import { REPO_ROOT } from "../src/engine";
import type { PolicyPackRun, RuntimeRegistration, RuntimeRun } from "../src/runtime";
import {
  deniedDefaultProviders,
  readProject,
  runPolicyPack,
  runWithPulumiRuntime,
  transpilesOnly,
} from "../src/runtime";
import { readStackFile } from "../src/stack-file";

const STACKS = ["dr", "prod"] as const;
const MODES = ["preview", "update"] as const;
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/**
 * Packages whose default provider a registration may use: the component plugins of awsx and eks
 * (their components carry the tagged aws provider in `providers`), the `pulumi` builtin (stack
 * references) and random (no account or region). Never aws.
 */
const DEFAULT_PROVIDERS_ALLOWED = new Set(["awsx", "eks", "pulumi", "random"]);

/**
 * The project type-checks in `pnpm test` (tsc -b); the run only needs to transpile. When Pulumi.yaml
 * does not already say so (a tsconfig with noCheck), the run sets PULUMI_NODEJS_TRANSPILE_ONLY as
 * the deploy workflow does.
 */
function transpileEnv(): NodeJS.ProcessEnv {
  return transpilesOnly(readProject(REPO_ROOT)) ? {} : { PULUMI_NODEJS_TRANSPILE_ONLY: "true" };
}

/**
 * Prod must always carry a secret to check on the wire: when its config (the stack file and the
 * ESC definitions it is deployed with) holds no secret, the run sets the BI licence key as one, as
 * `pulumi config set --secret --path tdp:biDashboard.licenceKey` would.
 */
function secretsFor(stack: string): string[] {
  const { secretKeys } = readStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
  return stack === "prod" && secretKeys.length === 0 ? ["tdp:biDashboard.licenceKey"] : [];
}

/** `pnpm -s policy --print-config <stack>`, exactly as a user writes the --policy-pack-config file. */
async function printedPolicyConfig(stack: string): Promise<Record<string, unknown>> {
  const child = spawn("pnpm", ["-s", "policy", "--print-config", stack], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, `pnpm policy --print-config ${stack} failed: ${stderr}`);
  return JSON.parse(stdout) as Record<string, unknown>;
}

/** Runs the jobs, at most `limit` at once. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < jobs.length) {
        const i = next++;
        results[i] = await jobs[i]!();
      }
    }),
  );
  return results;
}

function planUrns(stack: string): string[] {
  const plan = JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", `${stack}.json`), "utf8")) as {
    resources: { urn: string }[];
  };
  return plan.resources.map((r) => r.urn).sort();
}

/** Secret-wrapped strings anywhere in a wire value. */
function secretStrings(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => secretStrings(v, found));
  else if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    if (record[SIG_KEY] === SECRET_SIG) found.push(JSON.stringify(record["value"]));
    else Object.values(record).forEach((v) => secretStrings(v, found));
  }
  return found;
}

describe("Pulumi's own runtime: cmd/run and run-policy-pack against the stand-in engine", function () {
  const runs = new Map<string, RuntimeRun>();
  const packs = new Map<string, PolicyPackRun>();
  const run = (stack: string, mode: string): RuntimeRun => {
    const result = runs.get(`${stack}/${mode}`);
    assert.ok(result, `no ${mode} run of ${stack}`);
    return result;
  };

  before(async function () {
    this.timeout(900_000);
    const env = transpileEnv();
    const configs = await Promise.all(STACKS.map((stack) => printedPolicyConfig(stack)));
    const jobs = STACKS.flatMap((stack) =>
      MODES.map((mode) => async () => {
        runs.set(
          `${stack}/${mode}`,
          await runWithPulumiRuntime({
            stack,
            dryRun: mode === "preview",
            env,
            timeoutMs: 600_000,
            secrets: secretsFor(stack),
          }),
        );
      }),
    );
    await pool(jobs, 2);
    await pool(
      STACKS.map((stack, i) => async () => {
        const update = run(stack, "update");
        packs.set(
          stack,
          await runPolicyPack({
            packDirectory: path.join(REPO_ROOT, "packages", "policies"),
            project: "tdp",
            stack,
            organization: "organization",
            dryRun: false,
            policyConfig: configs[i]!,
            resources: update.registrations,
          }),
        );
      }),
      2,
    );
  });

  for (const stack of STACKS) {
    for (const mode of MODES) {
      describe(`${stack}, ${mode}`, () => {
        it("exits 0 with no refused request and no error logged", () => {
          const result = run(stack, mode);
          assert.deepEqual(result.errors, [], result.stderr);
          assert.deepEqual(
            result.logs.filter((l) => l.severity === "error"),
            [],
          );
          assert.equal(result.exitCode, 0, `${result.stderr}\n${result.stdout}`);
        });

        it("registers exactly the URNs of the committed plan", () => {
          const result = run(stack, mode);
          const urns = [...result.registrations, ...result.reads].map((r) => r.urn).sort();
          const expected = planUrns(stack);
          assert.deepEqual(
            {
              missing: expected.filter((u) => !urns.includes(u)),
              extra: urns.filter((u) => !expected.includes(u)),
            },
            { missing: [], extra: [] },
          );
          assert.equal(urns.length, new Set(urns).size, "a URN registered twice");
        });

        it("uses no default provider for aws (nor any package the stack disables)", () => {
          const result = run(stack, mode);
          const { config } = readStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`));
          const forbidden = new Set(["aws", ...deniedDefaultProviders(config)]);
          const offenders = [
            ...[...result.registrations, ...result.reads]
              .filter((r: RuntimeRegistration) => r.defaultProvider && forbidden.has(r.defaultProvider))
              .map((r) => r.urn),
            ...result.invokes
              .filter((i) => i.defaultProvider && forbidden.has(i.defaultProvider))
              .map((i) => i.token),
          ];
          assert.deepEqual(offenders, []);
          const packages = result.defaultProviders.map((urn) =>
            urn.split("::")[2]!.replace("pulumi:providers:", ""),
          );
          assert.deepEqual(
            packages.filter((p) => !DEFAULT_PROVIDERS_ALLOWED.has(p)),
            [],
            `default providers: ${result.defaultProviders.join(", ")}`,
          );
          // The custom aws resources really carry the stack's provider.
          const aws = result.registrations.filter((r) => r.custom && r.type.startsWith("aws:"));
          assert.ok(aws.length > 0);
          assert.deepEqual(
            aws.filter((r) => !r.provider?.includes("::pulumi:providers:aws::")).map((r) => r.urn),
            [],
          );
        });

        it("keeps every secret config value secret on the wire", () => {
          const result = run(stack, mode);
          assert.deepEqual(result.secretLeaks, []);
          const secrets = Object.values(result.secretValues);
          if (stack === "prod") assert.ok(secrets.length > 0, "prod runs with at least one secret");
          if (secrets.length > 0) {
            // The check is not vacuous: secrets did reach the engine, wrapped (a setting the stack
            // leaves unused, such as a disabled integration's, may not).
            const wrapped = [...result.registrations, ...result.reads].flatMap((r) =>
              secretStrings(r.wireInputs),
            );
            assert.ok(
              secrets.some((s) => wrapped.some((w) => w.includes(s))),
              "no secret config value reached the engine as a secret",
            );
          }
        });
      });
    }
  }

  it("the update run publishes the stack outputs the plan has", () => {
    for (const stack of STACKS) {
      const plan = JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", `${stack}.json`), "utf8")) as {
        outputs: Record<string, unknown>;
      };
      assert.deepEqual(
        Object.keys(run(stack, "update").stackOutputs).sort(),
        Object.keys(plan.outputs).sort(),
      );
    }
  });

  for (const stack of STACKS) {
    it(`the policy pack loads with the config pnpm policy --print-config ${stack} prints and analyzes ${stack}`, () => {
      const pack = packs.get(stack);
      assert.ok(pack);
      assert.equal(pack.name, "tdp-security");
      assert.deepEqual(pack.configErrors, []);
      assert.ok(pack.policies.length > 0);
      assert.equal(pack.analyzed, run(stack, "update").registrations.length);
      assert.deepEqual(
        pack.diagnostics.filter((d) => d.enforcementLevel === "mandatory"),
        [],
        "mandatory violations in the real pack",
      );
    });
  }
});
