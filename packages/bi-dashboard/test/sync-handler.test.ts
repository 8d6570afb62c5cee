import { strict as assert } from "node:assert";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";

import { S3Client } from "@aws-sdk/client-s3";

import type { Logger, SyncDependencies } from "../src/sync/handler";
import { syncEvent } from "../src/sync/handler";
import type { SyncSettings } from "../src/sync/settings";
import type { LocalS3 } from "./sync-fixtures";
import {
  OWNER,
  VersionedBucket,
  deleteObject,
  efsMount,
  listFiles,
  putObject,
  s3Event,
  startLocalS3,
} from "./sync-fixtures";

describe("S3 → EFS sync handler, against an S3 server on loopback and a real directory", () => {
  let s3: LocalS3;
  let root: string;
  let settings: SyncSettings;
  let logs: { level: string; message: string; fields: Record<string, unknown> }[];
  let deps: SyncDependencies;

  before(async () => {
    s3 = await startLocalS3();
  });
  after(async () => {
    await s3.close();
  });
  beforeEach(() => {
    ({ root, settings } = efsMount());
    logs = [];
    const log: Logger = (level, message, fields) => logs.push({ level, message, fields });
    deps = { s3: s3.client, settings, log };
  });
  afterEach(async () => {
    await fs.rm(root, { recursive: true, force: true });
  });

  const folders: [string, string][] = [
    ["images", "images"],
    ["themes", "themes"],
    ["excel-data", "excel"],
    ["logs", "logs"],
    ["keys", "keys"],
    ["svg", "svg"],
  ];
  for (const [prefix, folder] of folders) {
    it(`writes ${prefix}/ objects into the ${folder}/ folder with the dashboard user's owner and mode`, async () => {
      await putObject(s3, `${prefix}/nested/dir/file.bin`, `content of ${prefix}`);
      assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", `${prefix}/nested/dir/file.bin`), deps), [
        "written",
      ]);
      const file = path.join(root, folder, "nested", "dir", "file.bin");
      assert.equal(await fs.readFile(file, "utf8"), `content of ${prefix}`);
      const stat = await fs.stat(file);
      assert.equal(stat.mode & 0o777, 0o640);
      assert.equal(stat.uid, OWNER.uid);
      assert.equal(stat.gid, OWNER.gid);
      for (const dir of [
        path.join(root, folder),
        path.join(root, folder, "nested"),
        path.join(root, folder, "nested", "dir"),
      ]) {
        const dirStat = await fs.stat(dir);
        assert.equal(dirStat.mode & 0o777, 0o750, dir);
        assert.equal(dirStat.uid, OWNER.uid, dir);
      }
    });
  }

  it("lands excel-data in excel, the folder the dashboard reads, and never creates excel-data", async () => {
    await putObject(s3, "excel-data/report.xlsx", "sheet");
    await syncEvent(s3Event("ObjectCreated:Put", "excel-data/report.xlsx"), deps);
    assert.deepEqual(await listFiles(root), ["excel/report.xlsx"]);
  });

  it("decodes URL-encoded and unicode keys", async () => {
    const keys = [
      "images/My Logo (1).png",
      "themes/ünïcödé/テーマ.css",
      "svg/a+b=c&d.svg",
      "keys/100% sure.key",
    ];
    for (const key of keys) {
      await putObject(s3, key, key);
      assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", key), deps), ["written"], key);
    }
    assert.deepEqual(await listFiles(root), [
      "images/My Logo (1).png",
      "keys/100% sure.key",
      "svg/a+b=c&d.svg",
      "themes/ünïcödé/テーマ.css",
    ]);
    assert.equal(
      await fs.readFile(path.join(root, "themes/ünïcödé/テーマ.css"), "utf8"),
      "themes/ünïcödé/テーマ.css",
    );
  });

  it("removes the file of a deleted object, and a second delete is harmless", async () => {
    await putObject(s3, "logs/app.log", "x");
    await syncEvent(s3Event("ObjectCreated:Put", "logs/app.log"), deps);
    await deleteObject(s3, "logs/app.log");
    assert.deepEqual(await syncEvent(s3Event("ObjectRemoved:Delete", "logs/app.log"), deps), ["removed"]);
    assert.deepEqual(await listFiles(root), []);
    assert.deepEqual(await syncEvent(s3Event("ObjectRemoved:Delete", "logs/app.log"), deps), [
      "already-removed",
    ]);
  });

  it("is idempotent on retries: the same event twice leaves one complete file and no temporary files", async () => {
    await putObject(s3, "images/logo.png", "v1");
    const event = s3Event("ObjectCreated:Put", "images/logo.png");
    await syncEvent(event, deps);
    await syncEvent(event, deps);
    assert.deepEqual(await listFiles(root), ["images/logo.png"]);
    assert.equal(await fs.readFile(path.join(root, "images/logo.png"), "utf8"), "v1");
  });

  it("overwrites atomically: a newer object replaces the file in one rename", async () => {
    await putObject(s3, "images/logo.png", "v1");
    await syncEvent(s3Event("ObjectCreated:Put", "images/logo.png"), deps);
    await putObject(s3, "images/logo.png", "version two");
    await syncEvent(s3Event("ObjectCreated:Put", "images/logo.png"), deps);
    assert.equal(await fs.readFile(path.join(root, "images/logo.png"), "utf8"), "version two");
    assert.deepEqual(await listFiles(root), ["images/logo.png"]);
  });

  it("writes nothing for an object deleted before its created event arrives, without failing", async () => {
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", "images/gone.png"), deps), [
      "already-removed",
    ]);
    assert.deepEqual(await listFiles(root), []);
    assert.ok(logs.some((l) => l.level === "warn" && l.message.includes("no longer exists")));
  });

  // 250 bytes: 82 three-byte characters and ".png". Any name derived from it plus a suffix is over
  // the 255-byte limit of a file name (EFS and local file systems alike).
  const LONG_NAME = `${"テ".repeat(82)}.png`;

  it("syncs and removes a key whose file name is 250 bytes of multi-byte characters, leaving no temporary file", async () => {
    assert.equal(Buffer.byteLength(LONG_NAME, "utf8"), 250);
    const key = `images/${LONG_NAME}`;
    await putObject(s3, key, "long name");
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", key), deps), ["written"]);
    assert.deepEqual(await listFiles(root), [`images/${LONG_NAME}`]);
    assert.equal(await fs.readFile(path.join(root, "images", LONG_NAME), "utf8"), "long name");
    await putObject(s3, key, "long name, second version");
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", key), deps), ["written"]);
    assert.deepEqual(await listFiles(root), [`images/${LONG_NAME}`]);
    assert.equal(
      await fs.readFile(path.join(root, "images", LONG_NAME), "utf8"),
      "long name, second version",
    );
    await deleteObject(s3, key);
    assert.deepEqual(await syncEvent(s3Event("ObjectRemoved:Delete", key), deps), ["removed"]);
    assert.deepEqual(await listFiles(root), []);
  });

  it("a 255-byte name in a 250-byte folder syncs too, and a failed write of it leaves no temporary file", async () => {
    const folder = "ü".repeat(125); // 250 bytes
    const name = `${"é".repeat(126)}.bin`; // 256 bytes: one too many
    const fits = `${"é".repeat(125)}.bin.`; // 255 bytes: the limit itself
    assert.equal(Buffer.byteLength(folder, "utf8"), 250);
    assert.equal(Buffer.byteLength(fits, "utf8"), 255);
    await putObject(s3, `svg/${folder}/${fits}`, "at the limit");
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", `svg/${folder}/${fits}`), deps), [
      "written",
    ]);
    assert.equal(await fs.readFile(path.join(root, "svg", folder, fits), "utf8"), "at the limit");
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", `svg/${folder}/${name}`), deps), [
      "rejected",
    ]);
    const failing: SyncDependencies = {
      ...deps,
      s3: {
        send: async () =>
          ({
            Body: new Readable({
              read() {
                this.destroy(new Error("connection reset"));
              },
            }),
          }) as never,
      },
    };
    await assert.rejects(
      syncEvent(s3Event("ObjectCreated:Put", `svg/${folder}/${fits}`), failing),
      /connection reset/,
    );
    assert.deepEqual(await listFiles(root), [`svg/${folder}/${fits}`]);
    assert.equal(await fs.readFile(path.join(root, "svg", folder, fits), "utf8"), "at the limit");
  });

  describe("versions and event order: every event reconciles the file with the key's current object", () => {
    let bucket: VersionedBucket;
    beforeEach(() => {
      bucket = new VersionedBucket(s3);
      deps = { ...deps, s3: bucket.client };
    });

    it("a removed event for an older version (a permanent version delete) keeps the file with the current content", async () => {
      const v1 = await bucket.put("themes/brand.css", "old theme");
      await syncEvent(s3Event("ObjectCreated:Put", "themes/brand.css", undefined, v1), deps);
      const v2 = await bucket.put("themes/brand.css", "current theme");
      await syncEvent(s3Event("ObjectCreated:Put", "themes/brand.css", undefined, v2), deps);
      await bucket.deleteVersion("themes/brand.css", v1);
      assert.deepEqual(
        await syncEvent(s3Event("ObjectRemoved:Delete", "themes/brand.css", undefined, v1), deps),
        ["rewritten"],
      );
      assert.deepEqual(await listFiles(root), ["themes/brand.css"]);
      assert.equal(await fs.readFile(path.join(root, "themes/brand.css"), "utf8"), "current theme");
      const line = logs.find((l) => l.fields["event"] === "ObjectRemoved:Delete")!;
      assert.equal(line.level, "info");
      assert.match(line.message, /^rewritten: the object still exists/);
      assert.equal(line.fields["eventVersionId"], v1);
    });

    it("a removed event for an object uploaded again since rewrites the file with the new upload", async () => {
      await bucket.put("logs/app.log", "first");
      await syncEvent(s3Event("ObjectCreated:Put", "logs/app.log"), deps);
      await bucket.deleteCurrent("logs/app.log");
      await bucket.put("logs/app.log", "uploaded again");
      // The removed event is processed after the new upload (late or retried).
      assert.deepEqual(await syncEvent(s3Event("ObjectRemoved:DeleteMarkerCreated", "logs/app.log"), deps), [
        "rewritten",
      ]);
      assert.equal(await fs.readFile(path.join(root, "logs/app.log"), "utf8"), "uploaded again");
    });

    it("replaying a created event after the object was deleted removes the file instead of resurrecting it", async () => {
      const v1 = await bucket.put("keys/licence.key", "secret");
      const created = s3Event("ObjectCreated:Put", "keys/licence.key", undefined, v1);
      assert.deepEqual(await syncEvent(created, deps), ["written"]);
      // Deleted (a delete marker: v1 stays readable by its id), and the removed event not yet seen.
      await bucket.deleteCurrent("keys/licence.key");
      assert.deepEqual(await syncEvent(created, deps), ["removed"]);
      assert.deepEqual(await listFiles(root), []);
      assert.ok(
        logs.some((l) => l.level === "warn" && /^removed: the object no longer exists/.test(l.message)),
      );
      // The removed event, then the created one once more (a retry): the file stays gone.
      assert.deepEqual(
        await syncEvent(s3Event("ObjectRemoved:DeleteMarkerCreated", "keys/licence.key"), deps),
        ["already-removed"],
      );
      assert.deepEqual(await syncEvent(created, deps), ["already-removed"]);
      assert.deepEqual(await listFiles(root), []);
    });

    it("an older created event arriving after an overwrite leaves the newest content", async () => {
      const v1 = await bucket.put("excel-data/q1.xlsx", "draft");
      const v2 = await bucket.put("excel-data/q1.xlsx", "final");
      assert.deepEqual(
        await syncEvent(s3Event("ObjectCreated:Put", "excel-data/q1.xlsx", undefined, v2), deps),
        ["written"],
      );
      assert.deepEqual(
        await syncEvent(s3Event("ObjectCreated:Put", "excel-data/q1.xlsx", undefined, v1), deps),
        ["written"],
      );
      assert.deepEqual(await listFiles(root), ["excel/q1.xlsx"]);
      assert.equal(await fs.readFile(path.join(root, "excel/q1.xlsx"), "utf8"), "final");
    });

    it("a refused read (403, what S3 answers for a missing key without s3:ListBucket) fails the event and keeps the file", async () => {
      await bucket.put("images/logo.png", "logo");
      await syncEvent(s3Event("ObjectCreated:Put", "images/logo.png"), deps);
      const stranger = new S3Client({
        endpoint: s3.endpoint,
        forcePathStyle: true,
        region: "us-east-1",
        credentials: { accessKeyId: "NOT-A-KEY", secretAccessKey: "x" },
        maxAttempts: 1,
      });
      try {
        for (const name of ["ObjectRemoved:Delete", "ObjectCreated:Put"] as const) {
          await assert.rejects(
            syncEvent(s3Event(name, "images/logo.png"), { ...deps, s3: stranger }),
            (error: { $metadata?: { httpStatusCode?: number } }) => error.$metadata?.httpStatusCode === 403,
          );
        }
      } finally {
        stranger.destroy();
      }
      assert.deepEqual(await listFiles(root), ["images/logo.png"]);
      assert.equal(await fs.readFile(path.join(root, "images/logo.png"), "utf8"), "logo");
    });
  });

  it("ignores folder placeholder keys", async () => {
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", "images/new-folder/"), deps), ["ignored"]);
    assert.deepEqual(await listFiles(root), []);
  });

  it("rejects unknown top-level folders and other buckets with a clear log line", async () => {
    await putObject(s3, "scripts/run.sh", "#!/bin/sh");
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", "scripts/run.sh"), deps), ["rejected"]);
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", "images/a.png", "other-bucket"), deps), [
      "rejected",
    ]);
    assert.deepEqual(await listFiles(root), []);
    const reasons = logs.filter((l) => l.level === "warn").map((l) => String(l.fields["reason"]));
    assert.match(
      reasons[0]!,
      /top-level folder "scripts" is not one of images, themes, excel-data, logs, keys, svg/,
    );
    assert.match(reasons[1]!, /expected dashboard-resources/);
  });

  it("rejects every traversal attempt and writes nothing outside the folders", async () => {
    const attacks = [
      "images/../keys/stolen.key",
      "images/%2e%2e/escape.txt",
      "images/a/../../escape.txt",
      "../escape.txt",
      "images/..",
      "images/./x",
      "images//x",
      "images/a\\..\\..\\x",
      "images/x\u0000.png",
      "/images/x.png",
      "images",
      "images/%zz",
    ];
    for (const key of attacks) {
      const event = s3Event("ObjectCreated:Put", key);
      if (key.includes("%")) {
        // Percent sequences sent as they are: they decode to dots, or are not valid encoding.
        event.Records[0]!.s3.object.key = key;
      }
      assert.deepEqual(await syncEvent(event, deps), ["rejected"], key);
    }
    assert.deepEqual(await listFiles(root), []);
    assert.equal(logs.filter((l) => l.level === "warn").length, attacks.length);
  });

  it("syncs names that only begin with two dots; only a whole `..` segment is a traversal", async () => {
    for (const key of ["logs/..notes.txt", "logs/.../x.log", "svg/..a/..b.svg"]) {
      await putObject(s3, key, key);
      assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", key), deps), ["written"], key);
    }
    assert.deepEqual(await listFiles(root), ["logs/.../x.log", "logs/..notes.txt", "svg/..a/..b.svg"]);
    assert.equal(await fs.readFile(path.join(root, "svg/..a/..b.svg"), "utf8"), "svg/..a/..b.svg");
  });

  it("fails (so Lambda retries) when S3 cannot be reached, leaving no temporary file", async () => {
    const unreachable = new S3Client({
      endpoint: "http://127.0.0.1:9",
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "x", secretAccessKey: "x" },
      maxAttempts: 1,
    });
    await assert.rejects(
      syncEvent(s3Event("ObjectCreated:Put", "images/a.png"), { ...deps, s3: unreachable }),
    );
    unreachable.destroy();
    assert.deepEqual(await listFiles(root), []);
  });

  it("keeps the previous file and removes the temporary one when the stream fails midway", async () => {
    await putObject(s3, "images/logo.png", "good");
    await syncEvent(s3Event("ObjectCreated:Put", "images/logo.png"), deps);
    const failing: SyncDependencies = {
      ...deps,
      s3: {
        send: async () => {
          let sent = false;
          const body = new Readable({
            read() {
              if (sent) {
                this.destroy(new Error("connection reset"));
              } else {
                sent = true;
                this.push("partial");
              }
            },
          });
          return { Body: body } as never;
        },
      },
    };
    await assert.rejects(
      syncEvent(s3Event("ObjectCreated:Put", "images/logo.png"), failing),
      /connection reset/,
    );
    assert.deepEqual(await listFiles(root), ["images/logo.png"]);
    assert.equal(await fs.readFile(path.join(root, "images/logo.png"), "utf8"), "good");
  });

  it("logs, rather than retries, a key whose name is already a folder (and the reverse)", async () => {
    await putObject(s3, "images/set/one.png", "1");
    await putObject(s3, "images/set", "file named like the folder");
    await syncEvent(s3Event("ObjectCreated:Put", "images/set/one.png"), deps);
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", "images/set"), deps), ["conflict"]);
    assert.deepEqual(await syncEvent(s3Event("ObjectRemoved:Delete", "images/set"), deps), ["conflict"]);
    await putObject(s3, "svg/plain", "file");
    await putObject(s3, "svg/plain/inner.svg", "inner");
    await syncEvent(s3Event("ObjectCreated:Put", "svg/plain"), deps);
    assert.deepEqual(await syncEvent(s3Event("ObjectCreated:Put", "svg/plain/inner.svg"), deps), [
      "conflict",
    ]);
    assert.deepEqual(await listFiles(root), ["images/set/one.png", "svg/plain"]);
  });

  it("processes every record of a multi-record event in order", async () => {
    await putObject(s3, "svg/a.svg", "a");
    await syncEvent(s3Event("ObjectCreated:Put", "svg/a.svg"), deps);
    await putObject(s3, "svg/b.svg", "b");
    await putObject(s3, "svg/c.svg", "c");
    await deleteObject(s3, "svg/a.svg");
    const event = s3Event("ObjectCreated:Put", "svg/b.svg");
    event.Records.push(
      s3Event("ObjectRemoved:Delete", "svg/a.svg").Records[0]!,
      s3Event("ObjectCreated:Put", "svg/c.svg").Records[0]!,
    );
    assert.deepEqual(await syncEvent(event, deps), ["written", "removed", "written"]);
    assert.deepEqual(await listFiles(root), ["svg/b.svg", "svg/c.svg"]);
  });
});
