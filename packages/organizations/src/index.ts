export * from "./names";
export * from "./organization";
export * from "./policies";
export * from "./quotas";
export * from "./catalog";
