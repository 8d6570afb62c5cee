export * from "./backup-copy-relay";
export * from "./copy-age";
export * from "./dr-function";
export * from "./replication";
export * from "./snapshot-functions";
export * from "./targets";
export * from "./validation";
