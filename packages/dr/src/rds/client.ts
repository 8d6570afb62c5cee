import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "@tdp/core/lambda-runtime";
import { Sha256, sendRequest } from "@tdp/core/lambda-runtime";

export type { Credentials } from "@tdp/core/lambda-runtime";
export { Sha256, credentialsFromEnvironment } from "@tdp/core/lambda-runtime";

/** The RDS query API version the functions speak. */
export const RDS_API_VERSION = "2014-10-31";

/** An error answer of the RDS API: its code (`DBSnapshotNotFound`, `Throttling`) and message. */
export class RdsError extends Error {
  constructor(
    readonly action: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`RDS ${action} failed with HTTP ${status} ${code}: ${detail}`);
    this.name = "RdsError";
  }
}

/** Error codes and statuses worth another attempt. */
const RETRYABLE_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "InternalFailure",
  "ServiceUnavailable",
]);

/** A DB snapshot as the functions read it from DescribeDBSnapshots. */
export interface DbSnapshot {
  identifier: string;
  arn: string;
  instanceIdentifier: string;
  status: string;
  snapshotType: string;
  createTime: Date | undefined;
  kmsKeyId: string | undefined;
}

/** The text of the first `<tag>` inside `xml`, XML entities decoded. */
export function xmlText(xml: string, tag: string): string | undefined {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match === null ? undefined : decodeXml(match[1]!);
}

/** Every `<tag>…</tag>` block inside `xml`. */
export function xmlBlocks(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, "g"))].map((m) => m[1]!);
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

function parseSnapshot(xml: string): DbSnapshot {
  const created = xmlText(xml, "SnapshotCreateTime");
  return {
    identifier: xmlText(xml, "DBSnapshotIdentifier") ?? "",
    arn: xmlText(xml, "DBSnapshotArn") ?? "",
    instanceIdentifier: xmlText(xml, "DBInstanceIdentifier") ?? "",
    status: xmlText(xml, "Status") ?? "",
    snapshotType: xmlText(xml, "SnapshotType") ?? "",
    createTime: created === undefined ? undefined : new Date(created),
    kmsKeyId: xmlText(xml, "KmsKeyId"),
  };
}

export interface RdsClientOptions {
  /** The endpoint; by default `https://rds.<region>.amazonaws.com`. */
  endpoint?: URL;
  /** Attempts per request for throttling and 5xx answers. @default 4 */
  maxAttempts?: number;
  /** Delay before retry n (1-based), ms. @default 200 × 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  timeoutMs?: number;
}

/**
 * A small client of the RDS query API: form-encoded POSTs signed with SigV4 for service `rds`,
 * XML answers, retries on throttling and server errors, `Marker` pagination.
 */
export class RdsClient {
  private readonly signer: SignatureV4;
  readonly endpoint: URL;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly timeoutMs: number;

  constructor(
    readonly region: string,
    credentials: Credentials,
    options: RdsClientOptions = {},
  ) {
    this.endpoint = options.endpoint ?? new URL(`https://rds.${region}.amazonaws.com/`);
    this.signer = new SignatureV4({ service: "rds", region, credentials, sha256: Sha256 });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? ((n) => 200 * 2 ** (n - 1));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Calls `action` with `params`; returns the XML body, or throws an {@link RdsError}. */
  async call(action: string, params: Record<string, string> = {}): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: RDS_API_VERSION, ...params }).toString();
    for (let attempt = 1; ; attempt++) {
      const { status, text } = await this.send(body);
      if (status >= 200 && status < 300) {
        return text;
      }
      const code = xmlText(text, "Code") ?? `HTTP${status}`;
      const error = new RdsError(action, status, code, xmlText(text, "Message") ?? text.slice(0, 500));
      if (attempt >= this.maxAttempts || !(status >= 500 || RETRYABLE_CODES.has(code))) {
        throw error;
      }
      await new Promise((r) => setTimeout(r, this.retryDelayMs(attempt)));
    }
  }

  /** DescribeDBSnapshots, every page. */
  async describeSnapshots(params: Record<string, string>): Promise<DbSnapshot[]> {
    const snapshots: DbSnapshot[] = [];
    let marker: string | undefined;
    do {
      const xml = await this.call("DescribeDBSnapshots", {
        ...params,
        ...(marker ? { Marker: marker } : {}),
      });
      snapshots.push(...xmlBlocks(xml, "DBSnapshot").map(parseSnapshot));
      marker = xmlText(xml.replace(/<DBSnapshots>[\s\S]*<\/DBSnapshots>/, ""), "Marker");
    } while (marker);
    return snapshots;
  }

  /** The snapshot named `identifier`, or undefined when RDS answers DBSnapshotNotFound. */
  async findSnapshot(identifier: string): Promise<DbSnapshot | undefined> {
    try {
      const [found] = await this.describeSnapshots({ DBSnapshotIdentifier: identifier });
      return found;
    } catch (error) {
      if (error instanceof RdsError && error.code === "DBSnapshotNotFound") {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * A presigned CopyDBSnapshot URL for the source region: a cross-region copy through the query
   * API needs it (the SDKs make it from SourceRegion).
   */
  async presignedCopyUrl(params: Record<string, string>, destinationRegion: string): Promise<string> {
    const query: Record<string, string> = {
      Action: "CopyDBSnapshot",
      Version: RDS_API_VERSION,
      ...params,
      DestinationRegion: destinationRegion,
    };
    const signed = await this.signer.presign(
      {
        method: "GET",
        protocol: this.endpoint.protocol,
        hostname: this.endpoint.hostname,
        port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
        path: this.endpoint.pathname,
        query,
        headers: { host: this.host() },
      },
      { expiresIn: 3600 },
    );
    const search = new URLSearchParams(signed.query as Record<string, string>).toString();
    return `${this.endpoint.protocol}//${this.host()}${this.endpoint.pathname}?${search}`;
  }

  private host(): string {
    return this.endpoint.port ? `${this.endpoint.hostname}:${this.endpoint.port}` : this.endpoint.hostname;
  }

  private async send(body: string): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = {
      host: this.host(),
      "content-type": "application/x-www-form-urlencoded; charset=utf-8",
      "content-length": String(Buffer.byteLength(body)),
    };
    const signed = await this.signer.sign({
      method: "POST",
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path: this.endpoint.pathname,
      headers,
      body,
    });
    return sendRequest(this.endpoint, {
      method: "POST",
      path: this.endpoint.pathname,
      headers: signed.headers as Record<string, string>,
      body,
      timeoutMs: this.timeoutMs,
      what: "RDS",
    });
  }
}
