export * from "./platform-integrations";
