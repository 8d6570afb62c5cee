export * from "./alarms";
export * from "./alerts";
export * from "./backup";
export * from "./backup-vault";
export * from "./buckets";
export * from "./cloudtrail";
export * from "./database";
export * from "./database-validation";
export * from "./elb-log-delivery";
export * from "./email";
export * from "./keys";
export * from "./log-group";
export * from "./search";
export * from "./search-validation";
export * from "./secure-bucket";
export * from "./service-linked-roles";
export * from "./validation";
export {
  DEFAULT_MAPPABLE_OPENSEARCH_ROLES,
  FORBIDDEN_OPENSEARCH_ROLES,
  openSearchRoleProblem,
} from "./snapshot/role-mappings";
