import * as path from "node:path";

import { REPO_ROOT } from "@tdp/offline";

/** A finding of the policy pack. */
export interface Violation {
  policy: string;
  level: string;
  resource: string;
  type: string;
  message: string;
  allowed?: string;
}

/** The policy pack's library API (`@tdp/policies/policies`), the part the stacks' tests use. */
export interface PolicyApi {
  allPolicies: unknown[];
  readPlan(file: string): { resources: unknown[] };
  evaluate(
    resources: unknown[],
    policies: unknown[],
    config: Record<string, unknown>,
    allowlist: unknown[],
  ): Promise<Violation[]>;
  blocking(violations: Violation[]): Violation[];
  loadAllowlist(file?: string): unknown[];
  policyConfigFromStack(projectDir: string, stack: string): Record<string, unknown> | undefined;
}

// The stacks package does not depend on @tdp/policies (the pack is a separate tool run over plans),
// so its library is loaded from the workspace the way `pnpm policy` runs it (from source).
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const policies = require(path.join(REPO_ROOT, "packages", "policies", "src")) as PolicyApi;
