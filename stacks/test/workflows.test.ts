import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

import { REPO_ROOT, allStacks, readStackFile } from "@tdp/offline";
import { parse } from "yaml";

interface Job {
  if?: string;
  steps: { uses?: string; run?: string; with?: Record<string, unknown> }[];
  strategy?: { matrix: Record<string, unknown> };
}
interface Workflow {
  permissions?: Record<string, string>;
  concurrency?: { group: string };
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const workflow = (file: string) =>
  parse(readFileSync(path.join(REPO_ROOT, ".github", "workflows", file), "utf8")) as Workflow;

describe("GitHub Actions workflows", () => {
  const ci = workflow("ci.yml");
  const preview = workflow("preview.yml");

  it("ci.yml reads the repository only and runs once per branch or pull request", () => {
    assert.deepEqual(ci.permissions, { contents: "read" });
    assert.match(ci.concurrency?.group ?? "", /^ci-/);
  });

  it("previews only pull requests of this repository, one run per pull request", () => {
    for (const [name, job] of Object.entries(preview.jobs)) {
      assert.equal(job.if, "github.event.pull_request.head.repo.full_name == github.repository", name);
    }
    assert.match(preview.concurrency?.group ?? "", /github\.event\.pull_request\.number/);
  });

  it("pins the Pulumi CLI to the SDK release the workspace installs", () => {
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
      pnpm: { overrides: Record<string, string> };
    };
    assert.equal(preview.env?.["PULUMI_VERSION"], pkg.pnpm.overrides["@pulumi/pulumi"]);
    const actions = Object.values(preview.jobs)
      .flatMap((job) => job.steps)
      .filter((step) => step.uses?.startsWith("pulumi/actions@"));
    assert.ok(actions.length > 0);
    for (const step of actions) {
      assert.equal(step.with?.["pulumi-version"], "${{ env.PULUMI_VERSION }}");
    }
  });

  it("previews every stack, taking regions from the stack files rather than repeating them", () => {
    const matrix = preview.jobs["preview"]!.strategy!.matrix;
    assert.deepEqual(matrix["stack"], allStacks());
    assert.equal(matrix["include"], undefined);
    const text = readFileSync(path.join(REPO_ROOT, ".github", "workflows", "preview.yml"), "utf8");
    for (const stack of allStacks()) {
      const region = readStackFile(path.join(REPO_ROOT, `Pulumi.${stack}.yaml`)).config["aws:region"]!;
      assert.equal(text.includes(region), false, `preview.yml repeats ${region}`);
    }
  });

  it("comments the offline policy pack's result over every full plan", () => {
    const runs = preview.jobs["policy"]!.steps.map((step) => step.run ?? "").join("\n");
    assert.match(runs, /pnpm -s plan --all/);
    for (const stack of allStacks()) {
      assert.ok(runs.includes(`plans/${stack}.json`), `the gate skips ${stack}`);
    }
    assert.ok(preview.jobs["policy"]!.steps.some((step) => step.uses?.startsWith("actions/github-script@")));
  });

  it("imports a stack's ESC environment exactly when its template is committed", () => {
    assert.ok(existsSync(path.join(REPO_ROOT, "environments", "prod-secrets.yaml")));
    const runs = preview.jobs["preview"]!.steps.map((step) => step.run ?? "").join("\n");
    assert.match(runs, /environments\/\$\{\{ matrix\.stack \}\}-secrets\.yaml/);
    assert.match(runs, /pulumi config env add/);
  });
});
