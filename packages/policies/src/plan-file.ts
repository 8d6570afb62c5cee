import { readFileSync } from "node:fs";

import { z } from "zod";

/**
 * A plan file as `pnpm plan` writes it (DESIGN.md "The offline plan"). Read leniently enough for
 * hand-edited files (optional fields default), strictly enough that a broken one is reported by
 * path instead of producing a silent pass.
 */
const resourceSchema = z.object({
  urn: z.string().regex(/^urn:pulumi:[^:]+::[^:]+::/, { message: "must be a Pulumi URN" }),
  type: z.string().min(1),
  name: z.string().min(1),
  parent: z.string().nullable().optional(),
  custom: z.boolean().default(true),
  protect: z.boolean().default(false),
  retainOnDelete: z.boolean().default(false),
  provider: z.string().nullable().optional(),
  dependencies: z.array(z.string()).default([]),
  inputs: z.record(z.string(), z.unknown()).default({}),
  /** Set on reads of existing resources (`Resource.get`): the stack does not manage them. */
  read: z.string().optional(),
});

const planSchema = z.object({
  project: z.string().optional(),
  stack: z.string().optional(),
  resources: z.array(resourceSchema),
  outputs: z.record(z.string(), z.unknown()).optional(),
});

export type PlanResource = z.output<typeof resourceSchema>;
export type PlanFile = z.output<typeof planSchema>;

export class PlanFileError extends Error {}

export function parsePlan(text: string, source: string): PlanFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PlanFileError(`${source}: not JSON (${(err as Error).message})`);
  }
  const result = planSchema.safeParse(json);
  if (!result.success) {
    const problems = result.error.issues.map(
      (i) => `${source}: ${i.path.join(".") || "(root)"}: ${i.message}`,
    );
    throw new PlanFileError(problems.join("\n"));
  }
  return result.data;
}

export function readPlan(file: string): PlanFile {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new PlanFileError(`${file}: cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return parsePlan(text, file);
}
