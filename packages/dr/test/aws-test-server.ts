import * as http from "node:http";
import type { AddressInfo } from "node:net";

import { SignatureV4 } from "@smithy/signature-v4";
import { Sha256 } from "@tdp/core/lambda-runtime";

/** The credentials the handlers sign with in the tests, and the fake servers check against. */
export const CREDENTIALS = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "secret-example",
  sessionToken: "token",
};

/**
 * Why a request's SigV4 signature (for `service` in `region`, the test credentials) fails;
 * undefined when it holds. The signature is recomputed from the request's path, query, signed
 * headers and body.
 */
export async function verifySigV4(
  req: http.IncomingMessage,
  body: string,
  region: string,
  service: string,
): Promise<string | undefined> {
  const authorization = String(req.headers["authorization"] ?? "");
  const date = String(req.headers["x-amz-date"] ?? "");
  const scope = `AKIDEXAMPLE/${date.slice(0, 8)}/${region}/${service}/aws4_request`;
  if (!authorization.startsWith(`AWS4-HMAC-SHA256 Credential=${scope}`)) {
    return `credential scope is not ${scope}: ${authorization}`;
  }
  if (req.headers["x-amz-security-token"] !== CREDENTIALS.sessionToken) {
    return "no session token";
  }
  const signer = new SignatureV4({ service, region, credentials: CREDENTIALS, sha256: Sha256 });
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(";") ?? [];
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    if (!["authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"].includes(name)) {
      headers[name] = String(req.headers[name] ?? "");
    }
  }
  const [hostname, port] = String(req.headers["host"]).split(":");
  const url = new URL(req.url ?? "/", "http://localhost");
  const expected = await signer.sign(
    {
      method: req.method ?? "GET",
      protocol: "http:",
      hostname: hostname!,
      port: Number(port),
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: body.length > 0 ? body : undefined,
    },
    {
      signingDate: new Date(
        `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`,
      ),
    },
  );
  return expected.headers["authorization"] === authorization ? undefined : "signature does not match";
}

/**
 * A local HTTP server on loopback for one fake AWS API: reads each request's whole body, answers
 * with what the fake's {@link handle} returns, in `contentType`.
 */
export abstract class AwsTestServer {
  private server?: http.Server;
  url = "";

  constructor(private readonly contentType: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void this.handle(req, Buffer.concat(chunks).toString("utf8")).then(([status, body]) => {
          res.writeHead(status, { "content-type": this.contentType });
          res.end(body);
        });
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, "127.0.0.1", r));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => this.server?.close(() => r()));
  }

  /** The status and body of the answer to `req` with its `body`. */
  protected abstract handle(req: http.IncomingMessage, body: string): Promise<[number, string]>;
}
