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

/** What a client needs of its SigV4 signer (`SignatureV4` of `@smithy/signature-v4` fits): signing one request. */
export interface RequestSigner {
  sign(request: {
    method: string;
    protocol: string;
    hostname: string;
    port?: number;
    path: string;
    query?: Record<string, string>;
    headers: Record<string, string>;
    body?: string;
  }): Promise<{ headers: Record<string, string> }>;
}

/** The options every signed client takes (their defaults are the client's). */
export interface SignedClientOptions {
  /** The endpoint; by default the service's regional endpoint. */
  endpoint?: URL;
  /** Attempts per request for throttling and 5xx answers. @default 4 */
  maxAttempts?: number;
  /** Delay before retry n (1-based), ms. @default 200 × 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  timeoutMs?: number;
}

/** One request of a signed client, relative to its endpoint. */
export interface SignedRequest {
  method: string;
  /** Appended to the endpoint's path; by default the endpoint's path itself. */
  path?: string;
  query?: Record<string, string>;
  /** Sent with `contentType` and its length. */
  body?: string;
  contentType?: string;
  /** Further headers to sign and send (`x-amz-target`). */
  headers?: Record<string, string>;
}

/** How a client reads a failed answer: the error to throw, and whether another attempt may succeed. */
export type FailureReader = (status: number, text: string) => { error: Error; retryable: boolean };

/** Percent-encoding as SigV4 canonicalises query values (RFC 3986: also `!'()*`). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * What the handlers' small AWS API clients share: the endpoint, SigV4 signing, sending with a
 * timeout and retrying the answers the client calls retryable with a growing delay. Each client
 * keeps only its protocol (body encoding, error parsing, pagination).
 */
export class SignedClient<S extends RequestSigner = RequestSigner> {
  readonly endpoint: URL;
  protected readonly maxAttempts: number;
  protected readonly retryDelayMs: (attempt: number) => number;
  protected readonly timeoutMs: number;

  /** `what` names the service in timeout errors; `defaults` are the client's endpoint and timeout. */
  constructor(
    protected readonly signer: S,
    private readonly what: string,
    defaults: { endpoint: URL; timeoutMs: number },
    options: SignedClientOptions = {},
  ) {
    this.endpoint = options.endpoint ?? defaults.endpoint;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? ((n) => 200 * 2 ** (n - 1));
    this.timeoutMs = options.timeoutMs ?? defaults.timeoutMs;
  }

  /** The `host` header: the endpoint's host name, with its port when it has one. */
  protected host(): string {
    return this.endpoint.port ? `${this.endpoint.hostname}:${this.endpoint.port}` : this.endpoint.hostname;
  }

  /** Sends `request` until it succeeds (returns the answer's text) or `failure` says not to try again (throws its error). */
  protected async request(request: SignedRequest, failure: FailureReader): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      const { status, text } = await this.send(request);
      if (status >= 200 && status < 300) {
        return text;
      }
      const { error, retryable } = failure(status, text);
      if (attempt >= this.maxAttempts || !retryable) {
        throw error;
      }
      await new Promise((r) => setTimeout(r, this.retryDelayMs(attempt)));
    }
  }

  /** Signs and sends `request` once. */
  protected async send(request: SignedRequest): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { host: this.host() };
    if (request.body !== undefined) {
      if (request.contentType !== undefined) {
        headers["content-type"] = request.contentType;
      }
      headers["content-length"] = String(Buffer.byteLength(request.body));
    }
    Object.assign(headers, request.headers);
    const path =
      request.path === undefined
        ? this.endpoint.pathname
        : `${this.endpoint.pathname.replace(/\/$/, "")}${request.path}`;
    const signed = await this.signer.sign({
      method: request.method,
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path,
      ...(request.query === undefined ? {} : { query: request.query }),
      headers,
      body: request.body,
    });
    const search = Object.entries(request.query ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
      .join("&");
    return sendRequest(this.endpoint, {
      method: request.method,
      path: `${path}${search ? `?${search}` : ""}`,
      headers: signed.headers,
      body: request.body,
      timeoutMs: this.timeoutMs,
      what: this.what,
    });
  }
}
