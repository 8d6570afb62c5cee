import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "@tdp/core/lambda-runtime";
import { Sha256, sendRequest } from "@tdp/core/lambda-runtime";

export type { Credentials } from "@tdp/core/lambda-runtime";
export { Sha256, credentialsFromEnvironment } from "@tdp/core/lambda-runtime";

export interface DomainResponse {
  status: number;
  body: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

/** A non-2xx answer of the domain that the caller did not expect. */
export class DomainRequestError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} failed with HTTP ${status}: ${body.slice(0, 2000)}`);
    this.name = "DomainRequestError";
  }
}

/** Signs every request with SigV4 for service `es` and sends it to the domain's endpoint. */
export class DomainClient {
  private readonly signer: SignatureV4;

  constructor(
    private readonly endpoint: URL,
    region: string,
    credentials: Credentials,
    private readonly timeoutMs = 60_000,
  ) {
    this.signer = new SignatureV4({ service: "es", region, credentials, sha256: Sha256 });
  }

  /**
   * Sends `method path` with an optional JSON body. Answers `accept` admits (default: 2xx only)
   * are returned; any other throws a {@link DomainRequestError} with the status and the body.
   */
  async request(
    method: "GET" | "PUT" | "POST" | "DELETE",
    path: string,
    body?: unknown,
    accept: (status: number, body: string) => boolean = (s) => s >= 200 && s < 300,
  ): Promise<DomainResponse> {
    const [pathname, search = ""] = path.split("?", 2) as [string, string?];
    const query: Record<string, string> = {};
    for (const [k, v] of new URLSearchParams(search)) {
      query[k] = v;
    }
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const host = this.endpoint.port
      ? `${this.endpoint.hostname}:${this.endpoint.port}`
      : this.endpoint.hostname;
    const headers: Record<string, string> = { host };
    if (payload !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    const signed = await this.signer.sign({
      method,
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path: pathname,
      query,
      headers,
      body: payload,
    });
    const response = await this.send(method, path, signed.headers as Record<string, string>, payload);
    if (!accept(response.status, response.body)) {
      throw new DomainRequestError(method, path, response.status, response.body);
    }
    return response;
  }

  private async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    payload: string | undefined,
  ): Promise<DomainResponse> {
    const { status, text } = await sendRequest(this.endpoint, {
      method,
      path,
      headers,
      ...(payload === undefined ? {} : { body: payload }),
      timeoutMs: this.timeoutMs,
      what: `${method} ${path}`,
    });
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status, body: text, json };
  }
}
