export * from "./replication";
export * from "./targets";
export * from "./validation";
