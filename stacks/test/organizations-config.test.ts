import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

import { readStackFile } from "@tdp/offline";

import { loadStackConfig } from "../src/config/load";
import { configProblems } from "./fixtures/config-problems";

const minimalData = {
  alerts: { notificationEmail: "alerts@acme.example.com" },
  email: { sourceAddress: "noreply@acme.example.com" },
};

function load(organizations: unknown, extra: Record<string, unknown> = {}) {
  return loadStackConfig({
    "aws:region": "us-east-1",
    "tdp:platform": JSON.stringify({
      infrastructureName: "acme-tdp",
      ...((extra["platform"] as object) ?? {}),
    }),
    "tdp:data": JSON.stringify({ ...minimalData, ...((extra["data"] as object) ?? {}) }),
    "tdp:organizations": JSON.stringify(organizations),
  });
}

function problemsOf(organizations: unknown, extra: Record<string, unknown> = {}): string[] {
  return configProblems(() => load(organizations, extra));
}

describe("tdp:organizations config", () => {
  it("reads the prod stack file's two example organizations with their defaults", () => {
    const raw = readStackFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml")).config;
    const orgs = loadStackConfig(raw).sections.organizations;
    assert.deepEqual(
      orgs.map((o) => o.orgSlug),
      ["exampleco", "acme-labs"],
    );
    assert.deepEqual(orgs[0], {
      orgSlug: "exampleco",
      dataHub: true,
      athenaCreateIamUser: false,
      credentialDurationSeconds: 3600,
    });
  });

  it("is an empty list when absent", () => {
    const config = loadStackConfig({
      "aws:region": "us-east-1",
      "tdp:platform": JSON.stringify({ infrastructureName: "acme-tdp" }),
    });
    assert.deepEqual(config.sections.organizations, []);
  });

  it("rejects an invalid slug at its key, with the rule", () => {
    assert.deepEqual(problemsOf([{ orgSlug: "Acme_Labs" }]), [
      'tdp:organizations[0].orgSlug: "Acme_Labs" — must be lowercase letters, digits and single hyphens, starting with a letter and ending with a letter or digit (it is the top-level prefix in the shared buckets and part of IAM, Glue and Athena names)',
    ]);
  });

  it("rejects a duplicate slug, naming the first", () => {
    assert.deepEqual(problemsOf([{ orgSlug: "exampleco" }, { orgSlug: "acme" }, { orgSlug: "exampleco" }]), [
      'tdp:organizations[2].orgSlug: "exampleco" — duplicates tdp:organizations[0].orgSlug; each organization needs its own slug (its prefix and key)',
    ]);
  });

  it("rejects a reserved slug", () => {
    assert.match(
      problemsOf([{ orgSlug: "athena" }])[0]!,
      /^tdp:organizations\[0\]\.orgSlug: "athena" — is reserved/,
    );
  });

  it("rejects a slug whose derived IAM policy name exceeds 128 characters", () => {
    const slug = `a${"b".repeat(90)}`;
    const [problem] = problemsOf([{ orgSlug: slug }]);
    assert.match(
      problem!,
      /makes the IAM policy name "ts-athena-us-east-1-production-ab+-policy" 129 characters long, over AWS's limit of 128; shorten the slug by 1 characters/,
    );
    assert.match(problem!, /^tdp:organizations\[0\]\.orgSlug: /);
  });

  it("rejects a slug whose AthenaCreateIamUser user name would exceed 64 characters", () => {
    const slug = `a${"b".repeat(45)}`;
    assert.doesNotThrow(() => load([{ orgSlug: slug }]));
    assert.match(
      problemsOf([{ orgSlug: slug, athenaCreateIamUser: true }])[0]!,
      /IAM user name .* over AWS's limit of 64/,
    );
  });

  it("rejects a Data Hub while the data lake is adopted read-only (DR recovery)", () => {
    const recovery = { streamBucket: "acme-dr-stream", datalakeBucket: "acme-dr-datalake" };
    assert.deepEqual(problemsOf([{ orgSlug: "exampleco" }], { data: { recovery } }), [
      "tdp:organizations[0].dataHub: true — the Data Hub uploads into the data lake, but tdp:data.recovery adopts the data lake bucket read-only (its policy, which refuses other organizations' keys, is not this stack's). Set dataHub: false until the recovery is over",
    ]);
    assert.doesNotThrow(() => load([{ orgSlug: "exampleco", dataHub: false }], { data: { recovery } }));
  });

  it("rejects more organizations than the shared buckets' policy size allows, naming the quota", () => {
    const orgs = Array.from({ length: 60 }, (_, i) => ({
      orgSlug: `organization-number-${i}`,
      dataHub: false,
    }));
    const problems = problemsOf(orgs);
    assert.equal(problems.length, 1);
    assert.match(
      problems[0]!,
      /^tdp:organizations: "60 organizations" — .*Amazon S3 quota "bucket policy size" of 20480 bytes/,
    );
  });

  it("rejects a credential duration over the seed's hour", () => {
    assert.match(
      problemsOf([{ orgSlug: "exampleco", credentialDurationSeconds: 7200 }])[0]!,
      /^tdp:organizations\[0\]\.credentialDurationSeconds: 7200 — must be at most 3600/,
    );
  });

  it("rejects unknown fields and a non-list", () => {
    assert.match(
      problemsOf([{ orgSlug: "exampleco", dataHubb: true }])[0]!,
      /tdp:organizations\[0\]\.dataHubb/,
    );
    assert.match(
      problemsOf({ orgSlug: "exampleco" })[0]!,
      /^tdp:organizations: .* must be a list of organizations/,
    );
  });

  it("rejects organizations in a dr stack", () => {
    assert.match(
      problemsOf([{ orgSlug: "exampleco" }], { platform: { role: "dr" } })[0]!,
      /^tdp:organizations: .* organizations belong to the primary stack/,
    );
  });
});

describe("docs/parameters.md and tdp:organizations", () => {
  it("has a row for every field of an organization entry", () => {
    const doc = fs.readFileSync(path.join(__dirname, "..", "..", "docs", "parameters.md"), "utf8");
    const raw = readStackFile(path.join(__dirname, "..", "..", "Pulumi.prod.yaml")).config;
    const fields = Object.keys(loadStackConfig(raw).sections.organizations[0] ?? {});
    assert.ok(fields.length >= 4);
    const missing = fields.filter((f) => !doc.includes(`\`organizations[].${f}\``));
    assert.deepEqual(missing, []);
  });
});
