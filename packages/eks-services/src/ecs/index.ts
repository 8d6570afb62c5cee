export * from "./iam-users";
export * from "./platform-services";
export * from "./validation";
