import { PolicyPack } from "@pulumi/policy";

import { loadAllowlist } from "./src/allowlist";
import { withAllowlist } from "./src/pack";
import { allPolicies } from "./src/policies";

// The pack `pulumi preview --policy-pack packages/policies` runs. Settings (role prefix, boundary,
// allowed accounts) come from --policy-pack-config: `pnpm policy --print-config <stack>` writes them.
new PolicyPack("tdp-security", {
  description: "TDP security baseline: AWS FSBP and checkov controls and the project's own rules.",
  policies: withAllowlist(allPolicies, loadAllowlist()),
});
