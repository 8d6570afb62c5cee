import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import { ServiceRole, allow, policyDocument } from "@tdp/core";

import type { IamUserCreationArgs } from "./iam-users";
import { iamUserStatements, validateIamUserCreation } from "./iam-users";
import type { PlatformServiceSpec } from "./validation";
import {
  DEFAULT_CPU,
  DEFAULT_CPU_TARGET_PERCENT,
  DEFAULT_HEALTH_CHECK_PATH,
  DEFAULT_MEMORY,
  DEFAULT_MAX_CAPACITY,
  DEFAULT_MIN_CAPACITY,
  DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN,
  DEFAULT_WRITABLE_PATHS,
  ecrRepositoryArn,
  isServiceDisabled,
  routePriority,
  validatePlatformServices,
  validateServiceDiscoverySubdomain,
} from "./validation";

export const DEFAULT_PRIVATE_DOMAIN = "ts-dip.internal";

/** The web entry point's pieces the routed services attach to. */
export interface ServiceWebAttachment {
  /** The listener the services' rules go on (HTTPS, or HTTP in the acknowledged plain-HTTP mode). */
  listenerArn: pulumi.Input<string>;
  /** The load balancer's security group: the only source the tasks admit on their ports. */
  securityGroupId: pulumi.Input<string>;
  /** Host names of the `web` and `api` routes (PublicDomain and api.PublicDomain). */
  hostNames: { web: pulumi.Input<string>; api: pulumi.Input<string> };
  /** ARN suffix of the load balancer, for ALB request-count scaling. */
  loadBalancerArnSuffix: pulumi.Input<string>;
}

export interface PlatformServicesArgs {
  /** Physical names of the deployment; SSM paths use its environment. */
  naming: Naming;
  /** IAMRolePrefix and IAMBoundaryPolicy for the task and execution roles. */
  iam: IamSettings;
  /** The region (awslogs, SSM and KMS conditions). */
  region: string;
  /** The account (SSM parameter ARNs, trust conditions). @default the caller's account */
  accountId?: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  /** The VPC CIDR: task egress inside the VPC (database, search, other services). */
  vpcCidrBlock: pulumi.Input<string>;
  /** Private subnets the tasks run in (no public IPs). */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Seed PrivateDomain. @default "ts-dip.internal" */
  privateDomain?: string;
  /** The Cloud Map namespace is `<subdomain>.<privateDomain>`. @default "svc" */
  serviceDiscoverySubdomain?: string;
  /** The platform services (seed `<service>` MinCapacity/MaxCapacity rows). */
  services: PlatformServiceSpec[];
  /** Seed LogRetentionDays for the services' log groups. @default 90 */
  logRetentionDays?: number;
  /** KMS key of the log groups (the data layer's logs key). */
  logsKmsKeyArn: pulumi.Input<string>;
  /** KMS key of the SecureString parameters (the data layer's secrets key): execution roles decrypt with it. */
  secretsKmsKeyArn: pulumi.Input<string>;
  /** Where routed services attach; required when any enabled service has routing. @default none */
  web?: ServiceWebAttachment;
  /** ARNs of the platform-settings String parameters every task role may read. @default [] */
  settingsParameterArns?: pulumi.Input<string>[];
  /** Secrets added to a service's container: service → env var → SSM parameter ARN under its path. @default {} */
  injectedSecrets?: Record<string, Record<string, pulumi.Input<string>>>;
  /** Seed AthenaCreateIamUser. @default { enabled: false }: every task role denies user creation */
  iamUserCreation?: IamUserCreationArgs;
  /** The user audit log group (seed UserAuditLogGroupSuffix); task roles may write to it. @default none */
  auditLogGroupArn?: pulumi.Input<string>;
  /** Further task-role statements per service (e.g. data-bucket access). @default {} */
  taskRoleStatements?: Record<string, PolicyStatement[]>;
  /** Container Insights mode (FSBP ECS.12). @default "enabled" */
  containerInsights?: "enabled" | "enhanced";
}

/** What a created service exposes. */
export interface PlatformServiceOutputs {
  serviceName: pulumi.Output<string>;
  taskDefinitionArn: pulumi.Output<string>;
  taskRoleArn: pulumi.Output<string>;
  executionRoleArn: pulumi.Output<string>;
  logGroupName: pulumi.Output<string>;
  /** `<service>.<namespace>`. */
  discoveryName: string;
  targetGroupArn?: pulumi.Output<string>;
}

