import { randomBytes } from "node:crypto";
import { createWriteStream, promises as fs } from "node:fs";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import type { SyncSettings } from "./settings";

/**
 * Sets owner and mode. Through an EFS access point every call already runs as the dashboard
 * user, so chown to that same user succeeds; elsewhere (tests as root) it sets it.
 */
async function own(target: string, mode: number, settings: SyncSettings): Promise<void> {
  try {
    await fs.chown(target, settings.uid, settings.gid);
  } catch (error) {
    const stat = await fs.stat(target);
    if (stat.uid !== settings.uid || stat.gid !== settings.gid) {
      throw error;
    }
  }
  await fs.chmod(target, mode);
}

/** Creates the directories from `root` (exclusive) down to `dir`, each owned by the dashboard user. */
async function ensureDirectory(root: string, dir: string, settings: SyncSettings): Promise<void> {
  const missing: string[] = [];
  for (let current = dir; current.length >= root.length; current = path.dirname(current)) {
    try {
      await fs.access(current);
      break;
    } catch {
      missing.unshift(current);
    }
    if (current === root) {
      break;
    }
  }
  for (const directory of missing) {
    try {
      await fs.mkdir(directory, { mode: settings.dirMode });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") {
        throw error;
      }
    }
    await own(directory, settings.dirMode, settings);
  }
}

/**
 * The temporary file's name: short and fixed in length (27 bytes), whatever the target's name.
 * A target may use all 255 bytes a name can have (multi-byte characters included), so the
 * temporary name must never be derived from it. The leading dot hides it from the dashboard's
 * listings; 16 random hex digits (and the exclusive create) keep concurrent writers apart.
 */
export function temporaryName(): string {
  return `.sync-${randomBytes(8).toString("hex")}.tmp`;
}

/**
 * Streams `body` to `target` without staging it elsewhere: into a temporary name in the same
 * directory, then renamed over the target, so a reader never sees half a file and a retry simply
 * writes it again.
 */
export async function writeAtomically(
  body: Readable,
  target: string,
  settings: SyncSettings,
): Promise<number> {
  const dir = path.dirname(target);
  await ensureDirectory(settings.mountPath, dir, settings);
  const temporary = path.join(dir, temporaryName());
  let bytes = 0;
  const out = createWriteStream(temporary, { flags: "wx", mode: settings.fileMode });
  try {
    await pipeline(body, out);
    bytes = out.bytesWritten;
    await own(temporary, settings.fileMode, settings);
    await fs.rename(temporary, target);
  } catch (error) {
    // A source that fails at once can reject the pipeline before the write stream has even opened
    // (and so created) the temporary file: wait for it to close, then remove what it left.
    // (`events.once` would reject on the stream's own copy of the error, so listen for close only.)
    if (!out.closed) await new Promise<void>((resolve) => out.once("close", () => resolve()));
    await fs.rm(temporary, { force: true });
    throw error;
  }
  return bytes;
}

/** Removes the file of a deleted object; a file already gone is fine (retries, out-of-order events). */
export async function removeFile(target: string): Promise<boolean> {
  try {
    await fs.unlink(target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      return false;
    }
    throw error;
  }
}
