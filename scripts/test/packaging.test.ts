/**
 * Component reuse, tried the way another team would: every publishable package is packed (its
 * prepack builds it), the tarballs are installed into a fresh folder outside the workspace with
 * the examples/ programs, and each example is type-checked (node16 and bundler resolution) and
 * planned offline with the packed engine. Every tarball is checked to hold exactly what a consumer
 * needs: compiled code and declarations of src/, declared Lambda bundles, no tests, no sources.
 */
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import * as ts from "typescript";

import { REPO_ROOT, publishablePackages } from "../packages";

const RESOLUTION: Record<string, ts.CompilerOptions> = {
  node16: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  bundler: { module: ts.ModuleKind.Preserve, moduleResolution: ts.ModuleResolutionKind.Bundler },
};

interface Manifest {
  name: string;
  version: string;
  main?: string;
  types?: string;
  files?: string[];
  exports?: Record<string, string | { types: string; default: string }>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  tdp?: { lambdas?: string[] };
}

interface PlanResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

interface HarnessReport {
  resolved: Record<string, string>;
  esbuildInstalled: boolean;
  plans: Record<string, { resources: PlanResource[] }>;
  policyNames: string[];
  violations: { policy: string; resource: string; allowed?: string }[];
  blocking: { policy: string; resource: string }[];
}

const packages = publishablePackages();
const EXAMPLES = readdirSync(path.join(REPO_ROOT, "examples")).filter((e) =>
  existsSync(path.join(REPO_ROOT, "examples", e, "package.json")),
);

/**
 * The environment of every child: without NODE_PATH (pnpm exec points it at the workspace's
 * packages, which would hide a dependency missing from a tarball) or NODE_OPTIONS (tsx).
 */
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: "", NODE_OPTIONS: "" };

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      env: CHILD_ENV,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(
      `${command} ${args.join(" ")} failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? ""}${e.message}`,
    );
  }
}

const tarballName = (pkg: { name: string; version: string }) =>
  `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`;

