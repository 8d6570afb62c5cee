import { evaluate, type Violation } from "../src/evaluate";
import type { PlanResource } from "../src/plan-file";
import type { TdpPolicy, TdpPolicyConfig } from "../src/types";

/** A plan resource for a fixture: `res("aws:s3/bucket:Bucket", "logs", { bucket: "logs" })`. */
export function res(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  options: { protect?: boolean; dependencies?: string[]; parent?: string; stack?: string } = {},
): PlanResource {
  return {
    urn: urnOf(type, name, options.stack),
    type,
    name,
    parent: options.parent ?? null,
    custom: true,
    protect: options.protect ?? false,
    retainOnDelete: options.protect ?? false,
    provider: null,
    dependencies: options.dependencies ?? [],
    inputs,
  };
}

export function urnOf(type: string, name: string, stack = "test"): string {
  return `urn:pulumi:${stack}::tdp::${type}::${name}`;
}

/** One fixture: the resources a policy sees (a whole stack for stack policies). */
export type Fixture = PlanResource[];

/** The passing and failing fixtures of one policy; `fails` lists what each failing fixture must report. */
export interface PolicyCase {
  policy: TdpPolicy;
  config?: TdpPolicyConfig;
  passes: Fixture[];
  fails: { fixture: Fixture; message: RegExp }[];
}

export async function findings(
  policy: TdpPolicy,
  fixture: Fixture,
  config: TdpPolicyConfig = {},
): Promise<Violation[]> {
  return evaluate(fixture, [policy], config, []);
}
