/**
 * Turns the wire form of a registration's inputs (a protobuf Struct as JavaScript) into plain
 * plan values: secrets become "[secret]", unknowns "[unknown]", resource references their URN, and
 * assets and archives a content hash (file assets and archives hash their files' content, never
 * their path), so a plan never holds a secret or a bundle's text and is the same on every checkout.
 */
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const OUTPUT_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const SECRET_PLACEHOLDER = "[secret]";
export const UNKNOWN_PLACEHOLDER = "[unknown]";

export type PlanValue = null | boolean | number | string | PlanValue[] | { [key: string]: PlanValue };

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

/**
 * The content of a file or folder as plain data (relative names and SHA-256 of each file), so a
 * file asset or archive hashes the same from whichever checkout the program runs.
 */
function pathContent(target: string): unknown {
  if (statSync(target).isDirectory()) {
    const files: Record<string, string> = {};
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name < b.name ? -1 : 1,
      )) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else files[path.relative(target, full).split(path.sep).join("/")] = fileHash(full);
      }
    };
    walk(target);
    return { files };
  }
  return { file: fileHash(target) };
}

function fileHash(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** An asset or archive record with file paths replaced by their content (nested archives too). */
function contentOf(record: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(record).sort()) {
    const value = record[key];
    if (key === "path" && typeof value === "string") {
      out["content"] = pathContent(value);
    } else if (key === "assets" && typeof value === "object" && value !== null) {
      out[key] = Object.fromEntries(
        Object.keys(value)
          .sort()
          .map((name) => [name, contentOf((value as Record<string, Record<string, unknown>>)[name] ?? {})]),
      );
    } else {
      out[key] = value;
    }
  }
  return out;
}

export function toPlanValue(value: unknown): PlanValue {
  if (value === null || value === undefined) {
    return null;
  }
  if (typeof value === "string") {
    return value === UNKNOWN ? UNKNOWN_PLACEHOLDER : value;
  }
  if (typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(toPlanValue);
  }
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    switch (record[SIG_KEY]) {
      case SECRET_SIG:
        return SECRET_PLACEHOLDER;
      case RESOURCE_SIG:
        return typeof record["urn"] === "string" ? record["urn"] : UNKNOWN_PLACEHOLDER;
      case OUTPUT_SIG:
        return record["secret"] === true
          ? SECRET_PLACEHOLDER
          : "value" in record
            ? toPlanValue(record["value"])
            : UNKNOWN_PLACEHOLDER;
      case ASSET_SIG:
        return { asset: digest(contentOf(record)) };
      case ARCHIVE_SIG:
        return { archive: digest(contentOf(record)) };
      default: {
        const out: Record<string, PlanValue> = {};
        for (const key of Object.keys(record).sort()) {
          out[key] = toPlanValue(record[key]);
        }
        return out;
      }
    }
  }
  return String(value);
}

/** True when a deserialised mock input is a secret wrapper. */
export function isSecretWrapper(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG
  );
}

/** Removes secret wrappers from deserialised mock inputs, keeping the values. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretWrapper(value)) {
    return unwrapSecrets(value.value);
  }
  if (Array.isArray(value)) {
    return value.map(unwrapSecrets);
  }
  if (typeof value === "object" && value !== null && !(SIG_KEY in value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
  }
  return value;
}