describe("publishable packages, installed from their tarballs into the examples", function () {
  this.timeout(600_000);
  let work: string;
  const contents = new Map<string, string[]>();
  const packed = new Map<string, Manifest>();
  let report: HarnessReport;
  const resolutions: { entry: string; mode: string; file: string | undefined }[] = [];

  before(() => {
    work = mkdtempSync(path.join(tmpdir(), "tdp-packages-"));
    const tarballs = path.join(work, "tarballs");
    mkdirSync(tarballs);
    // One compiler run builds them all (what each package's prepack does for itself, a package at
    // a time: that prepack is wired is checked below), then each is packed as published.
    run("pnpm", ["-s", "build:packages"], REPO_ROOT);
    for (const pkg of packages) {
      run("pnpm", ["pack", "--config.ignore-scripts=true", "--pack-destination", tarballs], pkg.dir);
      const file = path.join(tarballs, tarballName(pkg));
      contents.set(pkg.name, run("tar", ["-tzf", file], work).split("\n").filter(Boolean).sort());
      packed.set(pkg.name, JSON.parse(run("tar", ["-xzOf", file, "package/package.json"], work)) as Manifest);
    }

    // A consumer folder outside the workspace: every example's dependencies, the @tdp packages
    // from the tarballs (overrides, so that their dependencies on each other resolve to the
    // tarballs too), the same @pulumi/pulumi and @pulumi/aws as the workspace.
    const consumer = path.join(work, "consumer");
    mkdirSync(consumer);
    const root = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      pnpm: { overrides: Record<string, string> };
    };
    const fromTarball = Object.fromEntries(
      packages.map((pkg) => [pkg.name, `file:${path.join(tarballs, tarballName(pkg))}`]),
    );
    const dependencies: Record<string, string> = {};
    for (const example of EXAMPLES) {
      const manifest = JSON.parse(
        readFileSync(path.join(REPO_ROOT, "examples", example, "package.json"), "utf8"),
      ) as Manifest;
      Object.assign(dependencies, manifest.dependencies, manifest.devDependencies);
      cpSync(path.join(REPO_ROOT, "examples", example), path.join(consumer, "examples", example), {
        recursive: true,
        filter: (source) => !source.includes("node_modules"),
      });
    }
    for (const name of Object.keys(dependencies)) {
      if (name.startsWith("@tdp/")) dependencies[name] = fromTarball[name] ?? dependencies[name]!;
    }
    // Every package (the bundler check imports each; the harness plans with @tdp/offline).
    Object.assign(dependencies, fromTarball);
    writeFileSync(
      path.join(consumer, "package.json"),
      JSON.stringify({
        name: "tdp-consumer",
        private: true,
        dependencies,
        pnpm: { overrides: { ...root.pnpm.overrides, ...fromTarball } },
      }),
    );
    // Third-party packages come from the store the workspace was installed from (the registry
    // only for what it lacks); no build scripts run.
    const store = run("pnpm", ["store", "path"], REPO_ROOT).trim();
    run(
      "pnpm",
      [
        "install",
        "--prefer-offline",
        "--ignore-scripts",
        "--ignore-workspace",
        `--store-dir=${store}`,
        "--reporter=silent",
      ],
      consumer,
    );

    const tsc = require.resolve("typescript/bin/tsc");
    writeFileSync(
      path.join(consumer, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          target: "ES2022",
          lib: ["ES2023"],
          module: "node16",
          moduleResolution: "node16",
          strict: true,
          esModuleInterop: true,
          skipLibCheck: true,
          types: ["node"],
          rootDir: "examples",
          outDir: "out",
        },
        include: ["examples/*/*.ts"],
      }),
    );
    run(process.execPath, [tsc, "-p", "tsconfig.json"], consumer);
    // How TypeScript resolves every entry point of the exports map, with node16 and bundler
    // resolution, from the consumer folder (resolution only: the type-check above covers types).
    const from = path.join(consumer, "examples", "resolve.ts");
    for (const manifest of packed.values()) {
      for (const key of Object.keys(manifest.exports ?? {}).filter((k) => k !== "./package.json")) {
        const entry = path.posix.join(manifest.name, key);
        for (const [mode, options] of Object.entries(RESOLUTION)) {
          const resolved = ts.resolveModuleName(entry, from, options, ts.sys).resolvedModule
            ?.resolvedFileName;
          resolutions.push({ entry, mode, file: resolved ? path.relative(consumer, resolved) : undefined });
        }
      }
    }

    cpSync(path.join(__dirname, "harness.cjs"), path.join(consumer, "harness.cjs"));
    report = JSON.parse(run(process.execPath, ["harness.cjs"], consumer)) as HarnessReport;
  });

  after(() => {
    // TDP_KEEP_PACKAGING=1 keeps the folder (tarballs, consumer install) to look into.
    if (work && !process.env["TDP_KEEP_PACKAGING"]) rmSync(work, { recursive: true, force: true });
  });

  it("covers every publishable package and example", () => {
    assert.ok(packages.length >= 7, `found ${packages.map((p) => p.name).join(", ")}`);
    assert.deepEqual([...EXAMPLES].sort(), ["data-lake", "network-dashboard", "policy-pack"]);
  });

  it("build each package before it is packed or published", () => {
    for (const pkg of packages) {
      const scripts = (pkg.manifest["scripts"] ?? {}) as Record<string, string>;
      assert.equal(scripts["build"], "tsx ../../scripts/build-package.ts", `${pkg.name}: build`);
      assert.equal(scripts["prepack"], "pnpm run build", `${pkg.name}: prepack`);
      assert.ok(existsSync(path.join(pkg.dir, "tsconfig.build.json")), `${pkg.name}: tsconfig.build.json`);
    }
  });

  it("pack each package with real version ranges and an exports map into dist", () => {
    const versions = new Map(packages.map((p) => [p.name, p.version]));
    for (const [name, manifest] of packed) {
      const text = JSON.stringify(manifest);
      assert.doesNotMatch(text, /workspace:/, `${name} keeps a workspace: range`);
      for (const [dep, range] of Object.entries({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        if (versions.has(dep)) assert.equal(range, `^${versions.get(dep)}`, `${name} → ${dep}`);
      }
      assert.ok(
        manifest.peerDependencies?.["@pulumi/pulumi"],
        `${name}: @pulumi/pulumi is a peer dependency`,
      );
      const files = new Set(contents.get(name));
      const targets = [
        manifest.main,
        manifest.types,
        ...Object.values(manifest.exports ?? {}).flatMap((t) =>
          typeof t === "string" ? [t] : [t.types, t.default],
        ),
      ];
      for (const target of targets) {
        assert.ok(target, `${name}: main, types and exports are set`);
        assert.match(
          target,
          /^(\.\/)?(dist\/.*\.(js|d\.ts)|package\.json)$/,
          `${name}: ${target} points into dist`,
        );
        assert.ok(
          files.has(`package/${target.replace(/^\.\//, "")}`),
          `${name}: ${target} is not in the tarball`,
        );
      }
    }
  });

  it("hold compiled code of src/, declared bundles, and nothing else", () => {
    for (const pkg of packages) {
      const manifest = packed.get(pkg.name)!;
      const lambdas = manifest.tdp?.lambdas ?? [];
      const extra = (manifest.files ?? []).filter((f) => f !== "dist" && !f.startsWith("!"));
      const unexpected: string[] = [];
      for (const entry of contents.get(pkg.name)!) {
        const file = entry.replace(/^package\//, "");
        if (file === "package.json" || extra.some((f) => file === f || file.startsWith(`${f}/`))) continue;
        const bundle = /^dist\/bundles\/([^/]+)\/index\.js$/.exec(file);
        if (bundle) {
          if (!lambdas.includes(bundle[1]!)) unexpected.push(file);
          continue;
        }
        const compiled = /^dist\/(.+)\.(js|d\.ts)$/.exec(file);
        const source = compiled ? path.join(pkg.dir, "src", `${compiled[1]}.ts`) : "";
        if (!compiled || /(^|\/)handler$/.test(compiled[1]!) || !existsSync(source)) unexpected.push(file);
      }
      assert.deepEqual(unexpected, [], `${pkg.name} packs files a consumer does not need`);
      for (const name of lambdas) {
        assert.ok(
          contents.get(pkg.name)!.includes(`package/dist/bundles/${name}/index.js`),
          `${pkg.name}: bundle ${name}`,
        );
      }
      assert.ok(contents.get(pkg.name)!.includes("package/dist/index.js"), `${pkg.name}: dist/index.js`);
      assert.ok(contents.get(pkg.name)!.includes("package/README.md"), `${pkg.name}: README.md`);
    }
  });

  it("resolve every exports entry for TypeScript (node16 and bundler) to the packed declarations", () => {
    assert.ok(resolutions.length >= 16);
    for (const { entry, mode, file } of resolutions) {
      assert.match(file ?? "(unresolved)", /^node_modules\/.*\/dist\/[a-z-]+\.d\.ts$/, `${entry} (${mode})`);
    }
  });

  it("resolve from the installed tarballs for Node, without esbuild", () => {
    for (const [name, file] of Object.entries(report.resolved)) {
      assert.match(file, /^node_modules\/.*\/dist\/[a-z]+\.js$/, `${name} resolved to ${file}`);
    }
    assert.equal(report.esbuildInstalled, false, "a consumer installs esbuild");
  });

  it("plan the data lake example: keys and buckets", () => {
    const resources = report.plans["data-lake"]!.resources;
    const count = (type: string) => resources.filter((r) => r.type === type).length;
    assert.equal(count("tdp:data:DataKeys"), 1);
    assert.equal(count("tdp:data:DataBuckets"), 1);
    assert.ok(
      resources.some((r) => r.name === "data-buckets-datalake-bucket"),
      "the datalake bucket",
    );
    assert.equal(count("aws:kms/key:Key"), 9);
    assert.ok(count("aws:s3/bucket:Bucket") + count("aws:s3/bucketV2:BucketV2") >= 6);
    assert.ok(
      !resources.some((r) => r.type.startsWith("tdp:network:") || r.type.startsWith("tdp:bi-dashboard:")),
    );
  });

  it("plan the network and dashboard example with the prebuilt Lambda bundles", () => {
    const resources = report.plans["network-dashboard"]!.resources;
    assert.ok(resources.some((r) => r.type === "tdp:network:Network" && r.name === "network"));
    assert.ok(resources.some((r) => r.type === "tdp:bi-dashboard:BiDashboard" && r.name === "reports"));
    const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
    assert.ok(functions.length >= 2, "the sync and rotation functions");
    // The prebuilt bundles are the very code the workspace bundles from source for the prod plan.
    const prod = JSON.parse(readFileSync(path.join(REPO_ROOT, "plans", "prod.json"), "utf8")) as {
      resources: PlanResource[];
    };
    const fromSource = new Set(
      prod.resources
        .filter((r) => r.type === "aws:lambda/function:Function")
        .map((r) => JSON.stringify(r.inputs["code"])),
    );
    for (const fn of functions) {
      const code = JSON.stringify(fn.inputs["code"]);
      assert.match(code, /^\{"archive":"[0-9a-f]{16}"\}$/, fn.name);
      assert.ok(fromSource.has(code), `${fn.name}: the packed bundle differs from the one built from source`);
    }
  });

  it("build the example policy pack from the pack's policies", () => {
    assert.ok(report.policyNames.length > 5);
    assert.ok(report.policyNames.includes("acme-buckets-name-their-team"));
    assert.deepEqual(report.blocking, [], "the data lake breaks an adopted policy");
    // The pack's allow-list applies through the library as it does in the pack.
    assert.ok(report.violations.some((v) => v.policy === "s3-kms-encryption" && v.allowed !== undefined));
    // The team's own (advisory) rule ran: the example's buckets carry no team tag.
    assert.ok(report.violations.some((v) => v.policy === "acme-buckets-name-their-team"));
  });
});
