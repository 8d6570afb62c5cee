import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, promises as fs } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";

import { CreateBucketCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver from "s3rver";

import { REPO_ROOT } from "./commands";
import type { BenchEntry, BenchFigure } from "./types";
import { median } from "./types";

const OBJECT_BYTES = 1024 ** 3;
const BUCKET = "bench-resources";
const KEY = "excel-data/bench/one-gibibyte.bin";
const CHILD = path.join(__dirname, "dashboard-sync-child.ts");

let server: S3rver | undefined;
let directory = "";
let endpoint = "";
let runCount = 0;

interface ChildResult {
  seconds: number;
  maxRssMiB: number;
  bytes: number;
}

/**
 * Runs one measurement in a child process. Asynchronously: the S3 server lives in this process,
 * and a blocking spawn would stop it from answering the child.
 */
async function runChild(mode: "handler" | "copy"): Promise<ChildResult> {
  const child = spawn(
    process.execPath,
    [
      "--require",
      path.join(REPO_ROOT, "scripts", "register-typescript.cjs"),
      CHILD,
      mode,
      endpoint,
      BUCKET,
      KEY,
    ],
    {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  if (code !== 0) {
    throw new Error(`the ${mode} run failed: ${stderr}`);
  }
  const line = stdout.trim().split("\n").pop() ?? "";
  const parsed = JSON.parse(line) as ChildResult;
  if (parsed.bytes !== OBJECT_BYTES) {
    throw new Error(`the ${mode} run wrote ${parsed.bytes} bytes, not ${OBJECT_BYTES}`);
  }
  return parsed;
}

/**
 * A 1 GiB object synced through the handler from a local S3 server: its time as a ratio to a
 * plain stream copy of the same object from the same server, and the handler process's peak RSS.
 */
export const dashboardSync: BenchEntry = {
  name: "dashboard sync of a 1 GiB object (handler time / plain copy time)",
  target: "≤ 1.2×, peak RSS < 200 MiB",
  limit: 1.2,
  runs: 3,
  async setup() {
    directory = mkdtempSync(path.join(tmpdir(), "bench-s3-"));
    server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory });
    const { port } = await server.run();
    endpoint = `http://127.0.0.1:${port}`;
    const client = new S3Client({
      endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
      // A streamed body would otherwise go up aws-chunked with a checksum trailer, which s3rver
      // stores verbatim inside the object.
      requestChecksumCalculation: "WHEN_REQUIRED",
    });
    await client.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < OBJECT_BYTES / chunk.length; i++) yield chunk;
      })(),
    );
    await client.send(
      new PutObjectCommand({ Bucket: BUCKET, Key: KEY, Body: body, ContentLength: OBJECT_BYTES }),
    );
    client.destroy();
    // One unmeasured copy: the first read of the object from disk must not count against either side.
    await runChild("copy");
  },
  async teardown() {
    await server?.close();
    await fs.rm(directory, { recursive: true, force: true });
  },
  async run(): Promise<BenchFigure> {
    // The two sides take turns going first, so neither always finds the warmer caches.
    const handlerFirst = runCount++ % 2 === 1;
    const handler = handlerFirst ? await runChild("handler") : undefined;
    const copy = await runChild("copy");
    const handlerRun = handler ?? (await runChild("handler"));
    return {
      value: handlerRun.seconds / copy.seconds,
      unit: "ratio",
      details: {
        handlerSeconds: handlerRun.seconds.toFixed(2),
        copySeconds: copy.seconds.toFixed(2),
        handlerPeakRssMiB: Math.round(handlerRun.maxRssMiB),
      },
    };
  },
  meets(figures) {
    const ratio = median(figures.map((f) => f.value));
    const rss = Math.max(...figures.map((f) => Number(f.details?.["handlerPeakRssMiB"] ?? Infinity)));
    return ratio <= 1.2 && rss < 200;
  },
};
