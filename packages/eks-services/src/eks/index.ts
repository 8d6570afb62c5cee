export * from "./cluster";
export * from "./validation";
export * from "./workload-role";
