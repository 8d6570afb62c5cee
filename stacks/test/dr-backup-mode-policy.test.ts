import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { REPO_ROOT, offline, planJson, toPlan } from "@tdp/offline";

import { backupModePair } from "./fixtures/backup-mode";

/**
 * The backup-mode pair under the policy pack, as `pnpm policy dr.json prod.json` runs it over the
 * plans `pnpm plan` writes: the committed stacks are in snapshots mode, so their plans never show
 * the relay's resources (the staging vault, its keys, the relay function, the primary-region alert
 * topic); this plans the pair in backup mode and expects no finding at all, mandatory or advisory.
 */

/** The policy pack's library API (`@tdp/policies/policies`), the part this test uses. */
interface PolicyApi {
  allPolicies: unknown[];
  readPlan(file: string): { resources: unknown[] };
  evaluate(
    resources: unknown[],
    policies: unknown[],
    config: Record<string, unknown>,
    allowlist: unknown[],
  ): Promise<Violation[]>;
  loadAllowlist(file?: string): unknown[];
  policyConfigFromStack(projectDir: string, stack: string): Record<string, unknown> | undefined;
}

interface Violation {
  policy: string;
  level: string;
  resource: string;
  message: string;
  allowed?: string;
}

// The stacks package does not depend on @tdp/policies (the pack is a separate tool run over plans),
// so its library is loaded from the workspace the way `pnpm policy` runs it (from source).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const policies = require(path.join(REPO_ROOT, "packages", "policies", "src")) as PolicyApi;

describe("DR: backup mode's plan pair under the policy pack", () => {
  let dir: string;
  before(async () => {
    const files = backupModePair();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-backup-mode-policy-"));
    const dr = await offline.runStack({ stack: "dr", configFile: files.dr });
    fs.writeFileSync(path.join(dir, "dr.json"), planJson(toPlan("tdp", "dr", dr)));
    // prod's stack reference reads the backup-mode dr plan.
    offline.setPlansDir(dir);
    const prod = await offline.runStack({ stack: "prod", configFile: files.prod });
    fs.writeFileSync(path.join(dir, "prod.json"), planJson(toPlan("tdp", "prod", prod)));
  });
  after(() => {
    offline.reset();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const stack of ["dr", "prod"]) {
    it(`finds nothing in the ${stack} plan, mandatory or advisory`, async () => {
      const violations = await policies.evaluate(
        policies.readPlan(path.join(dir, `${stack}.json`)).resources,
        policies.allPolicies,
        policies.policyConfigFromStack(REPO_ROOT, stack) ?? {},
        policies.loadAllowlist(),
      );
      assert.deepEqual(
        violations
          .filter((v) => v.allowed === undefined)
          .map((v) => `${v.level} ${v.policy} ${v.resource}: ${v.message}`),
        [],
      );
    });
  }
});
