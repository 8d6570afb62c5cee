export * from "./validation";
export * from "./web-entry-point";
