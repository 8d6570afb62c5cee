import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "@tdp/core/lambda-runtime";
import { Sha256, sendRequest } from "@tdp/core/lambda-runtime";

import { xmlText } from "./client";

/** The CloudWatch query API version the functions speak. */
export const CLOUDWATCH_API_VERSION = "2010-08-01";

export interface MetricsClientOptions {
  /** The endpoint; by default `https://monitoring.<region>.amazonaws.com`. */
  endpoint?: URL;
  /** Attempts per request for throttling and 5xx answers. @default 4 */
  maxAttempts?: number;
  /** Delay before retry n (1-based), ms. @default 200 × 2^(n-1) */
  retryDelayMs?: (attempt: number) => number;
  timeoutMs?: number;
}

/** Error codes worth another attempt. */
const RETRYABLE_CODES = new Set([
  "Throttling",
  "ThrottlingException",
  "InternalServiceError",
  "ServiceUnavailable",
]);

/**
 * One call of the CloudWatch query API, PutMetricData: a form-encoded POST signed with SigV4 for
 * service `monitoring`, retried on throttling and server errors.
 */
export class MetricsClient {
  private readonly signer: SignatureV4;
  readonly endpoint: URL;
  private readonly maxAttempts: number;
  private readonly retryDelayMs: (attempt: number) => number;
  private readonly timeoutMs: number;

  constructor(
    readonly region: string,
    credentials: Credentials,
    options: MetricsClientOptions = {},
  ) {
    this.endpoint = options.endpoint ?? new URL(`https://monitoring.${region}.amazonaws.com/`);
    this.signer = new SignatureV4({ service: "monitoring", region, credentials, sha256: Sha256 });
    this.maxAttempts = options.maxAttempts ?? 4;
    this.retryDelayMs = options.retryDelayMs ?? ((n) => 200 * 2 ** (n - 1));
    this.timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Publishes one data point of `metric` (unit None) with `dimensions`. */
  async putMetric(
    namespace: string,
    metric: string,
    value: number,
    dimensions: Record<string, string>,
  ): Promise<void> {
    const params: Record<string, string> = {
      Action: "PutMetricData",
      Version: CLOUDWATCH_API_VERSION,
      Namespace: namespace,
      "MetricData.member.1.MetricName": metric,
      "MetricData.member.1.Value": String(value),
      "MetricData.member.1.Unit": "None",
    };
    Object.entries(dimensions).forEach(([name, dimension], i) => {
      params[`MetricData.member.1.Dimensions.member.${i + 1}.Name`] = name;
      params[`MetricData.member.1.Dimensions.member.${i + 1}.Value`] = dimension;
    });
    const body = new URLSearchParams(params).toString();
    for (let attempt = 1; ; attempt++) {
      const { status, text } = await this.send(body);
      if (status >= 200 && status < 300) {
        return;
      }
      const code = xmlText(text, "Code") ?? `HTTP${status}`;
      if (attempt >= this.maxAttempts || !(status >= 500 || RETRYABLE_CODES.has(code))) {
        throw new Error(
          `CloudWatch PutMetricData failed with HTTP ${status} ${code}: ${xmlText(text, "Message") ?? text.slice(0, 500)}`,
        );
      }
      await new Promise((r) => setTimeout(r, this.retryDelayMs(attempt)));
    }
  }

  private async send(body: string): Promise<{ status: number; text: string }> {
    const host = this.endpoint.port
      ? `${this.endpoint.hostname}:${this.endpoint.port}`
      : this.endpoint.hostname;
    const signed = await this.signer.sign({
      method: "POST",
      protocol: this.endpoint.protocol,
      hostname: this.endpoint.hostname,
      port: this.endpoint.port ? Number(this.endpoint.port) : undefined,
      path: this.endpoint.pathname,
      headers: {
        host,
        "content-type": "application/x-www-form-urlencoded; charset=utf-8",
        "content-length": String(Buffer.byteLength(body)),
      },
      body,
    });
    return sendRequest(this.endpoint, {
      method: "POST",
      path: this.endpoint.pathname,
      headers: signed.headers as Record<string, string>,
      body,
      timeoutMs: this.timeoutMs,
      what: "CloudWatch",
    });
  }
}
