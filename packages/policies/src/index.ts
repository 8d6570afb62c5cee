// The policies as a library (`@tdp/policies/policies`): evaluate them over a plan file, or build
// a pack (src/main.ts, the package's main, is the only place a PolicyPack is constructed).
export * from "./allowlist";
export * from "./define";
export * from "./evaluate";
export * from "./pack";
export * from "./plan-file";
export * from "./policies";
export * from "./report";
export * from "./stack-config";
export * from "./types";
export * from "./control-table";
