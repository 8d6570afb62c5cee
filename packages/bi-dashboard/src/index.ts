export * from "./args";
export * from "./buckets";
export * from "./bundle";
export * from "./dashboard";
export * from "./defaults";
export * from "./user-data";
export * from "./validation";
