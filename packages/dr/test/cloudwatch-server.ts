import * as http from "node:http";
import type { AddressInfo } from "node:net";

import { verifySigV4 } from "./rds-server";

/** One PutMetricData the fake received: its parameters. */
export type MetricCall = Record<string, string>;

/**
 * A local HTTP server speaking CloudWatch's query API for PutMetricData in one region: SigV4 for
 * `monitoring` checked against the test credentials, the API version checked, XML errors, and
 * injected throttling or refusal.
 */
export class FakeCloudWatch {
  readonly calls: MetricCall[] = [];
  /** Answer the next N requests with HTTP 400 Throttling. */
  throttle = 0;
  /** Answer every request with HTTP 403 AccessDenied (a role without cloudwatch:PutMetricData). */
  deny = false;
  private server?: http.Server;
  url = "";

  constructor(readonly region: string) {}

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        void this.answer(req, Buffer.concat(chunks).toString("utf8")).then(([status, body]) => {
          res.writeHead(status, { "content-type": "text/xml" });
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

  private error(status: number, code: string, message: string): [number, string] {
    return [
      status,
      `<ErrorResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    ];
  }

  private async answer(req: http.IncomingMessage, body: string): Promise<[number, string]> {
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
