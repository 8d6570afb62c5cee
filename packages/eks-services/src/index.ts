// @tdp/eks-services: the service layer of seed 001.
// EKS cluster, managed node groups and workload identity.
export * from "./eks";
// Windows task-script workers (seed EnableWinTaskScriptService, WindowsInstanceType).
export * from "./windows";
// ECS Fargate services and Cloud Map; the web entry point (ALB, ACM, Route53); SSM parameters
// and integrations (Box, Egnyte, Anylink, platform settings, the user audit log group).
export * from "./ecs";
export * from "./web";
export * from "./ssm";
