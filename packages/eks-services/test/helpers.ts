import * as assert from "node:assert/strict";

import type { offline } from "@tdp/offline";

export type Recording = Awaited<ReturnType<typeof offline.record>>;
export type Resource = Recording["resources"][number];
export type Statement = Record<string, unknown>;

/** The resource registered as `name`; fails listing what was registered. */
export function named(rec: Recording, name: string): Resource {
  const found = rec.named(name);
  assert.ok(found, `expected a resource named ${name}; have ${rec.resources.map((r) => r.name).join(", ")}`);
  return found;
}

export function inputs(r: Resource): Record<string, unknown> {
  return r.inputs as Record<string, unknown>;
}

/** The statements of a JSON policy document input. */
export function statements(json: unknown): Statement[] {
  return (JSON.parse(json as string) as { Statement: Statement[] }).Statement;
}
