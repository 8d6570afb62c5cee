export * from "./single-sign-on";
export * from "./validation";
