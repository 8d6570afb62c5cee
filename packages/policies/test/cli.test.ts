import { strict as assert } from "node:assert";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { runPolicyCli } from "../src/cli";
import { policyConfigFromStack } from "../src/stack-config";
import { secureBucket } from "./fixtures";
import { res } from "./harness";

const ROOT = resolve(__dirname, "..", "..", "..");

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runPolicyCli(argv, {
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    projectDir: ROOT,
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

function writePlan(resources: unknown[], stack = "handmade"): string {
  const dir = mkdtempSync(join(tmpdir(), "policy-cli-"));
  const file = join(dir, "plan.json");
  writeFileSync(file, JSON.stringify({ project: "tdp", stack, resources }));
  return file;
}

describe("pnpm policy", () => {
  it("exits 0 on a clean hand-written plan and prints the summary", async () => {
    const { code, out } = await run([writePlan(secureBucket("data"))]);
    assert.equal(code, 0, out);
    assert.match(out, /no violations/);
    assert.match(out, /policies over 8 resources: 0 mandatory/);
  });

  it("exits 1 on a mandatory violation and prints policy, resource, message and level", async () => {
    const file = writePlan(secureBucket("data", { Bucket: { forceDestroy: true } }, ["BucketVersioning"]));
    const { code, out } = await run([file]);
    assert.equal(code, 1);
    assert.match(out, /LEVEL\s+POLICY\s+RESOURCE\s+MESSAGE/);
    assert.match(out, /mandatory\s+s3-versioning\s+data-bucket\s+bucket data does not enable versioning/);
    assert.match(out, /mandatory\s+stateful-resources-protected\s+data-bucket/);
  });

  it("exits 0 with only advisory findings", async () => {
    const { code, out } = await run([writePlan(secureBucket("data", {}, ["BucketLogging"]))]);
    assert.equal(code, 0);
    assert.match(out, /advisory\s+s3-access-logging/);
  });

  it("accepts a minimal hand-edited plan (optional fields left out)", async () => {
    const file = writePlan([
      {
        urn: "urn:pulumi:x::tdp::aws:cloudwatch/logGroup:LogGroup::logs",
        type: "aws:cloudwatch/logGroup:LogGroup",
        name: "logs",
      },
    ]);
    const { code, out } = await run([file]);
    assert.equal(code, 1);
    assert.match(out, /log-group-retention\s+logs/);
  });

  it("reports a broken plan file by path and exits 2", async () => {
    const file = writePlan([{ urn: "not-a-urn", type: "aws:s3/bucket:Bucket", name: "b" }]);
    const { code, err } = await run([file]);
    assert.equal(code, 2);
    assert.match(err, /resources\.0\.urn: must be a Pulumi URN/);
    const missing = await run(["/nonexistent/plan.json"]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /\/nonexistent\/plan.json: cannot be read \(ENOENT\)/);
  });

  it("exits 2 with the usage when no plan is given or an option is unknown", async () => {
    assert.equal((await run([])).code, 2);
    const unknown = await run(["--bogus", "x"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /usage: pnpm policy/);
  });

  it("uses the settings file given with --config (pack-config format)", async () => {
    const role = res("aws:iam/role:Role", "app", {
      name: "app",
      permissionsBoundary: "arn:aws:iam::111111111111:policy/b",
    });
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ "iam-roles-bounded-and-prefixed": { iamRolePrefix: "tdp-" } }));
    const { code, out } = await run([writePlan([role]), "--config", config]);
    assert.equal(code, 1);
    assert.match(out, /named app, without the prefix tdp-/);
  });

  it("--print-config writes the pack config of a stack from its stack file", async () => {
    const { code, out } = await run(["--print-config", "prod"]);
    assert.equal(code, 0);
    const config = JSON.parse(out) as Record<
      string,
      { allowedAccountIds?: string[]; allowIamUsers?: boolean }
    >;
    const settings = config["no-foreign-account-principals"];
    assert.ok(settings?.allowedAccountIds?.includes("111111111111"));
    assert.equal(settings?.allowIamUsers, false);
    // Pulumi.prod.yaml sets no tdp:data.database.vaultLock: vault lock is not asked for.
    assert.equal((settings as { requireVaultLock?: boolean } | undefined)?.requireVaultLock, false);
    assert.equal((await run(["--print-config", "nosuchstack"])).code, 2);
  });

  it("warns, naming the skipped checks and --config, when a plan's stack has no settings", async () => {
    const { code, err } = await run([writePlan(secureBucket("data"), "nosuchstack")]);
    assert.equal(code, 0);
    const warning = err.split("\n").find((l) => l.startsWith("warning:")) ?? "";
    assert.match(warning, /no settings for stack nosuchstack \(no --config, no Pulumi\.nosuchstack\.yaml/);
    assert.match(warning, /cross-account principals/);
    assert.match(warning, /permissions boundary/);
    assert.match(warning, /role name prefix/);
    assert.match(warning, /--config <file>/);
  });

  it("does not warn when the stack file or --config gives the settings", async () => {
    const plan = writePlan(secureBucket("data"), "prod");
    assert.doesNotMatch((await run([plan])).err, /warning:/);
    const dir = mkdtempSync(join(tmpdir(), "policy-config-"));
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ allowedAccountIds: ["111111111111"] }));
    assert.doesNotMatch(
      (await run([writePlan(secureBucket("data"), "nosuchstack"), "--config", config])).err,
      /warning:/,
    );
  });

  it("--write-docs refreshes every document given and refuses one without markers", async () => {
    const dir = mkdtempSync(join(tmpdir(), "policy-docs-"));
    const a = join(dir, "a.md");
    const b = join(dir, "b.md");
    writeFileSync(a, "<!-- control-table:start (pnpm policy --controls) -->\n<!-- control-table:end -->\n");
    writeFileSync(
      b,
      "<!-- allowlist:start (pnpm policy --write-docs, from allowlist.yaml) -->\n<!-- allowlist:end -->\n",
    );
    const { code } = await run(["--write-docs", a, "--write-docs", b]);
    assert.equal(code, 0);
    assert.match(readFileSync(a, "utf8"), /`no-plaintext-secrets`/);
    assert.match(readFileSync(b, "utf8"), /`secrets-rotation` on `\*-licence-secret`/);
    const plain = join(dir, "plain.md");
    writeFileSync(plain, "nothing generated here\n");
    const refused = await run(["--write-docs", plain]);
    assert.equal(refused.code, 2);
    assert.match(refused.err, /plain.md: no .* markers/);
  });

  it("every committed stack plan has no mandatory violation", async () => {
    const plans = readdirSync(join(ROOT, "plans")).filter((f) => f.endsWith(".json"));
    assert.ok(plans.length >= 2);
    const { code, out } = await run(plans.map((f) => join(ROOT, "plans", f)));
    assert.equal(code, 0, out);
    assert.doesNotMatch(out, /^mandatory /m);
  });
});

describe("policy settings from a stack file: IAM users", () => {
  it("allows IAM users only when an organization asks for its Athena user (seed AthenaCreateIamUser)", () => {
    const dir = mkdtempSync(join(tmpdir(), "tdp-policy-users-"));
    const write = (athenaCreateIamUser: boolean) =>
      writeFileSync(
        join(dir, "Pulumi.s.yaml"),
        `config:\n  tdp:platform:\n    infrastructureName: acme\n  tdp:organizations:\n    - orgSlug: a\n    - orgSlug: b\n      athenaCreateIamUser: ${athenaCreateIamUser}\n`,
      );
    write(false);
    assert.equal(policyConfigFromStack(dir, "s")?.allowIamUsers, false);
    write(true);
    assert.equal(policyConfigFromStack(dir, "s")?.allowIamUsers, true);
  });
});
