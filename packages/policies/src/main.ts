import { PolicyPack } from "@pulumi/policy";

import { loadAllowlist } from "./allowlist";
import { withAllowlist } from "./pack";
import { allPolicies } from "./policies";

// The pack `pulumi preview --policy-pack <this package's folder>` runs (the package's main). Settings
// (role prefix, boundary, allowed accounts) come from --policy-pack-config: `pnpm policy
// --print-config <stack>` writes them.
new PolicyPack("tdp-security", {
  description: "TDP security baseline: AWS FSBP and checkov controls and the project's own rules.",
  policies: withAllowlist(allPolicies, loadAllowlist()),
});
