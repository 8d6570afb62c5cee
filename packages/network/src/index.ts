export * from "./adopted";
export * from "./defaults";
export * from "./layout";
export * from "./lookup";
export * from "./network";
