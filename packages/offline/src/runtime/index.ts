export * from "./monitor";
export * from "./project";
export * from "./run";
export * from "./analyzer";
