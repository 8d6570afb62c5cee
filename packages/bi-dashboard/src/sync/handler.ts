/**
 * The S3 → EFS sync function of the BI dashboard: every object created in (or removed from) the
 * dashboard's resources bucket is written to (or removed from) the matching folder of the EFS file
 * system the dashboard instances mount. Replaces the reference deployment's Python function.
 */
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

export type RecordOutcome =
  "written" | "removed" | "already-removed" | "ignored" | "rejected" | "missing" | "conflict";

/**
 * S3 lets `a` and `a/b` both be objects; a file system cannot hold a file and a folder of one
 * name. Retrying cannot fix that, so it is logged, not thrown.
 */
function isNameConflict(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === "EISDIR" || code === "ENOTDIR" || code === "EEXIST";
}

function isMissingObject(error: unknown): boolean {
  return (
    error instanceof S3ServiceException &&
    (error.name === "NoSuchKey" || error.name === "NoSuchVersion" || error.$metadata?.httpStatusCode === 404)
  );
}

/** Syncs one event record. Throws only for failures worth a retry (S3 or EFS errors). */
export async function syncRecord(record: S3EventRecord, deps: SyncDependencies): Promise<RecordOutcome> {
  const log = deps.log ?? jsonLogger;
  const bucket = record.s3?.bucket?.name;
  const rawKey = record.s3?.object?.key ?? "";
  const fields = { bucket, key: rawKey, event: record.eventName };
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
  if (record.eventName.startsWith("ObjectRemoved")) {
    let removed: boolean;
    try {
      removed = await removeFile(target.absolutePath);
    } catch (error) {
      if (!isNameConflict(error) && (error as NodeJS.ErrnoException).code !== "EPERM") {
        throw error;
      }
      log("warn", "rejected: the path is a folder, not a file", { ...fields, path: target.absolutePath });
      return "conflict";
    }
    log("info", removed ? "removed" : "already removed", { ...fields, path: target.absolutePath });
    return removed ? "removed" : "already-removed";
  }
  if (!record.eventName.startsWith("ObjectCreated")) {
    log("info", "ignored: not a created or removed event", fields);
    return "ignored";
  }
  const versionId = record.s3.object.versionId;
  let body: Readable;
  try {
    const response = await deps.s3.send(
      new GetObjectCommand({ Bucket: bucket, Key: key, ...(versionId ? { VersionId: versionId } : {}) }),
    );
    body = response.Body as Readable;
    // The connection can fail before the body is piped; the pipeline then reports that error.
    body.once("error", () => undefined);
  } catch (error) {
    if (isMissingObject(error)) {
      log("warn", "skipped: the object no longer exists", fields);
      return "missing";
    }
    throw error;
  }
  try {
    const bytes = await writeAtomically(body, target.absolutePath, deps.settings);
    log("info", "written", { ...fields, path: target.absolutePath, bytes });
    return "written";
  } catch (error) {
    if (isNameConflict(error)) {
      body.destroy();
      log("warn", "rejected: a file and a folder would share a name", {
        ...fields,
        path: target.absolutePath,
        reason: (error as Error).message,
      });
      return "conflict";
    }
    throw error;
  }
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
