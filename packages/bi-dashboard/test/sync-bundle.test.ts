import { strict as assert } from "node:assert";
import { mkdtempSync, promises as fs, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import type { S3Event } from "aws-lambda";

import { bundleHandler, syncHandlerEntry } from "../src/bundle";
import type { LocalS3 } from "./sync-fixtures";
import { BUCKET, OWNER, listFiles, putObject, s3Event, startLocalS3 } from "./sync-fixtures";

describe("S3 → EFS sync function: the bundle Lambda runs", () => {
  let s3: LocalS3;
  before(async () => {
    s3 = await startLocalS3();
  });
  after(async () => {
    await s3.close();
  });

  it("is one CommonJS file whose index.handler syncs an object with only environment settings", async () => {
    const code = bundleHandler(syncHandlerEntry());
    assert.equal(bundleHandler(syncHandlerEntry()), code, "the bundle is not deterministic");
    assert.ok(!code.includes(process.cwd()), "the bundle embeds this machine's paths");
    const dir = mkdtempSync(path.join(tmpdir(), "sync-bundle-"));
    const mount = path.join(dir, "mnt");
    await fs.mkdir(mount);
    writeFileSync(path.join(dir, "index.js"), code);
    const env = {
      EFS_MOUNT_PATH: mount,
      ALLOWED_FOLDERS: "images=images,themes=themes,excel-data=excel,logs=logs,keys=keys,svg=svg",
      OWNER_UID: String(OWNER.uid),
      OWNER_GID: String(OWNER.gid),
      FILE_MODE: "0640",
      DIR_MODE: "0750",
      BUCKET_NAME: BUCKET,
      S3_ENDPOINT: s3.endpoint,
      S3_FORCE_PATH_STYLE: "true",
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    };
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const bundle = require(path.join(dir, "index.js")) as { handler: (event: S3Event) => Promise<void> };
      await putObject(s3, "excel-data/q4 report.xlsx", "numbers");
      // The handler logs one JSON line per object; tests never write to stdout, so it is kept here.
      const lines: string[] = [];
      const log = console.log;
      console.log = (line: unknown) => void lines.push(String(line));
      try {
        await bundle.handler(s3Event("ObjectCreated:Put", "excel-data/q4 report.xlsx"));
      } finally {
        console.log = log;
      }
      assert.deepEqual(
        lines.map((line) => (JSON.parse(line) as { message: string }).message),
        ["written"],
      );
      assert.deepEqual(await listFiles(mount), ["excel/q4 report.xlsx"]);
      assert.equal(await fs.readFile(path.join(mount, "excel", "q4 report.xlsx"), "utf8"), "numbers");
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
