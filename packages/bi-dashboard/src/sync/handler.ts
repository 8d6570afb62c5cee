/**
 * The S3 → EFS sync function of the BI dashboard: every object created in (or removed from) the
 * dashboard's resources bucket is written to (or removed from) the matching folder of the EFS file
 * system the dashboard instances mount. Replaces the reference deployment's Python function.
 *
 * Each event only says WHICH key to look at: the function then reads the key's latest object and
 * makes the file match it (written if it exists, removed if not), so late, retried, reordered and
 * old-version events all converge on the bucket's current state.
 */
import type { GetObjectCommandOutput } from "@aws-sdk/client-s3";
import { GetObjectCommand, S3Client, S3ServiceException } from "@aws-sdk/client-s3";
import type { S3Event, S3EventRecord } from "aws-lambda";
import type { Readable } from "node:stream";

import { removeFile, writeAtomically } from "./efs";
import { decodeEventKey, resolveKey } from "./keys";
import type { SyncSettings } from "./settings";
import { settingsFromEnv } from "./settings";

export type LogLevel = "info" | "warn" | "error";
export type Logger = (level: LogLevel, message: string, fields: Record<string, unknown>) => void;

/** One JSON line per event, so CloudWatch Logs Insights can filter on the fields. */
export const jsonLogger: Logger = (level, message, fields) => {
  console.log(JSON.stringify({ level, message, ...fields }));
};

export interface SyncDependencies {
  s3: Pick<S3Client, "send">;
  settings: SyncSettings;
  log?: Logger;
}

/**
 * What a record did to the file system. Every created or removed event reconciles the key's file
 * with the bucket's CURRENT state (its latest version), never with the version the event names:
 * events arrive late, retried and out of order, and deleting an old version says nothing about the
 * live object.
 * - `written`: a created event; the current object was written.
 * - `rewritten`: a removed event, but the key still has a current object (an older version was
 *   deleted, or the object was uploaded again since): its file was rewritten with that content.
 * - `removed`: the key has no current object (deleted, or a delete marker); its file was removed.
 *   A created event can end so too, when it arrives after the object's deletion.
 * - `already-removed`: the key has no current object and had no file.
 * - `conflict`: a file and a folder would share a name (logged, not retried).
 * - `ignored` / `rejected`: nothing touched.
 */
export type RecordOutcome =
  "written" | "rewritten" | "removed" | "already-removed" | "ignored" | "rejected" | "conflict";

/**
 * S3 lets `a` and `a/b` both be objects; a file system cannot hold a file and a folder of one
 * name. Retrying cannot fix that, so it is logged, not thrown.
 */
function isNameConflict(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "EISDIR" || code === "ENOTDIR" || code === "EEXIST";
}

/**
 * The key has no current object (never was, deleted, or a delete marker is its latest version).
 * S3 says so with 404 only to a caller that may list the bucket (the role has `s3:ListBucket`);
 * otherwise it answers 403, which is thrown like any other failure, never taken for "gone".
 */
function isMissingObject(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" || error.$metadata?.httpStatusCode === 404)
  );
}

