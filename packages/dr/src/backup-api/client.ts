import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials, SignedClientOptions } from "@tdp/core/lambda-runtime";
import { Sha256, SignedClient } from "@tdp/core/lambda-runtime";

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

/** The endpoint (by default `https://backup.<region>.amazonaws.com`), attempts, retry delay and timeout (default 30 s). */
export type BackupClientOptions = SignedClientOptions;

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
export class BackupClient extends SignedClient {
  constructor(
    readonly region: string,
    credentials: Credentials,
    options: BackupClientOptions = {},
  ) {
    super(
      new SignatureV4({ service: "backup", region, credentials, sha256: Sha256 }),
      "AWS Backup",
      { endpoint: new URL(`https://backup.${region}.amazonaws.com/`), timeoutMs: 30_000 },
      options,
    );
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
    const text = await this.request(
      { method, path, query, body: payload, contentType: "application/json" },
      (status, answer) => {
        const { code, message } = errorCode(answer, status);
        return {
          error: new BackupError(operation, status, code, message),
          retryable: status >= 500 || status === 429 || RETRYABLE_CODES.has(code),
        };
      },
    );
    return text.length === 0 ? {} : (JSON.parse(text) as Record<string, unknown>);
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
}
