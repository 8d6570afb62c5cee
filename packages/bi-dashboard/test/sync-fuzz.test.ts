import { strict as assert } from "node:assert";
import { promises as fs } from "node:fs";
import * as path from "node:path";

import type { RecordOutcome, SyncDependencies } from "../src/sync/handler";
import { syncEvent } from "../src/sync/handler";
import type { LocalS3 } from "./sync-fixtures";
import { deleteObject, efsMount, listFiles, putObject, s3Event, startLocalS3 } from "./sync-fixtures";

/** A small deterministic generator (mulberry32), so a failing key can be reproduced. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "..",
  ".",
  "",
  "a",
  "b.png",
  "%2e%2e",
  "%2E.",
  "..%2f",
  "%2f",
  "%00",
  "\\",
  "..\\",
  "~",
  "ü",
  "テ",
  " ",
  "+",
  "%20",
  "excel",
  "images",
  "keys",
  "excel-data",
  "svg",
  "themes",
  "logs",
  "scripts",
  "/",
  "//",
  "%",
  "%c0%ae",
  "\u202e",
  "\u007f",
  "\t",
  "CON",
  ".hidden",
  "テ".repeat(80),
  "a".repeat(300),
];

function generateKey(next: () => number): string {
  const count = 1 + Math.floor(next() * 6);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
  }
  const folder = ["images", "themes", "excel-data", "logs", "keys", "svg", "x", "..", "excel"][
    Math.floor(next() * 9)
  ]!;
  return `${next() < 0.8 ? `${folder}/` : ""}${parts.join(next() < 0.7 ? "/" : "")}`;
}

/**
 * The expected destination, written here from the documented rules and not from `keys.ts`:
 * - the event key is URL-encoded with `+` for a space; a key that does not decode is rejected;
 * - a key ending in `/` is a folder placeholder, ignored;
 * - the first segment must be one of the six prefixes; `excel-data` lands in `excel`;
 * - the rest must be non-empty, free of control characters and backslashes, and every segment
 *   non-empty, not `.` or `..`, and at most 255 bytes (a file name's limit).
 */
const FOLDERS: Record<string, string> = {
  images: "images",
  themes: "themes",
  "excel-data": "excel",
  logs: "logs",
  keys: "keys",
  svg: "svg",
};

type Expected = { kind: "rejected" | "ignored" } | { kind: "file"; key: string; relative: string };

function expectedDestination(eventKey: string): Expected {
  let key: string;
  try {
    key = decodeURIComponent(eventKey.split("+").join(" "));
  } catch {
    return { kind: "rejected" };
  }
  if (key.endsWith("/")) return { kind: "ignored" };
  const [prefix, ...segments] = key.split("/");
  const folder = Object.prototype.hasOwnProperty.call(FOLDERS, prefix!) ? FOLDERS[prefix!] : undefined;
  if (folder === undefined || segments.length === 0) return { kind: "rejected" };
  for (const segment of segments) {
    const badCharacter = [...segment].some((c) => c === "\\" || c.charCodeAt(0) < 0x20 || c === "\u007f");
    if (
      segment === "" ||
      segment === "." ||
      segment === ".." ||
      badCharacter ||
      Buffer.byteLength(segment, "utf8") > 255
    ) {
      return { kind: "rejected" };
    }
  }
  return { kind: "file", key, relative: [folder, ...segments].join("/") };
}

/** Every proper ancestor of a relative path (`a/b/c` → `a`, `a/b`). */
function ancestors(relative: string): string[] {
  const parts = relative.split("/");
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
}

describe("S3 → EFS sync handler: fuzzed keys, against an S3 server on loopback and a real directory", () => {
  let s3: LocalS3;
  before(async () => {
    s3 = await startLocalS3();
  });
  after(async () => {
    await s3.close();
  });

  it("lands each of 1000 generated keys exactly where the rules say, with exactly its content, and nothing anywhere else", async () => {
    const { root, settings } = efsMount();
    // The mount is a folder of the temporary directory, so an escape would show up beside it.
    const mount = path.join(root, "mount");
    await fs.mkdir(mount);
    const deps: SyncDependencies = {
      settings: { ...settings, mountPath: mount },
      s3: s3.client,
      log: () => undefined,
    };
    const next = random(20261123);
    // What the mount must hold (relative path → content), and the folders writing it created
    // (the handler leaves emptied folders in place, so a file of that name conflicts for good).
    const files = new Map<string, string>();
    const directories = new Set<string>();
    const keyOf = new Map<string, string>();
    const counts: Record<string, number> = {};
    try {
      for (let i = 0; i < 1000; i++) {
        const generated = generateKey(next);
        const event = s3Event("ObjectCreated:Put", generated);
        // Half the keys go out as the uploader wrote them (raw percent sequences included).
        if (i % 2 === 1) event.Records[0]!.s3.object.key = generated;
        const eventKey = event.Records[0]!.s3.object.key;
        const expected = expectedDestination(eventKey);
        let want: RecordOutcome;
        if (expected.kind !== "file") {
          want = expected.kind;
        } else {
          const content = `#${i} ${expected.key}`;
          await putObject(s3, expected.key, content);
          const clash =
            directories.has(expected.relative) || ancestors(expected.relative).some((a) => files.has(a));
          if (clash) {
            want = "conflict";
          } else {
            want = "written";
            files.set(expected.relative, content);
            keyOf.set(expected.relative, expected.key);
            for (const a of ancestors(expected.relative)) directories.add(a);
          }
        }
        const [outcome] = await syncEvent(event, deps);
        assert.equal(outcome, want, `#${i} ${JSON.stringify(eventKey)}`);
        counts[want] = (counts[want] ?? 0) + 1;

        // Now and then a written object is deleted again: its file must go, and only it.
        if (files.size > 0 && next() < 0.1) {
          const relative = [...files.keys()][Math.floor(next() * files.size)]!;
          const key = keyOf.get(relative)!;
          await deleteObject(s3, key);
          const removal = s3Event("ObjectRemoved:Delete", key);
          assert.deepEqual(
            await syncEvent(removal, deps),
            ["removed"],
            `#${i} delete ${JSON.stringify(key)}`,
          );
          files.delete(relative);
          keyOf.delete(relative);
          counts["removed"] = (counts["removed"] ?? 0) + 1;
        }
      }

      // Nothing outside the mount; inside it exactly the expected files (no temporary ones), each
      // with its own object's content.
      assert.deepEqual(await fs.readdir(root), ["mount"]);
      const actual = (await listFiles(mount)).map((f) => f.split(path.sep).join("/"));
      assert.deepEqual(actual, [...files.keys()].sort());
      for (const [relative, content] of files) {
        assert.equal(await fs.readFile(path.join(mount, relative), "utf8"), content, relative);
      }
      for (const kind of ["written", "rejected", "ignored", "conflict", "removed"]) {
        assert.ok(
          (counts[kind] ?? 0) > (kind === "written" || kind === "rejected" ? 100 : 0),
          JSON.stringify(counts),
        );
      }
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