/** Syncs one event record. Throws only for failures worth a retry (S3 or EFS errors). */
export async function syncRecord(record: S3EventRecord, deps: SyncDependencies): Promise<RecordOutcome> {
  const log = deps.log ?? jsonLogger;
  const bucket = record.s3?.bucket?.name;
  const rawKey = record.s3?.object?.key ?? "";
  const eventVersionId = record.s3?.object?.versionId;
  const fields = {
    bucket,
    key: rawKey,
    event: record.eventName,
    ...(eventVersionId ? { eventVersionId } : {}),
  };
  if (bucket !== deps.settings.bucket) {
    log("warn", "rejected: event from another bucket", {
      ...fields,
      reason: `expected ${deps.settings.bucket}`,
    });
    return "rejected";
  }
  let key: string;
  try {
    key = decodeEventKey(rawKey);
  } catch {
    log("warn", "rejected: the key is not valid URL encoding", {
      ...fields,
      reason: "malformed percent-encoding",
    });
    return "rejected";
  }
  const target = resolveKey(key, deps.settings);
  if (target.kind === "placeholder") {
    log("info", "ignored: folder placeholder", fields);
    return "ignored";
  }
  if (target.kind === "reject") {
    log("warn", "rejected", { ...fields, reason: target.reason });
    return "rejected";
  }
  const removedEvent = record.eventName.startsWith("ObjectRemoved");
  if (!removedEvent && !record.eventName.startsWith("ObjectCreated")) {
    log("info", "ignored: not a created or removed event", fields);
    return "ignored";
  }
  const at = { ...fields, path: target.absolutePath };

  // The key's latest object (no VersionId): the state to reconcile to, whatever the event says.
  let response: GetObjectCommandOutput;
  try {
    response = await deps.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (!isMissingObject(error)) {
      throw error;
    }
    return removeStale(target.absolutePath, removedEvent, at, log);
  }
  const body = response.Body as Readable;
  // The connection can fail before the body is piped; the pipeline then reports that error.
  body.once("error", () => undefined);
  const current = {
    ...(response.VersionId ? { currentVersionId: response.VersionId } : {}),
    ...(response.ETag ? { etag: response.ETag } : {}),
  };
  try {
    const bytes = await writeAtomically(body, target.absolutePath, deps.settings);
    if (removedEvent) {
      log(
        "info",
        "rewritten: the object still exists (an older version was deleted, or it was uploaded again); " +
          "its file now holds the current content",
        { ...at, ...current, bytes },
      );
      return "rewritten";
    }
    log("info", "written", { ...at, ...current, bytes });
    return "written";
  } catch (error) {
    if (isNameConflict(error)) {
      body.destroy();
      log("warn", "rejected: a file and a folder would share a name", {
        ...at,
        reason: (error as Error).message,
      });
      return "conflict";
    }
    throw error;
  }
}

/** The key has no current object: its file goes too (a created event may be older than the delete). */
async function removeStale(
  target: string,
  removedEvent: boolean,
  fields: Record<string, unknown>,
  log: Logger,
): Promise<RecordOutcome> {
  let removed: boolean;
  try {
    removed = await removeFile(target);
  } catch (error) {
    if (!isNameConflict(error) && (error as NodeJS.ErrnoException).code !== "EPERM") {
      throw error;
    }
    log("warn", "rejected: the path is a folder, not a file", fields);
    return "conflict";
  }
  if (removedEvent) {
    log("info", removed ? "removed" : "already removed", fields);
  } else {
    log(
      "warn",
      removed
        ? "removed: the object no longer exists (this created event is older than its deletion)"
        : "skipped: the object no longer exists (this created event is older than its deletion)",
      fields,
    );
  }
  return removed ? "removed" : "already-removed";
}

/** Syncs every record of an event, in order; the first retryable failure fails the invocation. */
export async function syncEvent(event: S3Event, deps: SyncDependencies): Promise<RecordOutcome[]> {
  const outcomes: RecordOutcome[] = [];
  for (const record of event.Records ?? []) {
    outcomes.push(await syncRecord(record, deps));
  }
  return outcomes;
}

let defaults: SyncDependencies | undefined;

/** The Lambda entry point (`index.handler`). */
export async function handler(event: S3Event): Promise<void> {
  defaults ??= {
    settings: settingsFromEnv(process.env),
    s3: new S3Client({
      // Only tests set these, to reach an S3 server on loopback.
      ...(process.env["S3_ENDPOINT"] ? { endpoint: process.env["S3_ENDPOINT"] } : {}),
      forcePathStyle: process.env["S3_FORCE_PATH_STYLE"] === "true",
    }),
  };
  await syncEvent(event, defaults);
}
