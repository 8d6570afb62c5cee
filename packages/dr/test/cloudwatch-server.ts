import type * as http from "node:http";

import { AwsTestServer, verifySigV4 } from "./aws-test-server";

/** One PutMetricData the fake received: its parameters. */
export type MetricCall = Record<string, string>;

/**
 * A local HTTP server speaking CloudWatch's query API for PutMetricData in one region: SigV4 for
 * `monitoring` checked against the test credentials, the API version checked, XML errors, and
 * injected throttling or refusal.
 */
export class FakeCloudWatch extends AwsTestServer {
  readonly calls: MetricCall[] = [];
  /** Answer the next N requests with HTTP 400 Throttling. */
  throttle = 0;
  /** Answer every request with HTTP 403 AccessDenied (a role without cloudwatch:PutMetricData). */
  deny = false;
  constructor(readonly region: string) {
    super("text/xml");
  }

  private error(status: number, code: string, message: string): [number, string] {
    return [
      status,
      `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    ];
  }

  protected async handle(req: http.IncomingMessage, body: string): Promise<[number, string]> {
    const params = Object.fromEntries(new URLSearchParams(body));
    const problem = await verifySigV4(req, body, this.region, "monitoring");
    if (problem !== undefined) {
      return this.error(403, "SignatureDoesNotMatch", problem);
    }
    if (params["Action"] !== "PutMetricData" || params["Version"] !== "2010-08-01") {
      return this.error(400, "InvalidAction", `${params["Action"]} ${params["Version"]}`);
    }
    if (this.throttle > 0) {
      this.throttle--;
      return this.error(400, "Throttling", "Rate exceeded");
    }
    if (this.deny) {
      return this.error(403, "AccessDenied", "not authorized to perform: cloudwatch:PutMetricData");
    }
    this.calls.push(params);
    return [
      200,
      `<PutMetricDataResponse><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PutMetricDataResponse>`,
    ];
  }
}
