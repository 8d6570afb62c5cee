export * from "./validation";
export * from "./windows-workers";
