// The stand-in engine's own behaviour: the language host's launch, the engine's answers (default
// providers, transforms, getResource, secrets on the wire) on a small JavaScript program, and the
// policy-pack config as the CLI reconciles it.
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import * as analyzerProto from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

import type { RuntimeRun } from "../src/runtime";
import {
  defaultProviderName,
  deniedDefaultProviders,
  downgradeOutputValues,
  findSecretLeaks,
  parsePolicyPackConfig,
  parseRuntimeOptions,
  programLaunch,
  readProject,
  reconcilePolicyConfig,
  runWithPulumiRuntime,
  splitShellWords,
  transpilesOnly,
  UNKNOWN_VALUE,
} from "../src/runtime";

const FIXTURE = path.join(__dirname, "fixtures", "runtime-program");
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";
const OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

describe("stand-in engine: the language host's launch", () => {
  it("reads runtime.options as the Node.js language host does", () => {
    assert.deepEqual(parseRuntimeOptions({}), { typescript: true, nodeargs: [], packagemanager: "auto" });
    assert.deepEqual(
      parseRuntimeOptions({
        typescript: false,
        tsconfig: "tsconfig.deploy.json",
        nodeargs: "--max-old-space-size=512",
      }),
      {
        typescript: false,
        tsconfig: "tsconfig.deploy.json",
        nodeargs: ["--max-old-space-size=512"],
        packagemanager: "auto",
      },
    );
    assert.throws(() => parseRuntimeOptions({ typescript: "yes" }), /typescript option must be a boolean/);
    assert.throws(() => parseRuntimeOptions({ tsconfig: 1 }), /tsconfigpath option must be a string/);
    assert.throws(() => parseRuntimeOptions({ nodeargs: ["-x"] }), /nodeargs option must be a string/);
    assert.throws(
      () => parseRuntimeOptions({ packagemanager: "cargo" }),
      /one of auto, npm, yarn, pnpm or bun/,
    );
  });

  it("splits nodeargs as a shell would", () => {
    assert.deepEqual(splitShellWords(` --a  "b c" 'd "e"' f\\ g "h\\"i" `), [
      "--a",
      "b c",
      'd "e"',
      "f g",
      'h"i',
    ]);
    assert.deepEqual(splitShellWords(""), []);
    assert.throws(() => splitShellWords("'open"), /unclosed/);
  });

  it("starts cmd/run with the language host's flags and environment", () => {
    const project = {
      ...readProject(FIXTURE),
      runtime: parseRuntimeOptions({ tsconfig: "deploy.json", nodeargs: "--x" }),
    };
    const launch = programLaunch({
      project,
      stack: "allowed",
      organization: "acme",
      monitorAddress: "127.0.0.1:1",
      engineAddress: "127.0.0.1:2",
      dryRun: true,
      parallel: 8,
      config: { "aws:region": "eu-west-1", "fixture:token": "t" },
      secretKeys: ["fixture:token"],
      env: {},
    });
    assert.equal(launch.args[0], "--x");
    assert.match(launch.args[1]!, /@pulumi[/\\]pulumi[/\\]cmd[/\\]run/);
    assert.deepEqual(launch.args.slice(2), [
      "--monitor",
      "127.0.0.1:1",
      "--engine",
      "127.0.0.1:2",
      "--organization",
      "acme",
      "--project",
      "fixture",
      "--root-directory",
      FIXTURE,
      "--stack",
      "allowed",
      "--pwd",
      FIXTURE,
      "--dry-run",
      "--parallel",
      "8",
      ".",
    ]);
    assert.equal(
      launch.env["PULUMI_CONFIG"],
      JSON.stringify({ "aws:config:region": "eu-west-1", "fixture:config:token": "t" }),
    );
    assert.equal(launch.env["PULUMI_CONFIG_SECRET_KEYS"], JSON.stringify(["fixture:token"]));
    assert.equal(launch.env["PULUMI_NODEJS_TYPESCRIPT"], "true");
    assert.equal(launch.env["PULUMI_NODEJS_TSCONFIG_PATH"], "deploy.json");
    assert.equal(launch.cwd, FIXTURE);
  });

  it("knows when cmd/run only transpiles: the environment, else noCheck in the tsconfig file itself", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tdp-transpile-"));
    try {
      writeFileSync(
        path.join(dir, "Pulumi.yaml"),
        "name: p\nruntime:\n  name: nodejs\n  options:\n    tsconfig: deploy.json\n",
      );
      writeFileSync(path.join(dir, "base.json"), '{ "compilerOptions": { "noCheck": true } }');
      writeFileSync(path.join(dir, "deploy.json"), '{ "extends": "./base.json" }');
      // Pulumi.yaml's tsconfig resolves from the program directory: without `main`, the project's.
      const project = { ...readProject(dir), programDirectory: FIXTURE };
      project.programDirectory = dir;
      assert.equal(transpilesOnly(project, {}), false, "a noCheck inherited through extends does not count");
      writeFileSync(
        path.join(dir, "deploy.json"),
        '{\n  // transpile only at deploy\n  "compilerOptions": { "noCheck": true, },\n}',
      );
      assert.equal(transpilesOnly(project, {}), true);
      assert.equal(transpilesOnly(project, { PULUMI_NODEJS_TRANSPILE_ONLY: "false" }), false);
      assert.equal(
        transpilesOnly(
          { ...project, runtime: parseRuntimeOptions({}) },
          { PULUMI_NODEJS_TRANSPILE_ONLY: "true" },
        ),
        true,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("stand-in engine: pure parts", () => {
  it("reads pulumi:disable-default-providers as the engine does", () => {
    assert.deepEqual(deniedDefaultProviders({}), []);
    assert.deepEqual(deniedDefaultProviders({ "pulumi:disable-default-providers": "" }), []);
    assert.deepEqual(deniedDefaultProviders({ "pulumi:disable-default-providers": '[" aws ", "*"]' }), [
      "aws",
      "*",
    ]);
    assert.throws(
      () => deniedDefaultProviders({ "pulumi:disable-default-providers": "aws" }),
      /Failed to parse aws/,
    );
    assert.throws(
      () => deniedDefaultProviders({ "pulumi:disable-default-providers": '"aws"' }),
      /Unexpected encoding/,
    );
    assert.throws(
      () => deniedDefaultProviders({ "pulumi:disable-default-providers": "[1]" }),
      /\[0\] must be a string/,
    );
    assert.equal(defaultProviderName("7.48.0"), "default_7_48_0");
    assert.equal(defaultProviderName(""), "default");
  });

  it("finds a secret value outside a secret, and only there", () => {
    const secrets = { "fixture:token": "s3cr3t" };
    const wire = {
      kept: { [SIG]: SECRET, value: "s3cr3t" },
      output: { [SIG]: OUTPUT, secret: true, value: "s3cr3t" },
      list: ["x", { nested: "prefix-s3cr3t-suffix" }],
    };
    assert.deepEqual(findSecretLeaks(wire, secrets, "RegisterResource u"), [
      { where: "RegisterResource u", path: "list[1].nested", secret: "fixture:token" },
    ]);
  });

  it("downgrades output values as the engine does", () => {
    assert.deepEqual(
      downgradeOutputValues({
        plain: { [SIG]: OUTPUT, value: "v", dependencies: ["u"] },
        secret: { [SIG]: OUTPUT, secret: true, value: "s" },
        unknown: { [SIG]: OUTPUT },
        list: [{ [SIG]: OUTPUT, value: 1 }],
      }),
      { plain: "v", secret: { [SIG]: SECRET, value: "s" }, unknown: UNKNOWN_VALUE, list: [1] },
    );
  });

  it("reconciles the policy-pack config as the CLI does: defaults, levels, schema errors", () => {
    const info = new analyzerProto.AnalyzerInfo().setName("pack").setPoliciesList([
      new analyzerProto.PolicyInfo()
        .setName("p1")
        .setEnforcementlevel(analyzerProto.EnforcementLevel.MANDATORY)
        .setConfigschema(
          new analyzerProto.PolicyConfigSchema().setProperties(
            Struct.fromJavaScript({
              prefix: { type: "string", default: "tdp-" },
              ids: { type: "array", items: { type: "string" } },
            }),
          ),
        ),
      new analyzerProto.PolicyInfo()
        .setName("p2")
        .setEnforcementlevel(analyzerProto.EnforcementLevel.ADVISORY),
    ]);
    const good = reconcilePolicyConfig(info, parsePolicyPackConfig({ p1: { ids: ["1"] }, p2: "disabled" }));
    assert.deepEqual(good.errors, []);
    assert.deepEqual(good.config, {
      p1: { enforcementLevel: "mandatory", properties: { prefix: "tdp-", ids: ["1"] } },
      p2: { enforcementLevel: "disabled" },
    });
    assert.deepEqual(
      reconcilePolicyConfig(info, parsePolicyPackConfig({ all: "advisory" })).config["p1"]?.enforcementLevel,
      "advisory",
    );
    const bad = reconcilePolicyConfig(info, parsePolicyPackConfig({ p1: { ids: [1] } }));
    assert.deepEqual(bad.errors, ["p1: /ids/0 must be string"]);
    assert.throws(
      () => parsePolicyPackConfig({ p1: { enforcementLevel: "loud" } }),
      /not a valid enforcement level/,
    );
    assert.throws(() => parsePolicyPackConfig({ p1: 3 }), /must be a string or object/);
  });
});

describe("stand-in engine: a program through cmd/run", function () {
  this.timeout(180_000);
  let allowed: RuntimeRun;
  let denied: RuntimeRun;

  before(async () => {
    [allowed, denied] = await Promise.all([
      runWithPulumiRuntime({
        stack: "allowed",
        dryRun: false,
        projectDirectory: FIXTURE,
        secrets: ["fixture:settings.key"],
      }),
      runWithPulumiRuntime({ stack: "denied", dryRun: false, projectDirectory: FIXTURE }),
    ]);
  });

  it("runs the program to its end and publishes its outputs", () => {
    assert.equal(allowed.exitCode, 0, allowed.stderr);
    assert.deepEqual(allowed.stackOutputs["zones"], ["eu-west-1a", "eu-west-1b", "eu-west-1c"]);
    assert.equal(allowed.rootResource, "urn:pulumi:allowed::fixture::pulumi:pulumi:Stack::fixture-allowed");
    assert.equal(allowed.stdout, "", "nothing printed by the program reaches the test's output");
  });

  it("calls the stack's and a component's transforms back, on the component's children too", () => {
    const kept = allowed.registrations.find((r) => r.name === "kept-secret");
    assert.ok(kept);
    assert.equal(kept.transformsRun, 2);
    assert.equal(kept.inputs["stackTransformed"], true);
    assert.equal(kept.inputs["groupTransformed"], true);
    assert.equal(
      allowed.registrations.find((r) => r.name === "leaked-secret")?.inputs["groupTransformed"],
      undefined,
    );
  });

  it("gives a resource its parent component's provider, and notes a default provider", () => {
    const byName = (name: string) => allowed.registrations.find((r) => r.name === name);
    assert.equal(
      byName("kept-secret")?.provider,
      "urn:pulumi:allowed::fixture::pulumi:providers:aws::explicit",
    );
    assert.equal(byName("kept-secret")?.defaultProvider, undefined);
    assert.equal(byName("on-the-default-provider")?.defaultProvider, "aws");
    assert.ok(
      allowed.defaultProviders.some((urn) =>
        urn.startsWith("urn:pulumi:allowed::fixture::pulumi:providers:aws::default"),
      ),
    );
    assert.equal(
      allowed.invokes.find((i) => i.token.endsWith("getAvailabilityZones"))?.defaultProvider,
      undefined,
    );
  });

  it("answers pulumi:pulumi:getResource for a rehydrated resource", () => {
    assert.ok(allowed.invokes.some((i) => i.token === "pulumi:pulumi:getResource"));
    assert.equal(allowed.errors.length, 0, allowed.errors.join("\n"));
  });

  it("reports a secret config value sent in plain text, not one kept secret", () => {
    assert.deepEqual(
      allowed.secretLeaks.map((l) => `${l.where} ${l.path} ${l.secret}`),
      [
        "RegisterResource urn:pulumi:allowed::fixture::aws:fixture/thing:Thing::leaked-secret token fixture:token",
      ],
    );
  });

  it("sets a secret at a config path the stack file lacks, and it reaches the engine as a secret", () => {
    const value = allowed.secretValues["fixture:settings.key"];
    assert.ok(value);
    const settings = allowed.registrations.find((r) => r.name === "settings");
    assert.deepEqual(settings?.wireInputs["settings"], { [SIG]: SECRET, value: { key: value } });
    assert.ok(allowed.launch.env["PULUMI_CONFIG_SECRET_KEYS"]?.includes("fixture:settings"));
  });

  it("refuses a default aws provider when the stack disables it, with the engine's message", () => {
    assert.notEqual(denied.exitCode, 0);
    assert.deepEqual(denied.errors, [
      "RegisterResource: Default provider for 'aws' disabled. 'urn:pulumi:denied::fixture::aws:fixture/thing:Thing::on-the-default-provider' must use an explicit provider.",
    ]);
    // The engine cancels the program at the failed step, so it ends without its stack outputs.
    assert.deepEqual(denied.stackOutputs, {});
  });
});
