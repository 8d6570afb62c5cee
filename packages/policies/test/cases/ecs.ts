import {
  ecsContainerInsights,
  ecsContainerLogging,
  ecsNoPrivilegedContainers,
  ecsNoPublicIp,
  ecsReadOnlyRootFilesystem,
} from "../../src/services/ecs";
import { res, type PolicyCase } from "../harness";

const hardened = {
  name: "api",
  image: "111111111111.dkr.ecr.us-east-1.amazonaws.com/api:1",
  privileged: false,
  readonlyRootFilesystem: true,
  logConfiguration: {
    logDriver: "awslogs",
    options: {
      "awslogs-group": "/tdp/ecs/api",
      "awslogs-region": "us-east-1",
      "awslogs-stream-prefix": "api",
    },
  },
};

/** As registered: containerDefinitions is JSON text. */
const task = (...containers: Record<string, unknown>[]) =>
  res("aws:ecs/taskDefinition:TaskDefinition", "api-task", {
    family: "tdp-api",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    containerDefinitions: JSON.stringify(containers),
  });

const service = (assignPublicIp: unknown) =>
  res("aws:ecs/service:Service", "api-service", {
    name: "api",
    networkConfiguration: { assignPublicIp, subnets: ["subnet-1", "subnet-2"], securityGroups: ["sg-1"] },
  });

const cluster = (settings: unknown) =>
  res("aws:ecs/cluster:Cluster", "ecs-cluster", { name: "tdp", settings });

export const ecsCases: PolicyCase[] = [
  {
    policy: ecsNoPublicIp,
    passes: [[service(false)], [service(undefined)], [service("[unknown]")]],
    fails: [{ fixture: [service(true)], message: /service api-service assigns public IP addresses/ }],
  },
  {
    policy: ecsNoPrivilegedContainers,
    passes: [
      [task(hardened)],
      [res("aws:ecs/taskDefinition:TaskDefinition", "t", { containerDefinitions: "[unknown]" })],
    ],
    fails: [
      {
        fixture: [task(hardened, { ...hardened, name: "agent", privileged: true })],
        message: /task definition tdp-api runs container agent privileged/,
      },
    ],
  },
  {
    policy: ecsReadOnlyRootFilesystem,
    passes: [[task(hardened)]],
    fails: [
      {
        fixture: [task({ ...hardened, readonlyRootFilesystem: undefined })],
        message: /task definition tdp-api mounts container api's root file system read-write/,
      },
    ],
  },
  {
    policy: ecsContainerLogging,
    passes: [[task(hardened)]],
    fails: [
      {
        fixture: [task(hardened, { ...hardened, name: "sidecar", logConfiguration: undefined })],
        message: /task definition tdp-api has no log configuration for container sidecar/,
      },
    ],
  },
  {
    policy: ecsContainerInsights,
    passes: [
      [cluster([{ name: "containerInsights", value: "enabled" }])],
      [cluster([{ name: "containerInsights", value: "enhanced" }])],
    ],
    fails: [
      { fixture: [cluster(undefined)], message: /cluster ecs-cluster has Container Insights off/ },
      {
        fixture: [cluster([{ name: "containerInsights", value: "disabled" }])],
        message: /Container Insights disabled/,
      },
    ],
  },
];
