import { strict as assert } from "node:assert";
import type * as http from "node:http";

import { AwsTestServer, verifySigV4 } from "./aws-test-server";

export { CREDENTIALS } from "./aws-test-server";

/** A snapshot as the fake RDS keeps it. */
export interface FakeSnapshot {
  identifier: string;
  arn: string;
  instance: string;
  type: "manual" | "awsbackup" | "shared" | "automated";
  status: string;
  created: string;
  kmsKeyId?: string;
  sharedWith?: string[];
}

/** One request the fake received: the action, its parameters and whether its signature held. */
export interface FakeCall {
  action: string;
  params: Record<string, string>;
}

const xmlEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * A local HTTP server speaking the RDS query API for one region: SigV4 checked against the test
 * credentials (the signature is recomputed), DescribeDBSnapshots paged two at a time with Marker,
 * DescribeDBSnapshotAttributes, ModifyDBSnapshotAttribute, CopyDBSnapshot, DeleteDBSnapshot, RDS
 * XML errors, and injected throttling.
 */
export class FakeRds extends AwsTestServer {
  readonly snapshots = new Map<string, FakeSnapshot>();
  readonly calls: FakeCall[] = [];
  /** Answer the next N requests with HTTP 400 Throttling. */
  throttle = 0;
  /** Answer this action with this error code, once. */
  failNext?: { action: string; code: string; status: number };
  constructor(
    readonly region: string,
    readonly account: string,
  ) {
    super("text/xml");
  }

  add(snapshot: Omit<FakeSnapshot, "arn"> & { arn?: string }): void {
    this.snapshots.set(snapshot.identifier, {
      arn: `arn:aws:rds:${this.region}:${this.account}:snapshot:${snapshot.identifier}`,
      ...snapshot,
    });
  }

  private error(status: number, code: string, message: string): [number, string] {
    return [
      status,
      `<ErrorResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
    ];
  }

  protected async handle(req: http.IncomingMessage, body: string): Promise<[number, string]> {
    const params = Object.fromEntries(new URLSearchParams(body));
    const action = params["Action"] ?? "";
    this.calls.push({ action, params });
    const problem = await verifySigV4(req, body, this.region, "rds");
    if (problem !== undefined) {
      return this.error(403, "SignatureDoesNotMatch", problem);
    }
    if (params["Version"] !== "2014-10-31") {
      return this.error(400, "InvalidParameterValue", "Version");
    }
    if (this.throttle > 0) {
      this.throttle--;
      return this.error(400, "Throttling", "Rate exceeded");
    }
    if (this.failNext?.action === action) {
      const { code, status } = this.failNext;
      this.failNext = undefined;
      return this.error(status, code, "injected");
    }
    const wrap = (inner: string) =>
      `<${action}Response xmlns="http://rds.amazonaws.com/doc/2014-10-31/"><${action}Result>${inner}</${action}Result></${action}Response>`;
    const snapshotXml = (s: FakeSnapshot) =>
      `<DBSnapshot><DBSnapshotIdentifier>${xmlEscape(s.type === "shared" ? s.arn : s.identifier)}</DBSnapshotIdentifier><DBSnapshotArn>${s.arn}</DBSnapshotArn><DBInstanceIdentifier>${s.instance}</DBInstanceIdentifier><Status>${s.status}</Status><SnapshotType>${s.type}</SnapshotType><SnapshotCreateTime>${s.created}</SnapshotCreateTime>${s.kmsKeyId ? `<KmsKeyId>${s.kmsKeyId}</KmsKeyId>` : ""}</DBSnapshot>`;
    switch (action) {
      case "DescribeDBSnapshots": {
        let list = [...this.snapshots.values()];
        if (params["DBSnapshotIdentifier"]) {
          list = list.filter((s) => s.identifier === params["DBSnapshotIdentifier"]);
          if (list.length === 0) {
            return this.error(404, "DBSnapshotNotFound", `${params["DBSnapshotIdentifier"]} not found`);
          }
        }
        if (params["DBInstanceIdentifier"]) {
          list = list.filter((s) => s.instance === params["DBInstanceIdentifier"]);
        }
        if (params["SnapshotType"]) {
          list = list.filter((s) => s.type === params["SnapshotType"]);
          if (params["SnapshotType"] === "shared") {
            assert.equal(params["IncludeShared"], "true");
          }
        } else {
          list = list.filter((s) => s.type !== "shared");
        }
        const start = Number(params["Marker"] ?? 0);
        const page = list.slice(start, start + 2);
        const marker = start + 2 < list.length ? `<Marker>${start + 2}</Marker>` : "";
        return [200, wrap(`<DBSnapshots>${page.map(snapshotXml).join("")}</DBSnapshots>${marker}`)];
      }
      case "DescribeDBSnapshotAttributes": {
        const s = this.snapshots.get(params["DBSnapshotIdentifier"] ?? "");
        if (!s) {
          return this.error(404, "DBSnapshotNotFound", "not found");
        }
        const values = (s.sharedWith ?? []).map((v) => `<AttributeValue>${v}</AttributeValue>`).join("");
        return [
          200,
          wrap(
            `<DBSnapshotAttributesResult><DBSnapshotIdentifier>${s.identifier}</DBSnapshotIdentifier><DBSnapshotAttributes><DBSnapshotAttribute><AttributeName>restore</AttributeName><AttributeValues>${values}</AttributeValues></DBSnapshotAttribute></DBSnapshotAttributes></DBSnapshotAttributesResult>`,
          ),
        ];
      }
      case "ModifyDBSnapshotAttribute": {
        const s = this.snapshots.get(params["DBSnapshotIdentifier"] ?? "");
        if (!s) {
          return this.error(404, "DBSnapshotNotFound", "not found");
        }
        assert.equal(params["AttributeName"], "restore");
        s.sharedWith = [...new Set([...(s.sharedWith ?? []), params["ValuesToAdd.AttributeValue.1"]!])];
        return [200, wrap("")];
      }
      case "CopyDBSnapshot": {
        const target = params["TargetDBSnapshotIdentifier"]!;
        if (this.snapshots.has(target)) {
          return this.error(400, "DBSnapshotAlreadyExists", `${target} exists`);
        }
        // A copy keeps the instance of its source (a cross-region source is not in this region).
        const sourceId = params["SourceDBSnapshotIdentifier"] ?? "";
        this.add({
          identifier: target,
          instance: this.snapshots.get(sourceId)?.instance ?? sourceId.split(":").pop() ?? "",
          type: "manual",
          status: "creating",
          created: new Date().toISOString(),
          kmsKeyId: params["KmsKeyId"],
        });
        return [200, wrap(snapshotXml(this.snapshots.get(target)!))];
      }
      case "DeleteDBSnapshot": {
        const id = params["DBSnapshotIdentifier"]!;
        if (!this.snapshots.delete(id)) {
          return this.error(404, "DBSnapshotNotFound", `${id} not found`);
        }
        return [200, wrap("")];
      }
      default:
        return this.error(400, "InvalidAction", action);
    }
  }
}
