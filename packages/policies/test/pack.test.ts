import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import type { StackValidationArgs } from "@pulumi/policy";

import { allowedBy, loadAllowlist, parseAllowlist } from "../src/allowlist";
import { PREVIEW_UNKNOWN } from "../src/props";
import {
  allowlistBlock,
  currentAllowlistBlock,
  currentBlock,
  refreshDocument,
  tableBlock,
} from "../src/control-table";
import { evaluate, toPolicyResources } from "../src/evaluate";
import { withAllowlist } from "../src/pack";
import { allPolicies } from "../src/policies";
import { s3PublicAccessBlocked, s3Versioning } from "../src/services/s3";
import { isStackPolicy } from "../src/types";
import { secureBucket } from "./fixtures";
import { res, urnOf } from "./harness";

const ROOT = join(__dirname, "..", "..", "..");

describe("policies: allow-list", () => {
  const entries = parseAllowlist(
    `exceptions:\n  - policy: s3-versioning\n    resource: "scratch-*"\n    stacks: [test]\n    reason: a scratch bucket that is rebuilt every night from sources\n`,
    "inline",
  );

  it("matches by policy, resource glob and stack", () => {
    assert.ok(allowedBy(entries, "s3-versioning", urnOf("aws:s3/bucket:Bucket", "scratch-bucket")));
    assert.equal(
      allowedBy(entries, "s3-versioning", urnOf("aws:s3/bucket:Bucket", "data-bucket")),
      undefined,
    );
    assert.equal(
      allowedBy(entries, "s3-tls-only", urnOf("aws:s3/bucket:Bucket", "scratch-bucket")),
      undefined,
    );
    assert.equal(
      allowedBy(entries, "s3-versioning", urnOf("aws:s3/bucket:Bucket", "scratch-bucket", "prod")),
      undefined,
    );
  });

  it("keeps allowed findings in the offline run, marked with the reason", async () => {
    const found = await evaluate(
      secureBucket("scratch", {}, ["BucketVersioning"]),
      [s3Versioning],
      {},
      entries,
    );
    assert.equal(found.length, 1);
    assert.match(found[0]?.allowed ?? "", /rebuilt every night/);
  });

  it("drops allowed findings in the real pack (withAllowlist)", async () => {
    const [wrapped] = withAllowlist([s3Versioning], entries);
    assert.ok(wrapped && isStackPolicy(wrapped));
    const reported: string[] = [];
    const resources = toPolicyResources([
      ...secureBucket("scratch", {}, ["BucketVersioning"]),
      ...secureBucket("data", {}, ["BucketVersioning"]),
    ]);
    const args = {
      resources,
      stackTags: new Map(),
      getConfig: () => ({}),
      notApplicable: () => {
        throw new Error("n/a");
      },
    } as unknown as StackValidationArgs;
    await wrapped.validateStack(args, (message) => reported.push(message));
    assert.equal(reported.length, 1);
    assert.match(reported[0] ?? "", /bucket data does not enable versioning/);
  });

  it("rejects an entry without a reason, naming the path", () => {
    assert.throws(
      () => parseAllowlist("exceptions:\n  - policy: x\n    resource: y\n    reason: short\n", "a.yaml"),
      /a.yaml: exceptions.0.reason: give the reason in a sentence/,
    );
    assert.throws(
      () =>
        parseAllowlist(
          "exceptions:\n  - policy: x\n    resource: y\n    reason: a long enough reason here\n    typo: 1\n",
          "a.yaml",
        ),
      /a.yaml: exceptions.0/,
    );
  });

  it("the committed allow-list names only policies that exist, each with a reason", () => {
    const names = new Set(allPolicies.map((p) => p.name));
    for (const entry of loadAllowlist()) assert.ok(names.has(entry.policy), entry.policy);
  });
});

