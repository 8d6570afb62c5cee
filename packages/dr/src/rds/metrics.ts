import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials, SignedClientOptions } from "@tdp/core/lambda-runtime";
import { Sha256, SignedClient } from "@tdp/core/lambda-runtime";

import { xmlText } from "./client";

/** The CloudWatch query API version the functions speak. */
export const CLOUDWATCH_API_VERSION = "2010-08-01";

/** The endpoint (by default `https://monitoring.<region>.amazonaws.com`), attempts, retry delay and timeout (default 10 s). */
export type MetricsClientOptions = SignedClientOptions;

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
export class MetricsClient extends SignedClient {
  constructor(
    readonly region: string,
    credentials: Credentials,
    options: MetricsClientOptions = {},
  ) {
    super(
      new SignatureV4({ service: "monitoring", region, credentials, sha256: Sha256 }),
      "CloudWatch",
      { endpoint: new URL(`https://monitoring.${region}.amazonaws.com/`), timeoutMs: 10_000 },
      options,
    );
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
    await this.request(
      { method: "POST", body, contentType: "application/x-www-form-urlencoded; charset=utf-8" },
      (status, text) => {
        const code = xmlText(text, "Code") ?? `HTTP${status}`;
        return {
          error: new Error(
            `CloudWatch PutMetricData failed with HTTP ${status} ${code}: ${xmlText(text, "Message") ?? text.slice(0, 500)}`,
          ),
          retryable: status >= 500 || RETRYABLE_CODES.has(code),
        };
      },
    );
  }
}
