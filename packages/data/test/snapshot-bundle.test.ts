import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import { bundleLambdaHandler, findPackageRoot } from "@tdp/core";

import type { SnapshotRunResult } from "../src/snapshot/handler";
import type { RestoreResult } from "../src/snapshot/restore";
import type { FakeDomain } from "./snapshot-fixtures";
import { captureLogs, snapshotEnvironment, startFakeDomain, withEnvironment } from "./snapshot-fixtures";

const ENTRY = path.join(findPackageRoot("@tdp/data", __dirname), "src", "snapshot", "handler.ts");

describe("snapshot function bundle", () => {
  let domain: FakeDomain;
  before(async () => {
    domain = await startFakeDomain();
  });
  after(async () => {
    await domain.close();
  });

  it("is one deterministic CommonJS file without this machine's paths whose index.handler runs", async () => {
    const code = bundleLambdaHandler(ENTRY);
    assert.equal(bundleLambdaHandler(ENTRY), code, "the bundle is not deterministic");
    assert.ok(!code.includes(process.cwd()), "the bundle embeds this machine's paths");
    assert.doesNotMatch(code, /require\("@smithy\/signature-v4"\)/, "the signer is inside the bundle");
    const dir = mkdtempSync(path.join(tmpdir(), "snapshot-bundle-"));
    try {
      writeFileSync(path.join(dir, "index.js"), code);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundle = require(path.join(dir, "index.js")) as {
        handler: (event?: unknown) => Promise<SnapshotRunResult | RestoreResult>;
      };
      const { result, error } = await withEnvironment(snapshotEnvironment(domain.endpoint), () =>
        captureLogs(() => bundle.handler()),
      );
      assert.equal(error, undefined);
      assert.equal(result?.repositoryRegistered, true);
      assert.match(result?.snapshot ?? "", /^tdp-\d{4}-\d{2}-\d{2}t\d{2}-\d{2}-\d{2}z$/);
      // The restore action is in the bundle too: the fake lists no finished snapshot, so it says so.
      const restore = await withEnvironment(snapshotEnvironment(domain.endpoint), () =>
        captureLogs(() => bundle.handler({ action: "restore" })),
      );
      assert.match(restore.error?.message ?? "", /no successful snapshot in repository tdp-s3/);
      assert.ok(
        domain.requests.every((r) => String(r.headers["authorization"]).startsWith("AWS4-HMAC-SHA256 ")),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("says which handler is missing", () => {
    assert.throws(
      () => bundleLambdaHandler("/nonexistent/handler.ts"),
      /the Lambda handler \/nonexistent\/handler\.ts does not exist$/,
    );
  });
});
