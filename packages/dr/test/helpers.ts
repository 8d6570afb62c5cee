import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";
import type { Recording } from "@tdp/offline";

export const drNaming = new Naming({ infrastructureName: "acme-tdp", environment: "dr" });
export const primaryNaming = new Naming({ infrastructureName: "acme-tdp" });
export const PRIMARY = "111111111111";
export const DR = "222222222222";
export const ROLE_ARN = "arn:aws:iam::111111111111:role/acme-tdp-production-dr-replication";

/** A parsed policy statement. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/** The statement `sid` of a resource's JSON policy input. */
export function statement(rec: Recording, name: string, sid: string, field = "policy"): Statement {
  const resource = rec.named(name);
  assert.ok(resource, `no resource named ${name}`);
  const value = resource.inputs[field];
  assert.equal(typeof value, "string", `${name}.${field} is not a JSON string`);
  const found = (JSON.parse(value as string) as { Statement: Statement[] }).Statement.find(
    (s) => s.Sid === sid,
  );
  assert.ok(found, `${name} has no statement ${sid}`);
  return found;
}

/** The Sids of a resource's JSON policy input. */
export function sids(rec: Recording, name: string, field = "policy"): string[] {
  const resource = rec.named(name);
  assert.ok(resource, `no resource named ${name}`);
  const value = resource.inputs[field] as string;
  return (JSON.parse(value) as { Statement: Statement[] }).Statement.map((s) => s.Sid ?? "");
}
