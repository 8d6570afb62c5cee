import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import { REPO_ROOT, offline, planJson, toPlan } from "@tdp/offline";

import { backupModePair } from "./fixtures/backup-mode";
import { policies } from "./policy-library";

/**
 * The backup-mode pair under the policy pack, as `pnpm policy dr.json prod.json` runs it over the
 * plans `pnpm plan` writes: the committed stacks are in snapshots mode, so their plans never show
 * the relay's resources (the staging vault, its keys, the relay function, the primary-region alert
 * topic); this plans the pair in backup mode and expects no finding at all, mandatory or advisory.
 */

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
