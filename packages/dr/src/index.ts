export * from "./backup-copy-relay";
export * from "./replication";
export * from "./snapshot-functions";
export * from "./targets";
export * from "./validation";
