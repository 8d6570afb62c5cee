export * from "./cidr";
export * from "./config";
export * from "./iam";
export * from "./naming";
export * from "./policy-document";
export * from "./protection";
export * from "./tags";
