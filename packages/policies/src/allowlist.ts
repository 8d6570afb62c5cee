import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";
import { z } from "zod";

/**
 * Accepted exceptions: one file (allowlist.yaml at the package root), each entry naming the policy,
 * the resources it covers and why. Nothing is waived silently: an allowed violation is still
 * listed by `pnpm policy`, marked allowed with its reason.
 */
const entrySchema = z.strictObject({
  /** The policy's name. */
  policy: z.string().min(1),
  /** A resource name or URN; `*` matches any run of characters. */
  resource: z.string().min(1),
  /** Only in these stacks (all when absent). */
  stacks: z.array(z.string()).optional(),
  /** Why the exception is accepted: the seed, the setting that asks for it, the compensating control. */
  reason: z.string().min(20, { message: "give the reason in a sentence (20 characters or more)" }),
});

const fileSchema = z.strictObject({ exceptions: z.array(entrySchema).default([]) });

export type AllowlistEntry = z.output<typeof entrySchema>;

/** allowlist.yaml at the package root, from the sources (src/) or the build (dist/). */
export const DEFAULT_ALLOWLIST =
  [join(__dirname, "..", "allowlist.yaml"), join(__dirname, "..", "..", "allowlist.yaml")].find((f) =>
    existsSync(f),
  ) ?? join(__dirname, "..", "allowlist.yaml");

export function parseAllowlist(text: string, source: string): AllowlistEntry[] {
  const result = fileSchema.safeParse(parse(text) ?? {});
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${source}: ${i.path.join(".")}: ${i.message}`);
    throw new Error(problems.join("\n"));
  }
  return result.data.exceptions;
}

export function loadAllowlist(file = DEFAULT_ALLOWLIST): AllowlistEntry[] {
  return parseAllowlist(readFileSync(file, "utf8"), file);
}

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

/** The stack of a URN (`urn:pulumi:<stack>::<project>::...`). */
export function stackOfUrn(urn: string): string | undefined {
  return /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
}

/** The entry that allows this violation, if any. */
export function allowedBy(
  entries: AllowlistEntry[],
  policy: string,
  urn: string | undefined,
): AllowlistEntry | undefined {
  if (!urn) return undefined;
  const name = urn.split("::").pop() ?? urn;
  const stack = stackOfUrn(urn);
  return entries.find(
    (e) =>
      e.policy === policy &&
      (e.stacks === undefined || (stack !== undefined && e.stacks.includes(stack))) &&
      (globMatches(e.resource, name) || globMatches(e.resource, urn)),
  );
}
