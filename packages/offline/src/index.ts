export * from "./context";
export * from "./engine";
export * from "./inventory";
export * from "./recording";
export * from "./serialize";
export * from "./stack-file";
export { ATTRIBUTES, synthesize } from "./synth";
export { INVOKES, answerInvoke } from "./invokes";
