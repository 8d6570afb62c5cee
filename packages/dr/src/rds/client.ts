import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials, SignedClientOptions } from "@tdp/core/lambda-runtime";
import { Sha256, SignedClient } from "@tdp/core/lambda-runtime";

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

/** The endpoint (by default `https://rds.<region>.amazonaws.com`), attempts, retry delay and timeout (default 30 s). */
export type RdsClientOptions = SignedClientOptions;

/**
 * A small client of the RDS query API: form-encoded POSTs signed with SigV4 for service `rds`,
 * XML answers, retries on throttling and server errors, `Marker` pagination.
 */
export class RdsClient extends SignedClient<SignatureV4> {
  constructor(
    readonly region: string,
    credentials: Credentials,
    options: RdsClientOptions = {},
  ) {
    super(
      new SignatureV4({ service: "rds", region, credentials, sha256: Sha256 }),
      "RDS",
      { endpoint: new URL(`https://rds.${region}.amazonaws.com/`), timeoutMs: 30_000 },
      options,
    );
  }

  /** Calls `action` with `params`; returns the XML body, or throws an {@link RdsError}. */
  call(action: string, params: Record<string, string> = {}): Promise<string> {
    const body = new URLSearchParams({ Action: action, Version: RDS_API_VERSION, ...params }).toString();
    return this.request(
      { method: "POST", body, contentType: "application/x-www-form-urlencoded; charset=utf-8" },
      (status, text) => {
        const code = xmlText(text, "Code") ?? `HTTP${status}`;
        return {
          error: new RdsError(action, status, code, xmlText(text, "Message") ?? text.slice(0, 500)),
          retryable: status >= 500 || RETRYABLE_CODES.has(code),
        };
      },
    );
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
}