describe("policies: the preview shape", () => {
  it("follows dependencies when a new bucket's name is not known yet", async () => {
    const bucketUrn = urnOf("aws:s3/bucket:Bucket", "new-bucket");
    const resources = [
      res("aws:s3/bucket:Bucket", "new-bucket", {}, { protect: true }),
      res(
        "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
        "new-pab",
        {
          bucket: undefined,
          blockPublicAcls: true,
          blockPublicPolicy: true,
          ignorePublicAcls: true,
          restrictPublicBuckets: true,
        },
        { dependencies: [bucketUrn] },
      ),
    ];
    assert.deepEqual(await evaluate(resources, [s3PublicAccessBlocked], {}, []), []);
    const orphan = [resources[0]!, { ...resources[1]!, dependencies: [] }];
    assert.equal((await evaluate(orphan, [s3PublicAccessBlocked], {}, [])).length, 1);
  });

  it("treats the engine's unknown sentinel as a value still to come, never as a violation", async () => {
    const bucketUrn = urnOf("aws:s3/bucket:Bucket", "new-bucket");
    const resources = [
      res("aws:s3/bucket:Bucket", "new-bucket", { bucket: PREVIEW_UNKNOWN }, { protect: true }),
      ...secureBucket("x")
        .slice(1)
        .map((r) => ({
          ...r,
          urn: r.urn.replace("x-", "new-"),
          inputs: { ...r.inputs, bucket: PREVIEW_UNKNOWN },
          dependencies: [bucketUrn],
        })),
      res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 90, kmsKeyId: PREVIEW_UNKNOWN }),
      res("aws:iam/role:Role", "tdp-app", {
        name: PREVIEW_UNKNOWN,
        permissionsBoundary: PREVIEW_UNKNOWN,
        assumeRolePolicy: PREVIEW_UNKNOWN,
      }),
    ];
    const found = await evaluate(
      resources,
      allPolicies,
      { iamRolePrefix: "tdp-", permissionsBoundaryArn: "arn:aws:iam::1:policy/b" },
      [],
    );
    assert.deepEqual(
      found.filter((f) => f.level === "mandatory").map((f) => `${f.policy}: ${f.message}`),
      [],
    );
  });

  it("leaves reads of existing resources (adopted buckets) alone", async () => {
    const adopted = { ...res("aws:s3/bucket:Bucket", "adopted", { bucket: "old" }), read: "old" };
    assert.deepEqual(await evaluate([adopted], allPolicies, {}, []), []);
  });
});

describe("policies: where each is satisfied", () => {
  it("names files that exist in the repository", () => {
    const missing = allPolicies.flatMap((p) =>
      p.satisfiedBy.filter((file) => !existsSync(join(ROOT, file))).map((file) => `${p.name}: ${file}`),
    );
    assert.deepEqual(missing, []);
  });
});

describe("policies: docs/security.md", () => {
  it("carries the current control table (pnpm policy --write-docs docs/security.md)", () => {
    const doc = readFileSync(join(ROOT, "docs", "security.md"), "utf8");
    assert.equal(
      currentBlock(doc),
      tableBlock(allPolicies),
      "stale control table: run pnpm policy --write-docs docs/security.md",
    );
  });

  for (const file of ["docs/security.md", "packages/policies/README.md"]) {
    it(`${file} carries the current control table and every allow-list entry`, () => {
      const doc = readFileSync(join(ROOT, file), "utf8");
      const stale = `stale: run pnpm policy --write-docs ${file}`;
      assert.equal(currentBlock(doc), tableBlock(allPolicies), stale);
      assert.equal(currentAllowlistBlock(doc), allowlistBlock(loadAllowlist()), stale);
      for (const entry of loadAllowlist()) assert.ok(doc.includes(`\`${entry.resource}\``), entry.resource);
    });
  }

  it("lists the licence-secret rotation exception among the allow-list entries", () => {
    const doc = readFileSync(join(ROOT, "docs", "security.md"), "utf8");
    assert.match(currentAllowlistBlock(doc) ?? "", /`secrets-rotation` on `\*-licence-secret`.*vendor/);
  });

  it("refreshes both generated blocks of a document and leaves the rest alone", () => {
    const before = `# x\n\n${tableBlock([])}\n\nmiddle\n\n${allowlistBlock([])}\n\nend\n`;
    const after = refreshDocument(before, allPolicies, loadAllowlist()) ?? "";
    assert.equal(currentBlock(after), tableBlock(allPolicies));
    assert.equal(currentAllowlistBlock(after), allowlistBlock(loadAllowlist()));
    assert.match(after, /^# x\n[\s\S]*\nmiddle\n[\s\S]*\nend\n$/);
    assert.equal(refreshDocument("no markers", allPolicies, []), undefined);
  });
});
