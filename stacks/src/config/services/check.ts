import type { z } from "zod";

import { fieldPath } from "../field-path";

/** The leading `field` of a package validator's message ("nodeGroups[0].minSize 3 is …"). */
const FIELD = /^([A-Za-z_]\w*(?:\[\d+\])*(?:\.[A-Za-z_]\w*(?:\[\d+\])*)*)[\s:]/;

/**
 * Runs one of `@tdp/eks-services`' pure validators. Its error becomes a zod issue at `base` plus
 * the field the message starts with, so `pnpm plan` reports `tdp:services.<path>: <value> — <rule>`
 * at the exact key; the message itself (field, value and rule) is the rule text.
 */
export function check(
  ctx: z.RefinementCtx,
  base: (string | number)[],
  validate: () => void,
  /** Fields the validator names differently from the config (its name → the config's path). */
  aliases: Record<string, (string | number)[]> = {},
): boolean {
  try {
    validate();
    return true;
  } catch (err) {
    const message = (err as Error).message;
    const field = FIELD.exec(message)?.[1];
    const fieldParts = field ? fieldPath(field) : [];
    const alias = aliases[String(fieldParts[0])];
    const path = [...base, ...(alias ? [...alias, ...fieldParts.slice(1)] : fieldParts)];
    // The report shows the value found at the path; a value the validator redacted (a secret-looking
    // variable) is reported at a key that holds nothing, so the secret is not printed.
    if (message.includes('"[redacted]"') && path.length > 0) {
      path.push(`${String(path.pop())} (value not shown)`);
    }
    ctx.addIssue({ code: "custom", path, message });
    return false;
  }
}
