/**
 * What the Lambda functions of every package share to call AWS APIs without the AWS SDK: the
 * SHA-256 implementation the request signer takes, the function's credentials and the request
 * itself. Its own entry point (`@tdp/core/lambda-runtime`), with nothing but Node's modules, so a bundled handler takes
 * only this file and not the rest of the package.
 */
import { createHash, createHmac } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";

/** SHA-256 (and HMAC-SHA-256 with a secret) for the signer, from node:crypto. */
export class Sha256 {
  private hash: ReturnType<typeof createHash> | ReturnType<typeof createHmac>;
  constructor(private readonly secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash = this.fresh();
  }
  private fresh() {
    if (this.secret === undefined) {
      return createHash("sha256");
    }
    const key =
      typeof this.secret === "string"
        ? this.secret
        : ArrayBuffer.isView(this.secret)
          ? Buffer.from(this.secret.buffer, this.secret.byteOffset, this.secret.byteLength)
          : Buffer.from(this.secret);
    return createHmac("sha256", key);
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    if (typeof data === "string") {
      this.hash.update(data, "utf8");
    } else if (ArrayBuffer.isView(data)) {
      this.hash.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    } else {
      this.hash.update(Buffer.from(data));
    }
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }
  reset(): void {
    this.hash = this.fresh();
  }
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** The function's credentials: Lambda puts its role's session in the environment. */
export function credentialsFromEnvironment(env: NodeJS.ProcessEnv = process.env): Credentials {
  const accessKeyId = env["AWS_ACCESS_KEY_ID"];
  const secretAccessKey = env["AWS_SECRET_ACCESS_KEY"];
  if (!accessKeyId || !secretAccessKey) {
    throw new Error("no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)");
  }
  return { accessKeyId, secretAccessKey, sessionToken: env["AWS_SESSION_TOKEN"] || undefined };
}

/** One HTTP request of a function to an AWS endpoint. */
export interface HttpRequest {
  method: string;
  /** The path and query. */
  path: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
  /** Names the request in the timeout error: `<what>: no answer within <timeoutMs> ms`. */
  what: string;
}

/** Sends a (signed) request to `endpoint` over HTTPS, or HTTP for a local server, and reads the whole answer. */
export function sendRequest(endpoint: URL, request: HttpRequest): Promise<{ status: number; text: string }> {
  const transport = endpoint.protocol === "https:" ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(
      {
        method: request.method,
        hostname: endpoint.hostname,
        port: endpoint.port || undefined,
        path: request.path,
        headers: request.headers,
        timeout: request.timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new Error(`${request.what}: no answer within ${request.timeoutMs} ms`)),
    );
    req.on("error", reject);
    if (request.body !== undefined) {
      req.write(request.body);
    }
    req.end();
  });
}