/** Validates the arguments as a whole, before any child exists. */
export function validatePlatformServicesArgs(args: PlatformServicesArgs): void {
  validatePlatformServices(args.services);
  validateServiceDiscoverySubdomain(args.serviceDiscoverySubdomain ?? DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN);
  validateIamUserCreation(args.iamUserCreation ?? {});
  const enabled = new Set(args.services.filter((s) => !isServiceDisabled(s)).map((s) => s.name));
  const routed = args.services.filter((s) => s.routing && enabled.has(s.name));
  if (routed.length > 0 && args.web === undefined) {
    throw new Error(
      `services ${JSON.stringify(routed.map((s) => s.name))}: have routing but no web entry point was given (args.web)`,
    );
  }
  for (const service of Object.keys(args.injectedSecrets ?? {})) {
    if (!args.services.some((s) => s.name === service)) {
      throw new Error(
        `injectedSecrets.${service}: no service of that name; the integration's service must be in the services list`,
      );
    }
  }
  for (const service of Object.keys(args.taskRoleStatements ?? {})) {
    if (!args.services.some((s) => s.name === service)) {
      throw new Error(`taskRoleStatements.${service}: no service of that name`);
    }
  }
}

/**
 * The ECS platform services: a Fargate cluster with Container Insights, a Cloud Map namespace for
 * inter-service names, and per enabled service a log group, an execution role reading only its own
 * SSM path, a least-privilege task role, a task definition (read-only root, non-privileged, secrets
 * from SSM), an ECS service in the private subnets with no public IP, and target-tracking scaling.
 * Routed services get a target group and a listener rule on the web entry point's listener.
 * A service with MinCapacity = MaxCapacity = 0 is not created at all: nothing runs, nothing is granted.
 */
export class PlatformServices extends pulumi.ComponentResource {
  readonly clusterArn: pulumi.Output<string>;
  readonly clusterName: pulumi.Output<string>;
  readonly namespaceId: pulumi.Output<string>;
  readonly namespaceName: string;
  /** The tasks' security group: database and search admit it. */
  readonly tasksSecurityGroupId: pulumi.Output<string>;
  /** The created services by name (disabled ones are absent). */
  readonly services: Record<string, PlatformServiceOutputs>;
  /** Names of the services skipped because both capacities are 0. */
  readonly disabledServices: string[];

