import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import type { ServiceContext } from "./args";
import type { PlatformServiceSpec } from "./validation";
import {
  DEFAULT_CPU,
  DEFAULT_MEMORY,
  DEFAULT_WRITABLE_PATHS,
  PLATFORM_SETTINGS_PATH_VARIABLE,
  platformSettingsPath,
} from "./validation";

/** What the task definition refers to: the service's SSM path, log group and roles. */
export interface TaskDefinitionRefs {
  ssmPath: string;
  logGroupName: pulumi.Output<string>;
  executionRoleArn: pulumi.Output<string>;
  taskRoleArn: pulumi.Output<string>;
}

/**
 * The Fargate task definition of one service: one container, read-only root with task volumes for
 * the writable paths, non-privileged, secrets from SSM, logs to the service's log group.
 */
export function createTaskDefinition(
  parent: pulumi.Resource,
  prefix: string,
  spec: PlatformServiceSpec,
  ctx: ServiceContext,
  refs: TaskDefinitionRefs,
): aws.ecs.TaskDefinition {
  const { args, accountId, partition } = ctx;
  const naming = args.naming;
  const svc = spec.name;
  const ssmPath = refs.ssmPath;

  const writable =
    spec.readOnlyRootFilesystem === false ? [] : (spec.writablePaths ?? DEFAULT_WRITABLE_PATHS);
  const volumeName = (path: string) => `rw${path.replace(/[^A-Za-z0-9]+/g, "-")}`;
  const ownSecrets = Object.entries(spec.secrets ?? {}).map(([envName, parameter]) => ({
    name: envName,
    valueFrom: pulumi.interpolate`arn:${partition}:ssm:${args.region}:${accountId}:parameter${ssmPath}/${parameter}`,
  }));
  const injected = Object.entries(args.injectedSecrets?.[svc] ?? {}).map(([envName, arn]) => ({
    name: envName,
    valueFrom: arn,
  }));
  const environment = Object.entries({
    ...(spec.environment ?? {}),
    ...(args.injectedEnvironment?.[svc] ?? {}),
    SERVICE_DISCOVERY_NAMESPACE: ctx.namespaceName,
    SSM_PARAMETER_PATH: ssmPath,
    // Where the platform settings (TaskThroughput, ConnectorMaxMemory, ...) are: the task role
    // may read exactly those parameters, by name.
    [PLATFORM_SETTINGS_PATH_VARIABLE]: args.settingsPath ?? platformSettingsPath(naming),
  })
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => ({ name: key, value }));
  const container = {
    name: svc,
    image: spec.image,
    essential: true,
    // FSBP ECS.4 / ECS.5: never privileged, root filesystem read-only with task volumes for the
    // paths the app writes (Fargate has no tmpfs; an unnamed-host volume is task-scoped storage).
    privileged: false,
    readonlyRootFilesystem: spec.readOnlyRootFilesystem !== false,
    command: spec.command,
    portMappings: spec.port === undefined ? [] : [{ containerPort: spec.port, protocol: "tcp" }],
    environment,
    secrets: [...ownSecrets, ...injected],
    mountPoints: writable.map((path) => ({
      sourceVolume: volumeName(path),
      containerPath: path,
      readOnly: false,
    })),
    logConfiguration: {
      logDriver: "awslogs",
      options: {
        "awslogs-group": refs.logGroupName,
        "awslogs-region": args.region,
        "awslogs-stream-prefix": svc,
      },
    },
  };
  return new aws.ecs.TaskDefinition(
    `${prefix}-task`,
    {
      family: naming.name("generic", svc),
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: String(spec.cpu ?? DEFAULT_CPU),
      memory: String(spec.memory ?? DEFAULT_MEMORY),
      executionRoleArn: refs.executionRoleArn,
      taskRoleArn: refs.taskRoleArn,
      runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
      volumes: writable.map((path) => ({ name: volumeName(path) })),
      containerDefinitions: pulumi.jsonStringify([container]),
    },
    { parent },
  );
}
