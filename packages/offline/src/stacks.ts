import { readdirSync } from "node:fs";

import { REPO_ROOT } from "./engine";

/** The stacks with a `Pulumi.<stack>.yaml` at the repo root, dr first: prod reads its outputs. */
export function allStacks(): string[] {
  const stacks = readdirSync(REPO_ROOT)
    .map((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
  return [...stacks.filter((s) => s === "dr"), ...stacks.filter((s) => s !== "dr")];
}
