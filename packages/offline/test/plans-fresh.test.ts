import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

import { PROJECT, REPO_ROOT, offline } from "../src/engine";
import type { PlanFile } from "../src/plan";
import { planJson, planMarkdown, toPlan } from "../src/plan";
import { allStacks } from "../src/stacks";

/** The first resource (or the outputs) where two plans differ, for the failure message. */
function firstDifference(committed: PlanFile, fresh: PlanFile): string {
  const committedByUrn = new Map(committed.resources.map((r) => [r.urn, JSON.stringify(r)]));
  const freshByUrn = new Map(fresh.resources.map((r) => [r.urn, JSON.stringify(r)]));
  for (const [urn, text] of freshByUrn) {
    if (!committedByUrn.has(urn)) return `new resource ${urn}`;
    if (committedByUrn.get(urn) !== text) return `changed resource ${urn}`;
  }
  for (const urn of committedByUrn.keys()) {
    if (!freshByUrn.has(urn)) return `removed resource ${urn}`;
  }
  return "the stack outputs";
}

describe("committed plans", () => {
  for (const stack of allStacks()) {
    it(`plans/${stack}.json and .md match a fresh plan of Pulumi.${stack}.yaml`, async () => {
      const file = path.join(REPO_ROOT, "plans", `${stack}.json`);
      assert.ok(existsSync(file), `plans/${stack}.json is missing: run pnpm plan --all`);
      const fresh = toPlan(PROJECT, stack, await offline.runStackShared(stack));
      const committedText = readFileSync(file, "utf8");
      if (committedText !== planJson(fresh)) {
        const committed = JSON.parse(committedText) as PlanFile;
        assert.fail(
          `plans/${stack}.json is stale (${firstDifference(committed, fresh)}): run pnpm plan --all`,
        );
      }
      const markdown = readFileSync(path.join(REPO_ROOT, "plans", `${stack}.md`), "utf8");
      assert.ok(markdown === planMarkdown(fresh), `plans/${stack}.md is stale: run pnpm plan --all`);
    });
  }
});
