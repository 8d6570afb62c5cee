import type * as http from "node:http";

import { AwsTestServer, verifySigV4 } from "./aws-test-server";

/** A recovery point as the fake keeps it. */
export interface FakeRecoveryPoint {
  arn: string;
  status: string;
  /** CreationDate, epoch seconds (the REST-JSON API's timestamps). @default none */
  created?: number;
}

/** A copy job as the fake keeps it. */
export interface FakeCopyJob {
  id: string;
  source: string;
  destination: string;
  state: string;
  role: string;
  token?: string;
  deleteAfterDays?: number;
}

/** One request the fake received. */
export interface FakeBackupCall {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: Record<string, unknown>;
}

/**
 * A local HTTP server speaking the AWS Backup REST-JSON API for one region: SigV4 checked against
 * the test credentials (the signature is recomputed), ListRecoveryPointsByBackupVault of one vault
 * and ListCopyJobs paged two at a time with `nextToken`, StartCopyJob with its idempotency token,
 * JSON errors with `__type`, and injected throttling and server errors.
 */
export class FakeBackup extends AwsTestServer {
  readonly points: FakeRecoveryPoint[] = [];
  readonly jobs: FakeCopyJob[] = [];
  readonly calls: FakeBackupCall[] = [];
  /** Answer the next N requests with HTTP 400 ThrottlingException. */
  throttle = 0;
  /** Answer the next N requests with HTTP 503 ServiceUnavailableException. */
  unavailable = 0;
  /** Answer this operation's path with this error, once. */
  failNext?: { method: string; status: number; type: string };
  constructor(
    readonly region: string,
    readonly vaultName: string,
  ) {
    super("application/json");
  }

  private page<T>(items: T[], query: Record<string, string>, field: string): Record<string, unknown> {
    const start = Number(query["nextToken"] ?? 0);
    const next = start + 2 < items.length ? { NextToken: String(start + 2) } : {};
    return { [field]: items.slice(start, start + 2), ...next };
  }

  protected async handle(req: http.IncomingMessage, text: string): Promise<[number, string]> {
    const [status, body] = await this.answer(req, text);
    return [status, JSON.stringify(body)];
  }

  private async answer(req: http.IncomingMessage, text: string): Promise<[number, Record<string, unknown>]> {
    const url = new URL(req.url ?? "/", "http://localhost");
    const query = Object.fromEntries(url.searchParams);
    const body = text.length > 0 ? (JSON.parse(text) as Record<string, unknown>) : undefined;
    const method = req.method ?? "GET";
    this.calls.push({ method, path: url.pathname, query, ...(body ? { body } : {}) });
    const problem = await verifySigV4(req, text, this.region, "backup");
    if (problem !== undefined) {
      return [403, { __type: "InvalidSignatureException", message: problem }];
    }
    if (this.throttle > 0) {
      this.throttle--;
      return [400, { __type: "ThrottlingException", message: "Rate exceeded" }];
    }
    if (this.unavailable > 0) {
      this.unavailable--;
      return [503, { __type: "ServiceUnavailableException", message: "try later" }];
    }
    if (this.failNext?.method === method) {
      const { status, type } = this.failNext;
      this.failNext = undefined;
      return [status, { __type: `com.amazonaws.backup#${type}`, message: "injected" }];
    }
    const points = `/backup-vaults/${this.vaultName}/recovery-points/`;
    if (
      method === "GET" &&
      url.pathname.startsWith("/backup-vaults/") &&
      url.pathname.endsWith("/recovery-points/")
    ) {
      if (url.pathname !== points) {
        return [404, { __type: "ResourceNotFoundException", message: `no vault at ${url.pathname}` }];
      }
      const list = this.points.map((p) => ({
        RecoveryPointArn: p.arn,
        Status: p.status,
        ResourceType: "RDS",
        ...(p.created === undefined ? {} : { CreationDate: p.created }),
      }));
      return [200, this.page(list, query, "RecoveryPoints")];
    }
    if (method === "GET" && url.pathname === "/copy-jobs/") {
      const list = this.jobs
        .filter((j) => !query["sourceRecoveryPointArn"] || j.source === query["sourceRecoveryPointArn"])
        .filter((j) => !query["destinationVaultArn"] || j.destination === query["destinationVaultArn"])
        .map((j) => ({
          CopyJobId: j.id,
          SourceRecoveryPointArn: j.source,
          DestinationBackupVaultArn: j.destination,
          State: j.state,
        }));
      return [200, this.page(list, query, "CopyJobs")];
    }
    if (method === "PUT" && url.pathname === "/copy-jobs") {
      const input = body ?? {};
      for (const field of [
        "RecoveryPointArn",
        "SourceBackupVaultName",
        "DestinationBackupVaultArn",
        "IamRoleArn",
      ]) {
        if (typeof input[field] !== "string") {
          return [400, { __type: "MissingParameterValueException", message: `${field} is required` }];
        }
      }
      if (input["SourceBackupVaultName"] !== this.vaultName) {
        return [400, { __type: "InvalidParameterValueException", message: "unknown source vault" }];
      }
      // A repeated token is a repeated request: success, no new job (StartCopyJob's IdempotencyToken).
      const token = input["IdempotencyToken"] as string | undefined;
      const earlier = token === undefined ? undefined : this.jobs.find((j) => j.token === token);
      if (earlier !== undefined) {
        return [200, { CopyJobId: earlier.id, IsParent: false }];
      }
      const job: FakeCopyJob = {
        id: `copy-${this.jobs.length + 1}`,
        source: input["RecoveryPointArn"] as string,
        destination: input["DestinationBackupVaultArn"] as string,
        role: input["IamRoleArn"] as string,
        state: "CREATED",
        token,
        deleteAfterDays: (input["Lifecycle"] as { DeleteAfterDays?: number } | undefined)?.DeleteAfterDays,
      };
      this.jobs.push(job);
      return [200, { CopyJobId: job.id, CreationDate: 1765000000, IsParent: false }];
    }
    return [404, { __type: "UnknownOperationException", message: `${method} ${url.pathname}` }];
  }
}
