// Runs inside the consumer folder the packaging test installs (node harness.cjs <examples>): plans
// each compiled example with the packed @tdp/offline engine and evaluates the example policy pack's
// policies over the data lake's plan, then prints one JSON report on stdout.
"use strict";
const path = require("node:path");
const { offline, toPlan } = require("@tdp/offline");

async function main() {
  const report = { resolved: {}, esbuildInstalled: true, plans: {}, violations: [] };
  for (const name of [
    "@tdp/core",
    "@tdp/data",
    "@tdp/bi-dashboard",
    "@tdp/network",
    "@tdp/policies/policies",
  ]) {
    report.resolved[name] = path.relative(__dirname, require.resolve(name));
  }
  try {
    require.resolve("esbuild");
  } catch {
    report.esbuildInstalled = false;
  }
  for (const example of ["data-lake", "network-dashboard"]) {
    const recording = await offline.record(async () => {
      const program = require(path.join(__dirname, "out", example, "index.js"));
      return typeof program === "function" ? program() : program;
    }, example);
    report.plans[example] = toPlan("example", example, recording);
  }
  const { blocking, evaluate, loadAllowlist } = require("@tdp/policies/policies");
  const { policies } = require(path.join(__dirname, "out", "policy-pack", "policies.js"));
  report.policyNames = policies.map((p) => p.name);
  const violations = await evaluate(report.plans["data-lake"].resources, policies, {}, loadAllowlist());
  report.blocking = blocking(violations);
  report.violations = violations;
  process.stdout.write(JSON.stringify(report));
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
