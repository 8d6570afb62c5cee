import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "@tdp/core/lambda-runtime";
import { Sha256, sendRequest } from "@tdp/core/lambda-runtime";

/** An error answer of the AWS Backup API: its type (`ThrottlingException`, `InvalidParameterValueException`) and message. */
export class BackupError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(`AWS Backup ${operation} failed with HTTP ${status} ${code}: ${detail}`);
    this.name = "BackupError";
  }
}

/** Error types worth another attempt besides any 5xx (AWS Backup's throttling answers are HTTP 400 or 429). */
const RETRYABLE_CODES = new Set([
  "ThrottlingException",
  "TooManyRequestsException",
  "LimitExceededException",
]);

/** A recovery point as ListRecoveryPointsByBackupVault returns it (the fields the relay reads). */
export interface RecoveryPoint {
  RecoveryPointArn: string;
  Status?: string;
  ResourceType?: string;
  CreationDate?: number;
}

/** A copy job as ListCopyJobs returns it (the fields the relay reads). */
export interface CopyJob {
  CopyJobId?: string;
  SourceRecoveryPointArn?: string;
  DestinationBackupVaultArn?: string;
  State?: string;
}

/** StartCopyJob's body (AWS Backup API reference, StartCopyJob). */
export interface StartCopyJobInput {
  RecoveryPointArn: string;
  SourceBackupVaultName: string;
  DestinationBackupVaultArn: string;
  IamRoleArn: string;
  IdempotencyToken?: string;
  Lifecycle?: { DeleteAfterDays?: number };
}

export interface BackupClientOptions {
  /** The endpoint; by default `https://backup.<region>.amazonaws.com`. */
  endpoint?: URL;
  /** Attempts per request for throttling and 5xx answers. @default 4 */
  maxAttempts?: number;
  /** Delay before retry n (1-based), ms. @default 200 × 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  timeoutMs?: number;
}

/** Percent-encoding as SigV4 canonicalises query values (RFC 3986: also `!'()*`). */
function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** The error type of a REST-JSON answer: the `x-amzn-errortype` header is not read, the body's `__type`/`code` are. */
function errorCode(text: string, status: number): { code: string; message: string } {
  try {
    const body = JSON.parse(text) as {
      __type?: string;
      code?: string;
      Code?: string;
      message?: string;
      Message?: string;
    };
    const type = body.__type ?? body.code ?? body.Code ?? `HTTP${status}`;
    // `__type` may carry a namespace (`com.amazonaws.backup#ThrottlingException`).
    return { code: type.slice(type.lastIndexOf("#") + 1), message: body.message ?? body.Message ?? "" };
  } catch {
    return { code: `HTTP${status}`, message: text.slice(0, 500) };
  }
}

/**
 * A small client of the AWS Backup REST-JSON API (service `backup`, API 2018-11-15): requests
 * signed with SigV4, JSON bodies, retries on throttling and server errors, `nextToken`
 * pagination. Only the three operations the copy relay needs.
 */
export class BackupClient {
  private readonly signer: SignatureV4;
  readonly endpoint: URL;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly timeoutMs: number;

  constructor(
    readonly region: string,
    credentials: Credentials,
    options: BackupClientOptions = {},
  ) {
    this.endpoint = options.endpoint ?? new URL(`https://backup.${region}.amazonaws.com/`);
    this.signer = new SignatureV4({ service: "backup", region, credentials, sha256: Sha256 });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? ((n) => 200 * 2 ** (n - 1));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** One operation: `method` on `path` with `query` and a JSON `body`; returns the parsed answer or throws a {@link BackupError}. */
  async call(
    operation: string,
    method: string,
    path: string,
    query: Record<string, string> = {},
    body?: unknown,
  ): Promise<Record<string, unknown>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      const { status, text } = await this.send(method, path, query, payload);
      if (status >= 200 && status < 300) {
        return text.length === 0 ? {} : (JSON.parse(text) as Record<string, unknown>);
      }
      const { code, message } = errorCode(text, status);
      const error = new BackupError(operation, status, code, message);
      if (attempt >= this.maxAttempts || !(status >= 500 || status === 429 || RETRYABLE_CODES.has(code))) {
        throw error;
      }
      await new Promise((r) => setTimeout(r, this.retryDelayMs(attempt)));
    }
  }

  /** Every page of a list operation: `query` plus `nextToken` until the answer has none. */
  private async listAll<T>(
    operation: string,
    path: string,
    query: Record<string, string>,
    field: string,
  ): Promise<T[]> {
    const items: T[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(operation, "GET", path, {
        ...query,
        ...(token ? { nextToken: token } : {}),
      });
      items.push(...((page[field] as T[] | undefined) ?? []));
      token = typeof page["NextToken"] === "string" && page["NextToken"] ? page["NextToken"] : undefined;
    } while (token);
    return items;
  }

  /** ListRecoveryPointsByBackupVault: GET /backup-vaults/{name}/recovery-points/, every page. */
  listRecoveryPoints(vaultName: string, query: Record<string, string> = {}): Promise<RecoveryPoint[]> {
    return this.listAll(
      "ListRecoveryPointsByBackupVault",
      `/backup-vaults/${encodeURIComponent(vaultName)}/recovery-points/`,
      query,
      "RecoveryPoints",
    );
  }

  /** ListCopyJobs: GET /copy-jobs/ with its `By…` filters as query parameters, every page. */
  listCopyJobs(query: Record<string, string>): Promise<CopyJob[]> {
    return this.listAll("ListCopyJobs", "/copy-jobs/", query, "CopyJobs");
  }

  /** StartCopyJob: PUT /copy-jobs; returns the job's id. */
  async startCopyJob(input: StartCopyJobInput): Promise<string> {
    const answer = await this.call("StartCopyJob", "PUT", "/copy-jobs", {}, input);
    return String(answer["CopyJobId"] ?? "");
  }

  private host(): string {
    return this.endpoint.port ? `${this.endpoint.hostname}:${this.endpoint.port}` : this.endpoint.hostname;
  }

  private async send(
    method: string,
    path: string,
    query: Record<string, string>,
    body: string | undefined,
  ): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { host: this.host() };
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      headers["content-length"] = String(Buffer.byteLength(body));
    }
    const base = this.endpoint.pathname.replace(/\/$/, "");
    const signed = await this.signer.sign({
      method,
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path: `${base}${path}`,
      query,
      headers,
      body,
    });
    const search = Object.entries(query)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
      .join("&");
    return sendRequest(this.endpoint, {
      method,
      path: `${base}${path}${search ? `?${search}` : ""}`,
      headers: signed.headers as Record<string, string>,
      body,
      timeoutMs: this.timeoutMs,
      what: "AWS Backup",
    });
  }
}
