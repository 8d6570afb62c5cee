import * as path from "node:path";

import type { SyncSettings } from "./settings";

/** Where an object key lands on EFS, or why it does not. */
export type KeyTarget =
  | { kind: "file"; folder: string; relativePath: string; absolutePath: string; folderPath: string }
  | { kind: "placeholder" }
  | { kind: "reject"; reason: string };

/** Keys in S3 event notifications are URL-encoded, with `+` for a space. */
export function decodeEventKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, " "));
}

const NAME_MAX_BYTES = 255;

/**
 * Maps a decoded object key to its file under the mount, accepting only `<prefix>/<path>` for the
 * configured prefixes and refusing anything that could leave its folder.
 */
export function resolveKey(key: string, settings: SyncSettings): KeyTarget {
  if (key.endsWith("/")) {
    return { kind: "placeholder" };
  }
  const slash = key.indexOf("/");
  const prefix = slash === -1 ? key : key.slice(0, slash);
  const folder = settings.folders.get(prefix);
  if (folder === undefined) {
    return {
      kind: "reject",
      reason: `top-level folder "${prefix}" is not one of ${[...settings.folders.keys()].join(", ")}`,
    };
  }
  const rest = slash === -1 ? "" : key.slice(slash + 1);
  if (rest === "") {
    return { kind: "reject", reason: "the key names a folder, not a file" };
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
  if (/[\u0000-\u001f\u007f\\]/.test(rest)) {
    return { kind: "reject", reason: "the key contains a control character or a backslash" };
  }
  const segments = rest.split("/");
  for (const segment of segments) {
    if (segment === "" || segment === "." || segment === "..") {
      return {
        kind: "reject",
        reason: `the key has an empty, "." or ".." path segment and could leave its folder`,
      };
    }
    if (Buffer.byteLength(segment, "utf8") > NAME_MAX_BYTES) {
      return { kind: "reject", reason: `a path segment is longer than ${NAME_MAX_BYTES} bytes` };
    }
  }
  const folderPath = path.join(settings.mountPath, folder);
  const absolutePath = path.join(folderPath, ...segments);
  const relative = path.relative(folderPath, absolutePath);
  // Only a leading `..` SEGMENT leaves the folder: a name such as `..notes.txt` stays inside it.
  if (relative === "" || relative.split(path.sep)[0] === ".." || path.isAbsolute(relative)) {
    return { kind: "reject", reason: "the key resolves outside its folder" };
  }
  return { kind: "file", folder, relativePath: relative, absolutePath, folderPath };
}
