import { createHash } from "node:crypto";
import { mkdtempSync, promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import S3rver from "s3rver";

import type { SyncSettings } from "../src/sync/settings";
import { DEFAULT_FOLDERS, settingsFromEnv } from "../src/sync/settings";

export const BUCKET = "dashboard-resources";

/** An S3-protocol server on loopback, with the dashboard's bucket, and a client for it. */
export interface LocalS3 {
  client: S3Client;
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalS3(): Promise<LocalS3> {
  const directory = mkdtempSync(path.join(tmpdir(), "s3rver-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
  holdLongNames(server);
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await server.close();
      await fs.rm(directory, { recursive: true, force: true });
    },
  };
}

/**
 * s3rver keeps an object in a file named `<last key segment>._S3rver_object`, so it cannot hold a
 * key whose last segment is near the 255-byte name limit, as S3 (and EFS) can. Only its on-disk
 * layout changes here: such a segment is stored under its SHA-256 instead (same for every file of
 * the object), and the protocol, the SDK and the streams stay real. (Its listings would show the
 * hash; the tests do not list.)
 */
function holdLongNames(server: S3rver): void {
  const store = (server as unknown as { store: { getResourcePath(...args: unknown[]): string } }).store;
  const original = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket: unknown, key: unknown, resource: unknown) => {
    if (typeof key === "string" && key !== "") {
      const parts = key.split("/");
      const last = parts.pop()!;
      if (Buffer.byteLength(last, "utf8") > 200) {
        key = [...parts, `#sha256-${createHash("sha256").update(last).digest("hex")}`].join("/");
      }
    }
    return original(bucket, key, resource);
  };
}

export async function putObject(s3: LocalS3, key: string, body: string | Buffer): Promise<void> {
  await s3.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
}

export async function deleteObject(s3: LocalS3, key: string): Promise<void> {
  await s3.client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: key }));
}

/**
 * The resources bucket is versioned; s3rver keeps no versions (it ignores `versionId`). This keeps
 * a copy of every version the test uploads under `versions/<id>/<key>` of the same server, and its
 * `client` answers a GetObject that names a VersionId from that copy (a real response of the
 * server, stream and errors included), everything else as it is. So a handler that reads the
 * version an event names, rather than the key's current object, is caught.
 */
export class VersionedBucket {
  private count = 0;
  constructor(private readonly s3: LocalS3) {}

  /** Uploads a new current version of `key`; returns its version id. */
  async put(key: string, body: string): Promise<string> {
    const versionId = `v${++this.count}`;
    await putObject(this.s3, key, body);
    await putObject(this.s3, VersionedBucket.versionKey(versionId, key), body);
    return versionId;
  }

  /** A delete without a version id: S3 puts a delete marker on top; older versions stay readable. */
  async deleteCurrent(key: string): Promise<void> {
    await deleteObject(this.s3, key);
  }

  /** Permanently deletes one older (non-current) version; the current object stays. */
  async deleteVersion(key: string, versionId: string): Promise<void> {
    await deleteObject(this.s3, VersionedBucket.versionKey(versionId, key));
  }

  readonly client: Pick<S3Client, "send"> = {
    send: ((command: unknown) => {
      if (command instanceof GetObjectCommand && command.input.VersionId) {
        const { Bucket, Key, VersionId } = command.input;
        return this.s3.client.send(
          new GetObjectCommand({ Bucket, Key: VersionedBucket.versionKey(VersionId, Key!) }),
        );
      }
      return this.s3.client.send(command as never);
    }) as S3Client["send"],
  };

  private static versionKey(versionId: string, key: string): string {
    return `versions/${versionId}/${key}`;
  }
}

/** The owner the tests expect: the dashboard user when running as root, else ourselves. */
export const OWNER =
  process.getuid?.() === 0
    ? { uid: 1000, gid: 1000 }
    : { uid: process.getuid?.() ?? 0, gid: process.getgid?.() ?? 0 };

/** A temporary directory standing in for the EFS mount, and the settings that point at it. */
export function efsMount(): { root: string; settings: SyncSettings } {
  const root = mkdtempSync(path.join(tmpdir(), "efs-"));
  const settings = settingsFromEnv({
    EFS_MOUNT_PATH: root,
    ALLOWED_FOLDERS: DEFAULT_FOLDERS,
    OWNER_UID: String(OWNER.uid),
    OWNER_GID: String(OWNER.gid),
    FILE_MODE: "0640",
    DIR_MODE: "0750",
    BUCKET_NAME: BUCKET,
  });
  return { root, settings };
}

/** Keys in S3 notifications are URL-encoded with `+` for spaces. */
export function encodeEventKey(key: string): string {
  return encodeURIComponent(key).replace(/%20/g, "+").replace(/%2F/g, "/");
}

export function s3Event(
  eventName: "ObjectCreated:Put" | "ObjectRemoved:Delete" | "ObjectRemoved:DeleteMarkerCreated",
  key: string,
  bucket: string = BUCKET,
  versionId?: string,
): S3Event {
  return {
    Records: [
      {
        eventVersion: "2.1",
        eventSource: "aws:s3",
        awsRegion: "us-east-1",
        eventTime: "2026-11-23T00:00:00.000Z",
        eventName,
        userIdentity: { principalId: "AWS:offline" },
        requestParameters: { sourceIPAddress: "127.0.0.1" },
        responseElements: { "x-amz-request-id": "0", "x-amz-id-2": "0" },
        s3: {
          s3SchemaVersion: "1.0",
          configurationId: "sync",
          bucket: { name: bucket, ownerIdentity: { principalId: "offline" }, arn: `arn:aws:s3:::${bucket}` },
          object: {
            key: encodeEventKey(key),
            size: 0,
            eTag: "0",
            sequencer: "0",
            ...(versionId ? { versionId } : {}),
          },
        },
      },
    ],
  };
}

/** Every file under `root`, as paths relative to it. */
export async function listFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else out.push(path.relative(root, full));
    }
  };
  await walk(root);
  return out.sort();
}