  constructor(name: string, args: PlatformServicesArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePlatformServicesArgs(args);
    super("tdp:eks-services:PlatformServices", name, {}, opts);
    const child = { parent: this };
    const naming = args.naming;
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;
    const retention = args.logRetentionDays ?? 90;

    const cluster = new aws.ecs.Cluster(
      `${name}-cluster`,
      {
        name: naming.name("ecsCluster", "services"),
        settings: [{ name: "containerInsights", value: args.containerInsights ?? "enabled" }],
      },
      child,
    );
    const capacityProviders = new aws.ecs.ClusterCapacityProviders(
      `${name}-capacity-providers`,
      {
        clusterName: cluster.name,
        capacityProviders: ["FARGATE", "FARGATE_SPOT"],
        defaultCapacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 1 }],
      },
      child,
    );
    this.clusterArn = cluster.arn;
    this.clusterName = cluster.name;

    // Cloud Map creates its own private zone: a subdomain of PrivateDomain, so it never clashes
    // with the network's zone of that name (the VPC resolver answers from the most specific zone).
    this.namespaceName = `${args.serviceDiscoverySubdomain ?? DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN}.${
      args.privateDomain ?? DEFAULT_PRIVATE_DOMAIN
    }`;
    const namespace = new aws.servicediscovery.PrivateDnsNamespace(
      `${name}-namespace`,
      {
        name: this.namespaceName,
        vpc: args.vpcId,
        description: "ECS inter-service names (seed PrivateDomain)",
      },
      child,
    );
    this.namespaceId = namespace.id;

    const tasksSg = new aws.ec2.SecurityGroup(
      `${name}-tasks-sg`,
      {
        name: naming.name("securityGroup", "ecs-tasks"),
        description: "ECS platform tasks: service ports from the load balancer and each other only",
        vpcId: args.vpcId,
        tags: { Name: naming.name("securityGroup", "ecs-tasks") },
      },
      child,
    );
    this.tasksSecurityGroupId = tasksSg.id;

    const enabled = args.services.filter((s) => !isServiceDisabled(s));
    this.disabledServices = args.services.filter((s) => isServiceDisabled(s)).map((s) => s.name);

    // Ingress: each distinct service port from the ALB (routed) and from the other tasks.
    const routedPorts = new Set(enabled.filter((s) => s.routing).map((s) => s.port!));
    const servicePorts = new Set(enabled.filter((s) => s.port !== undefined).map((s) => s.port!));
    for (const port of [...routedPorts].sort((a, b) => a - b)) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-tasks-from-alb-${port}`,
        {
          securityGroupId: tasksSg.id,
          referencedSecurityGroupId: args.web!.securityGroupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: "from the web load balancer",
        },
        child,
      );
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-alb-to-tasks-${port}`,
        {
          securityGroupId: args.web!.securityGroupId,
          referencedSecurityGroupId: tasksSg.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: "to the platform tasks",
        },
        child,
      );
    }
    for (const port of [...servicePorts].sort((a, b) => a - b)) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-tasks-from-tasks-${port}`,
        {
          securityGroupId: tasksSg.id,
          referencedSecurityGroupId: tasksSg.id,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: "inter-service calls through Cloud Map names",
        },
        child,
      );
    }
    // Egress: HTTPS out (AWS APIs, ECR, Box/Egnyte through the NAT) and TCP inside the VPC
    // (database, search, other services); nothing else.
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-tasks-https-out`,
      {
        securityGroupId: tasksSg.id,
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "HTTPS to AWS APIs and the integrations",
      },
      child,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-tasks-vpc-out`,
      {
        securityGroupId: tasksSg.id,
        cidrIpv4: args.vpcCidrBlock,
        ipProtocol: "tcp",
        fromPort: 0,
        toPort: 65535,
        description: "database, search and other services inside the VPC",
      },
      child,
    );

    this.services = {};
    args.services.forEach((spec, index) => {
      if (isServiceDisabled(spec)) {
        return;
      }
      this.services[spec.name] = this.createService(name, spec, index, {
        args,
        accountId,
        partition,
        retention,
        clusterArn: cluster.arn,
        clusterName: cluster.name,
        namespaceId: namespace.id,
        tasksSecurityGroupId: tasksSg.id,
        capacityProviders,
      });
    });

    this.registerOutputs({
      clusterArn: this.clusterArn,
      clusterName: this.clusterName,
      namespaceId: this.namespaceId,
      namespaceName: this.namespaceName,
      tasksSecurityGroupId: this.tasksSecurityGroupId,
      services: Object.keys(this.services),
      disabledServices: this.disabledServices,
    });
  }

  private createService(
    name: string,
    spec: PlatformServiceSpec,
    index: number,
    shared: {
      args: PlatformServicesArgs;
      accountId: pulumi.Input<string>;
      partition: pulumi.Output<string>;
      retention: number;
      clusterArn: pulumi.Output<string>;
      clusterName: pulumi.Output<string>;
      namespaceId: pulumi.Output<string>;
      tasksSecurityGroupId: pulumi.Output<string>;
      capacityProviders: aws.ecs.ClusterCapacityProviders;
    },
  ): PlatformServiceOutputs {
    const { args, accountId, partition } = shared;
    const naming = args.naming;
    const child = { parent: this };
    const svc = spec.name;
    const prefix = `${name}-${svc}`;

    const logGroup = new aws.cloudwatch.LogGroup(
      `${prefix}-logs`,
      {
        name: naming.logGroupName(`ecs/${svc}`),
        retentionInDays: shared.retention,
        kmsKeyId: args.logsKmsKeyArn,
      },
      child,
    );

    // The service's own SSM path: the execution role reads nothing else (seed "Service Parameters").
    const ssmPath = naming.ssmPath("ECS", svc);
    const ownParameters = pulumi.interpolate`arn:${partition}:ssm:${args.region}:${accountId}:parameter${ssmPath}/*`;
    const repositories = [
      ...new Set(
        [spec.image]
          .map((image) => ecrRepositoryArn(image))
          .filter((arn): arn is string => arn !== undefined),
      ),
    ];
    const executionStatements: PolicyStatement[] = [
      allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${logGroup.arn}:*`, {
        Sid: "OwnLogGroup",
      }),
      allow("ssm:GetParameters", ownParameters, { Sid: "OwnParameters" }),
      allow("kms:Decrypt", args.secretsKmsKeyArn, {
        Sid: "DecryptOwnSecureStrings",
        Condition: { StringEquals: { "kms:ViaService": `ssm.${args.region}.amazonaws.com` } },
      }),
    ];
    if (repositories.length > 0) {
      executionStatements.push(
        // GetAuthorizationToken has no resource-level permissions: AWS requires "*" for it.
        allow("ecr:GetAuthorizationToken", "*", { Sid: "EcrLogin" }),
        allow(
          ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
          repositories,
          {
            Sid: "PullOwnImage",
          },
        ),
      );
    }
    const executionRole = new ServiceRole(
      `${prefix}-execution-role`,
      {
        naming,
        iam: args.iam,
        purpose: `${svc}-exec`,
        services: ["ecs-tasks.amazonaws.com"],
        sourceAccount: accountId,
        description: `ECS execution role of ${svc}: its image, its log group, its own SSM path`,
        inlinePolicies: { execution: policyDocument(...executionStatements) },
      },
      child,
    );

    const taskStatements: PolicyStatement[] = [
      ...iamUserStatements(svc, args.iamUserCreation ?? {}, accountId, partition),
      ...(args.taskRoleStatements?.[svc] ?? []),
    ];
    if ((args.settingsParameterArns ?? []).length > 0) {
      taskStatements.push(
        allow(["ssm:GetParameter", "ssm:GetParameters"], args.settingsParameterArns!, {
          Sid: "PlatformSettings",
        }),
      );
    }
    if (args.auditLogGroupArn !== undefined) {
      taskStatements.push(
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${args.auditLogGroupArn}:*`, {
          Sid: "UserAuditLog",
        }),
      );
    }
    const taskRole = new ServiceRole(
      `${prefix}-task-role`,
      {
        naming,
        iam: args.iam,
        purpose: `${svc}-task`,
        services: ["ecs-tasks.amazonaws.com"],
        sourceAccount: accountId,
        description: `ECS task role of ${svc}: least privilege`,
        inlinePolicies: { task: policyDocument(...taskStatements) },
      },
      child,
    );

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
      SERVICE_DISCOVERY_NAMESPACE: this.namespaceName,
      SSM_PARAMETER_PATH: ssmPath,
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
          "awslogs-group": logGroup.name,
          "awslogs-region": args.region,
          "awslogs-stream-prefix": svc,
        },
      },
    };
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${prefix}-task`,
      {
        family: naming.name("generic", svc),
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: String(spec.cpu ?? DEFAULT_CPU),
        memory: String(spec.memory ?? DEFAULT_MEMORY),
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        volumes: writable.map((path) => ({ name: volumeName(path) })),
        containerDefinitions: pulumi.jsonStringify([container]),
      },
      child,
    );

    const discovery = new aws.servicediscovery.Service(
      `${prefix}-discovery`,
      {
        name: svc,
        namespaceId: shared.namespaceId,
        dnsConfig: {
          namespaceId: shared.namespaceId,
          dnsRecords: [{ ttl: 10, type: "A" }],
          routingPolicy: "MULTIVALUE",
        },
        forceDestroy: true,
      },
      child,
    );

    let targetGroup: aws.lb.TargetGroup | undefined;
    let rule: aws.lb.ListenerRule | undefined;
    if (spec.routing !== undefined) {
      const web = args.web!;
      targetGroup = new aws.lb.TargetGroup(
        `${prefix}-tg`,
        {
          name: naming.name("targetGroup", svc),
          port: spec.port!,
          protocol: "HTTP",
          targetType: "ip",
          vpcId: args.vpcId,
          deregistrationDelay: 30,
          healthCheck: {
            enabled: true,
            path: spec.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH,
            matcher: "200-399",
            healthyThreshold: 2,
            unhealthyThreshold: 3,
            interval: 15,
            timeout: 5,
          },
        },
        child,
      );
      const hosts = (spec.routing.hosts ?? ["web"]).map((host) => web.hostNames[host]);
      rule = new aws.lb.ListenerRule(
        `${prefix}-rule`,
        {
          listenerArn: web.listenerArn,
          priority: routePriority(spec, index),
          actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
          conditions: [
            { hostHeader: { values: hosts } },
            { pathPattern: { values: spec.routing.pathPatterns ?? ["/*"] } },
          ],
        },
        child,
      );
    }

    const min = spec.minCapacity ?? DEFAULT_MIN_CAPACITY;
    const max = spec.maxCapacity ?? DEFAULT_MAX_CAPACITY;
    const service = new aws.ecs.Service(
      `${prefix}-service`,
      {
        name: svc,
        cluster: shared.clusterArn,
        taskDefinition: taskDefinition.arn,
        desiredCount: min,
        capacityProviderStrategies: [{ capacityProvider: "FARGATE", weight: 1, base: 0 }],
        platformVersion: "LATEST",
        networkConfiguration: {
          subnets: args.privateSubnetIds,
          securityGroups: [shared.tasksSecurityGroupId],
          assignPublicIp: false,
        },
        loadBalancers: targetGroup
          ? [{ targetGroupArn: targetGroup.arn, containerName: svc, containerPort: spec.port! }]
          : [],
        healthCheckGracePeriodSeconds: targetGroup ? 60 : undefined,
        serviceRegistries: { registryArn: discovery.arn },
        deploymentCircuitBreaker: { enable: true, rollback: true },
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        waitForSteadyState: false,
      },
      {
        ...child,
        // Autoscaling owns the running count after creation.
        ignoreChanges: ["desiredCount"],
        dependsOn: [shared.capacityProviders, ...(rule ? [rule] : [])],
      },
    );

    const scaling = spec.autoscaling ?? {};
    const target = new aws.appautoscaling.Target(
      `${prefix}-scaling-target`,
      {
        serviceNamespace: "ecs",
        scalableDimension: "ecs:service:DesiredCount",
        resourceId: pulumi.interpolate`service/${shared.clusterName}/${service.name}`,
        minCapacity: min,
        maxCapacity: max,
      },
      child,
    );
    const cooldowns = {
      scaleInCooldown: scaling.scaleInCooldownSeconds ?? 300,
      scaleOutCooldown: scaling.scaleOutCooldownSeconds ?? 60,
    };
    new aws.appautoscaling.Policy(
      `${prefix}-scale-cpu`,
      {
        name: naming.name("generic", `${svc}-cpu`),
        policyType: "TargetTrackingScaling",
        serviceNamespace: target.serviceNamespace,
        scalableDimension: target.scalableDimension,
        resourceId: target.resourceId,
        targetTrackingScalingPolicyConfiguration: {
          targetValue: scaling.cpuTargetPercent ?? DEFAULT_CPU_TARGET_PERCENT,
          predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
          ...cooldowns,
        },
      },
      child,
    );
    if (scaling.requestsPerTarget !== undefined && targetGroup) {
      new aws.appautoscaling.Policy(
        `${prefix}-scale-requests`,
        {
          name: naming.name("generic", `${svc}-requests`),
          policyType: "TargetTrackingScaling",
          serviceNamespace: target.serviceNamespace,
          scalableDimension: target.scalableDimension,
          resourceId: target.resourceId,
          targetTrackingScalingPolicyConfiguration: {
            targetValue: scaling.requestsPerTarget,
            predefinedMetricSpecification: {
              predefinedMetricType: "ALBRequestCountPerTarget",
              resourceLabel: pulumi.interpolate`${args.web!.loadBalancerArnSuffix}/${targetGroup.arnSuffix}`,
            },
            ...cooldowns,
          },
        },
        child,
      );
    }

    return {
      serviceName: service.name,
      taskDefinitionArn: taskDefinition.arn,
      taskRoleArn: taskRole.arn,
      executionRoleArn: executionRole.arn,
      logGroupName: logGroup.name,
      discoveryName: `${svc}.${this.namespaceName}`,
      targetGroupArn: targetGroup?.arn,
    };
  }
}
