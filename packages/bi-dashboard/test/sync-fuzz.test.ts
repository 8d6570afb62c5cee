import { strict as assert } from "node:assert";
import { promises as fs } from "node:fs";
import * as path from "node:path";
import { Readable } from "node:stream";

import type { SyncDependencies } from "../src/sync/handler";
import { syncEvent } from "../src/sync/handler";
import { resolveKey } from "../src/sync/keys";
import { efsMount, listFiles, s3Event } from "./sync-fixtures";

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
  "CON",
  ".hidden",
  "a".repeat(300),
];

function generateKey(next: () => number): string {
  const count = 1 + Math.floor(next() * 6);
  const parts: string[] = [];
  for (let i = 0; i < count; i++) {
    parts.push(PIECES[Math.floor(next() * PIECES.length)]!);
  }
  const folder = ["images", "themes", "excel-data", "logs", "keys", "svg", "x", ".."][
    Math.floor(next() * 8)
  ]!;
  return `${next() < 0.8 ? `${folder}/` : ""}${parts.join(next() < 0.7 ? "/" : "")}`;
}

describe("S3 → EFS sync handler: fuzzed keys never escape their folder", () => {
  it("writes 1000 generated keys through the handler into a real directory, each inside its own folder", async () => {
    const { root, settings } = efsMount();
    const mount = path.join(root, "mount");
    await fs.mkdir(mount);
    const inside = { ...settings, mountPath: mount };
    const deps: SyncDependencies = {
      settings: inside,
      log: () => undefined,
      s3: { send: async () => ({ Body: Readable.from([Buffer.from("x")]) }) as never },
    };
    const next = random(20261123);
    const allowed = new Set(inside.folders.values());
    let written = 0;
    try {
      for (let i = 0; i < 1000; i++) {
        const key = generateKey(next);
        const event = s3Event("ObjectCreated:Put", key);
        // Half the keys go out as the uploader wrote them (raw percent sequences included).
        if (i % 2 === 1) event.Records[0]!.s3.object.key = key;
        const [outcome] = await syncEvent(event, deps);
        if (outcome === "written") written++;
        const target = (() => {
          try {
            return resolveKey(
              decodeURIComponent(event.Records[0]!.s3.object.key.replace(/\+/g, " ")),
              inside,
            );
          } catch {
            return undefined;
          }
        })();
        if (target?.kind === "file") {
          const relative = path.relative(target.folderPath, target.absolutePath);
          assert.ok(
            !relative.startsWith("..") && !path.isAbsolute(relative),
            `${key} → ${target.absolutePath}`,
          );
        }
      }
      // Nothing outside the mount, and everything inside it under one of the configured folders.
      assert.deepEqual(await fs.readdir(root), ["mount"]);
      for (const file of await listFiles(mount)) {
        const top = file.split(path.sep)[0]!;
        assert.ok(allowed.has(top), `${file} is outside the configured folders`);
      }
      assert.ok(
        written > 100,
        `only ${written} of 1000 generated keys were accepted: the fuzz is not exercising writes`,
      );
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
