/**
 * One measured run for the dashboard-sync bench, in its own process so its peak RSS is its own:
 * `handler` syncs the object through the real handler; `copy` is the plain stream copy of the
 * same object from the same server that the handler is compared with.
 * Prints one JSON line: { seconds, maxRssMiB, bytes }.
 */
import { createWriteStream, mkdtempSync, promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

import { syncEvent } from "../../packages/bi-dashboard/src/sync/handler";
import { settingsFromEnv } from "../../packages/bi-dashboard/src/sync/settings";

async function main(): Promise<void> {
  const [mode, endpoint, bucket, key] = process.argv.slice(2) as [string, string, string, string];
  const s3 = new S3Client({
    endpoint,
    forcePathStyle: true,
    region: "us-east-1",
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
  });
  const root = mkdtempSync(path.join(tmpdir(), "bench-efs-"));
  const started = process.hrtime.bigint();
  let bytes = 0;
  if (mode === "handler") {
    const settings = settingsFromEnv({
      EFS_MOUNT_PATH: root,
      OWNER_UID: String(process.getuid?.() ?? 0),
      OWNER_GID: String(process.getgid?.() ?? 0),
      BUCKET_NAME: bucket,
    });
    await syncEvent(
      {
        Records: [
          {
            eventName: "ObjectCreated:Put",
            s3: { bucket: { name: bucket }, object: { key } },
          },
        ],
      } as never,
      { s3, settings, log: () => undefined },
    );
    bytes = (await fs.stat(path.join(root, ...key.replace("excel-data/", "excel/").split("/")))).size;
  } else {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const out = createWriteStream(path.join(root, "copy"));
    await pipeline(response.Body as Readable, out);
    bytes = out.bytesWritten;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await fs.rm(root, { recursive: true, force: true });
  s3.destroy();
  const maxRssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(JSON.stringify({ seconds, maxRssMiB, bytes }));
}

void main();
