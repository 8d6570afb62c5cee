import { strict as assert } from "node:assert";

import { Naming } from "@tdp/core";

export const naming = new Naming({ infrastructureName: "acme-tdp" });
export const REGION = "us-east-1";
export const ACCOUNT = "111111111111";
export const KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000001";
export const BACKUP_KEY_ARN = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000002";

/** The parts of a recorded registration the tests read. */
export interface Registered {
  type: string;
  name: string;
  urn: string;
  parent?: string | null;
  protect?: boolean;
  retainOnDelete?: boolean;
  dependencies?: string[];
  inputs: Record<string, unknown>;
}

export interface RecordingLike {
  resources: readonly Registered[];
}

export function byName(rec: RecordingLike, name: string): Registered {
  const found = rec.resources.find((r) => r.name === name);
  assert.ok(found, `no resource named ${name}; have ${rec.resources.map((r) => r.name).join(", ")}`);
  return found;
}

export function ofType(rec: RecordingLike, type: string): Registered[] {
  return rec.resources.filter((r) => r.type === type);
}

/** A policy input as a parsed document. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Principal?: unknown;
  Action?: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function policyOf(resource: Registered, field = "policy"): { Statement: Statement[] } {
  const value = resource.inputs[field];
  assert.equal(typeof value, "string", `${resource.name}.${field} is not a JSON string`);
  return JSON.parse(value as string) as { Statement: Statement[] };
}

export function statement(resource: Registered, sid: string, field = "policy"): Statement {
  const found = policyOf(resource, field).Statement.find((s) => s.Sid === sid);
  assert.ok(found, `${resource.name} has no statement ${sid}`);
  return found;
}
