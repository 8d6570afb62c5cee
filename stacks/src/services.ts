import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigProblem, PolicyStatement } from "@tdp/core";
import { ConfigError, allow } from "@tdp/core";
import {
  PlatformCluster,
  PlatformIntegrations,
  PlatformServices,
  WebEntryPoint,
  WindowsWorkers,
  validateIamUserCreation,
  validateWebSettings,
} from "@tdp/eks-services";
import type { Network } from "@tdp/network";

import { biDashboardNetwork, subnetInputs } from "./bi-dashboard";
import { windowsSessionManagerEndpointProblems } from "./config/network";
import type { EcsConfig } from "./config/services/ecs";
import { ecsServices } from "./config/services/ecs";
import { eksNodeGroups, eksSupportType } from "./config/services/eks";
import type { WebConfig } from "./config/services/web";
import { webSettings } from "./config/services/web";
import type { StackContext } from "./context";
import type { DataLayer } from "./data";
import { WEB_ALB_LOG_PREFIX } from "./data";
import { searchRoleMappingsParameter } from "./data-search";

/** What the service step built. */
export interface ServiceLayer {
  integrations: PlatformIntegrations;
  web: WebEntryPoint;
  cluster: PlatformCluster;
  services: PlatformServices;
  /** The Windows task-script workers (seed EnableWinTaskScriptService), when enabled. */
  windows?: WindowsWorkers;
  /** The rules admitting the ECS tasks and the EKS nodes to the database and the search domain. */
  dataStoreIngress: aws.vpc.SecurityGroupIngressRule[];
  /** The search role mapping document (with the search domain): applied by its snapshot function. */
  searchRoleMappings?: aws.ssm.Parameter;
}

/** The data stores the services reach: their security groups admit the tasks and the nodes. */
export interface DataStoreAccess {
  /** The database's security group (`deployDatabase`). @default none: no rule */
  databaseSecurityGroupId?: pulumi.Input<string>;
  /** The database's port. @default 5432 */
  databasePort?: pulumi.Input<number>;
  /** The search domain's security group (`deploySearch`); HTTPS only. @default none: no rule */
  searchSecurityGroupId?: pulumi.Input<string>;
}

/** Runs a package validator: its message becomes the rule of a problem at the stack's key. */
function problemFrom(key: string, value: unknown, validate: () => void): ConfigProblem | undefined {
  try {
    validate();
    return undefined;
  } catch (err) {
    return { key, value, rule: (err as Error).message };
  }
}

/**
 * The service layer's rules that need more than `tdp:services` (the region, tdp:platform, the
 * stack's role). deployPrimary calls it before any resource is registered, so a bad value stops
 * the run the way a schema error does.
 */
export function requireServicesConfig(ctx: StackContext): void {
  const services = ctx.config.services;
  const platform = ctx.config.platform;
  const problems: ConfigProblem[] = [];
  if (services.web === undefined) {
    problems.push({
      key: "tdp:services.web.publicDomain",
      value: undefined,
      rule: "required in a primary stack (seed PublicDomain): the domain name of the web UI; api.<domain> serves the API",
    });
  } else {
    const web = services.web;
    const problem = problemFrom("tdp:services.web.certificateArn", web.certificateArn, () =>
      validateWebSettings(webSettings(web), ctx.region),
    );
    if (problem) {
      problems.push(problem);
    }
  }
  const athena = services.integrations.athenaCreateIamUser;
  if (athena.enabled) {
    const boundary = athena.permissionsBoundaryArn ?? platform.iamBoundaryPolicyArn;
    const problem = problemFrom(
      "tdp:services.integrations.athenaCreateIamUser.permissionsBoundaryArn",
      boundary,
      () => validateIamUserCreation({ ...athena, permissionsBoundaryArn: boundary }),
    );
    if (problem) {
      problems.push(problem);
    }
  }
  problems.push(...plainTextSecrets(ctx));
  if (services.windows.enabled && isolatedSubnetCount(ctx) === 0) {
    problems.push({
      key: "tdp:services.windows.enabled",
      value: true,
      rule: "the Windows workers (seed EnableWinTaskScriptService) run in isolated subnets, and the network has none: set tdp:network.isolatedSubnets: true (or isolatedSubnetIds in adopt mode), or set windows.enabled: false",
    });
  }
  if (services.windows.enabled) {
    problems.push(...windowsSessionManagerEndpointProblems(ctx.config.network));
  }
  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
}

/**
 * Pulumi's own answer to "is this config key secret?" (`secure:` anywhere in its value). It is
 * marked @internal in the SDK's types, so it is looked up defensively: without it the check below
 * is skipped rather than guessed.
 */
function configKeyIsSecret(key: string): boolean | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const runtimeConfig = require("@pulumi/pulumi/runtime/config") as {
    isConfigSecret?: (key: string) => boolean;
  };
  return typeof runtimeConfig.isConfigSecret === "function" ? runtimeConfig.isConfigSecret(key) : undefined;
}

/**
 * The integration values must be Pulumi secrets (`secure:` in the stack file). Pulumi records
 * secrecy per config key, not per path: when `tdp:services` holds no secret at all, every
 * integration value in it is plain text.
 */
function plainTextSecrets(ctx: StackContext): ConfigProblem[] {
  if (configKeyIsSecret("tdp:services") !== false) {
    return [];
  }
  const { box, egnyte } = ctx.config.services.integrations;
  const given: [string, string | undefined][] = [
    ["box.clientId", box.clientId],
    ["box.clientSecret", box.clientSecret],
    ["egnyte.clientId", egnyte.clientId],
  ];
  return given
    .filter(([, value]) => value !== undefined && value !== "")
    .map(([field]) => ({
      key: `tdp:services.integrations.${field}`,
      value: "[plain text, not shown]",
      rule: `must be a Pulumi secret, not plain text in the stack file: pulumi config set --secret --path 'tdp:services.integrations.${field}' <value>`,
    }));
}

/** Isolated subnets of the network as configured: known before deployment in both modes. */
function isolatedSubnetCount(ctx: StackContext, network?: Network): number {
  const config = ctx.config.network;
  if (network?.subnetLayout) {
    return network.subnetLayout.isolated?.cidrBlocks.length ?? 0;
  }
  return config.mode === "adopt"
    ? (config.isolatedSubnetIds?.length ?? 0)
    : config.isolatedSubnets === true
      ? 1
      : 0;
}

/**
 * The service layer from `tdp:services` (seed 001 Service Layer): the SSM integrations and
 * platform settings, the web entry point, the EKS cluster and the ECS platform services. The data
 * layer's keys, buckets and access-log bucket are passed in directly (the seed's DataStack
 * parameter is gone).
 */
export function deployServices(
  ctx: StackContext,
  network: Network,
  data: DataLayer,
  stores: DataStoreAccess = {},
): ServiceLayer {
  requireServicesConfig(ctx);
  const section = ctx.config.services;
  const platform = ctx.config.platform;
  const opts = ctx.componentOptions;
  const web: WebConfig = section.web!;
  const ids = biDashboardNetwork(ctx, network);
  const keys = data.keys.arns;
  const datalake = data.buckets.buckets.datalake;
  const athena = section.integrations.athenaCreateIamUser;

  const integrations = new PlatformIntegrations(
    "service-integrations",
    {
      naming: ctx.naming,
      secretsKmsKeyArn: keys.secrets,
      logsKmsKeyArn: keys.logs,
      logRetentionDays: platform.logRetentionDays,
      settings: {
        taskThroughput: section.ecs.taskThroughput,
        connectorMaxMemory: section.ecs.connectorMaxMemory,
      },
      box: {
        enabled: section.integrations.box.enabled,
        clientId: secretOf(section.integrations.box.clientId),
        clientSecret: secretOf(section.integrations.box.clientSecret),
      },
      egnyte: {
        enabled: section.integrations.egnyte.enabled,
        clientId: secretOf(section.integrations.egnyte.clientId),
      },
      anylinkEnabled: section.integrations.anylink.enabled,
      athenaCreateIamUser: athena.enabled,
      userAuditLogGroupSuffix: section.integrations.userAuditLogGroupSuffix,
    },
    opts,
  );

  // Seed ExposedOnInternet: internet-facing in the public subnets, otherwise internal.
  const webEntryPoint = new WebEntryPoint(
    "web",
    {
      ...webSettings(web),
      accessLogsPrefix: WEB_ALB_LOG_PREFIX,
      deletionProtection: web.deletionProtection,
      naming: ctx.naming,
      region: ctx.region,
      vpcId: network.vpcId,
      vpcCidrBlock: network.cidrBlock,
      internetFacing: platform.exposedOnInternet,
      subnetIds: platform.exposedOnInternet ? ids.publicSubnetIds : ids.privateSubnetIds,
      accessLogsBucketName: data.buckets.accessLogsBucketName,
    },
    opts,
  );

  const eks = section.eks;
  const cluster = new PlatformCluster(
    "eks",
    {
      naming: ctx.naming,
      iam: ctx.iam,
      region: ctx.region,
      accountId: platform.accountId,
      vpcId: network.vpcId,
      privateSubnetIds: ids.privateSubnetIds,
      kubernetesVersion: eks.kubernetesVersion,
      supportType: eksSupportType(eks),
      endpoint: eks.endpoint,
      adminRoleArns: eks.adminRoleArns,
      serviceIpv4Cidr: eks.serviceIpv4Cidr,
      // Kubernetes secrets stay on the cluster's own key (its policy is the cluster role's); the
      // control-plane logs use the data layer's logs key like every other log group.
      logsKmsKeyArn: keys.logs,
      logRetentionDays: platform.logRetentionDays,
      nodeGroups: eksNodeGroups(eks),
      metadataHopLimit: eks.metadataHopLimit,
      coreDns: eks.coreDns,
      // The nodes' volumes on the data layer's compute key (its policy admits the Auto Scaling
      // service-linked role, which launches the managed node groups' instances).
      ebsKmsKeyArn: keys.compute,
      workloads: {
        clusterAutoscaler: eks.workloads.clusterAutoscaler,
        dataProcessing: eks.workloads.dataProcessing.enabled
          ? {
              namespace: eks.workloads.dataProcessing.namespace,
              serviceAccount: eks.workloads.dataProcessing.serviceAccount,
              prefix: eks.workloads.dataProcessing.prefix,
              bucketArn: datalake.arn,
              kmsKeyArn: datalake.kmsKeyArn,
              // The workers process files too: they read the same platform settings (TaskThroughput,
              // ConnectorMaxMemory, ...) as the ECS services, those parameters only.
              settingsParameterArns: Object.values(integrations.settingsParameterArns),
            }
          : undefined,
      },
    },
    opts,
  );

  const services = new PlatformServices(
    "ecs",
    {
      naming: ctx.naming,
      iam: ctx.iam,
      region: ctx.region,
      accountId: platform.accountId,
      vpcId: network.vpcId,
      vpcCidrBlock: network.cidrBlock,
      privateSubnetIds: network.privateSubnetIds,
      privateDomain: ctx.config.network.privateDomain,
      serviceDiscoverySubdomain: section.ecs.serviceDiscovery.subdomain,
      services: ecsServices(section.ecs),
      taskRoleStatements: Object.fromEntries(
        section.ecs.services
          .filter((service) => service.bucketAccess.length > 0)
          .map((service) => [service.name, bucketAccessStatements(ctx, data, service.bucketAccess)]),
      ),
      logRetentionDays: platform.logRetentionDays,
      logsKmsKeyArn: keys.logs,
      secretsKmsKeyArn: keys.secrets,
      web: {
        listenerArn: webEntryPoint.listenerArn,
        securityGroupId: webEntryPoint.securityGroupId,
        hostNames: webEntryPoint.hostNames,
        loadBalancerArnSuffix: webEntryPoint.loadBalancerArnSuffix,
      },
      // Every container is told where the platform settings are (PLATFORM_SETTINGS_PATH); each
      // task role may read exactly those parameters.
      settingsPath: integrations.settingsPath,
      settingsParameterArns: Object.values(integrations.settingsParameterArns),
      injectedSecrets: integrations.secretsByService,
      iamUserCreation: {
        enabled: athena.enabled,
        services: athena.services,
        userPath: athena.userPath,
        permissionsBoundaryArn: athena.permissionsBoundaryArn ?? platform.iamBoundaryPolicyArn,
      },
      auditLogGroupArn: integrations.auditLogGroupArn,
      containerInsights: section.ecs.containerInsights,
      // ECS creates its service-linked role with the cluster when it is missing, which would make
      // the data step's creation of that role fail: the cluster waits for it.
      dependsOn: [data.serviceLinkedRoles],
    },
    opts,
  );

  // Seed EnableWinTaskScriptService: in the isolated subnets, reaching AWS only through the
  // interface endpoints (or the seed's endpoint overrides, tdp:network.serviceEndpoints).
  const windowsConfig = section.windows;
  const endpoints = ctx.config.network.serviceEndpoints;
  const windows = windowsConfig.enabled
    ? new WindowsWorkers(
        "windows-workers",
        {
          naming: ctx.naming,
          iam: ctx.iam,
          vpcId: network.vpcId,
          vpcCidrBlock: network.cidrBlock,
          isolatedSubnetIds: subnetInputs(network.isolatedSubnetIds, isolatedSubnetCount(ctx, network)),
          instanceType: windowsConfig.instanceType,
          additionalInstanceTypes: windowsConfig.additionalInstanceTypes,
          minSize: windowsConfig.minSize,
          maxSize: windowsConfig.maxSize,
          desiredSize: windowsConfig.desiredSize,
          volumeSizeGiB: windowsConfig.volumeSizeGiB,
          ebsKmsKeyArn: keys.compute,
          amiParameterName: windowsConfig.amiParameterName,
          // Task scripts reach S3 through the gateway endpoint (isolated subnets have no other way out).
          ...(ctx.config.network.s3GatewayEndpoint
            ? { s3PrefixListId: network.s3PrefixListId.apply((id) => id ?? "") }
            : {}),
          serviceEndpoints: Object.fromEntries(
            Object.entries(endpoints).filter((entry): entry is [string, string] => entry[1] !== undefined),
          ),
        },
        opts,
      )
    : undefined;

  const dataStoreIngress = dataStoreRules(ctx, stores, {
    "ecs-tasks": services.tasksSecurityGroupId,
    "eks-nodes": cluster.nodeSecurityGroupId,
  });
  // The network admits the services to the domain; the mapping document lets them in inside it.
  const searchRoleMappings =
    stores.searchSecurityGroupId === undefined
      ? undefined
      : searchRoleMappingsParameter(ctx, {
          ecsTaskRoleArns: Object.values(services.services).map((s) => s.taskRoleArn),
          eksWorkloadRoleArns: cluster.workloadRoleArns,
        });

  return {
    integrations,
    web: webEntryPoint,
    cluster,
    services,
    windows,
    dataStoreIngress,
    ...(searchRoleMappings ? { searchRoleMappings } : {}),
  };
}

/**
 * The database (its port) and the search domain (443) admit exactly the ECS tasks' and the EKS
 * nodes' security groups (pods on the VPC CNI carry the node's groups); nothing else is added.
 */
function dataStoreRules(
  ctx: StackContext,
  stores: DataStoreAccess,
  sources: Record<string, pulumi.Input<string>>,
): aws.vpc.SecurityGroupIngressRule[] {
  const targets: {
    store: string;
    securityGroupId?: pulumi.Input<string>;
    port: pulumi.Input<number>;
    what: string;
  }[] = [
    {
      store: "database",
      securityGroupId: stores.databaseSecurityGroupId,
      port: stores.databasePort ?? 5432,
      what: "PostgreSQL",
    },
    { store: "search", securityGroupId: stores.searchSecurityGroupId, port: 443, what: "OpenSearch HTTPS" },
  ];
  const rules: aws.vpc.SecurityGroupIngressRule[] = [];
  for (const target of targets) {
    if (target.securityGroupId === undefined) {
      continue;
    }
    for (const [source, sourceGroupId] of Object.entries(sources)) {
      rules.push(
        new aws.vpc.SecurityGroupIngressRule(
          `services-${target.store}-from-${source}`,
          {
            securityGroupId: target.securityGroupId,
            referencedSecurityGroupId: sourceGroupId,
            ipProtocol: "tcp",
            fromPort: target.port,
            toPort: target.port,
            description: `${target.what} from the ${source.replace("-", " ")} (service layer)`,
          },
          { provider: ctx.provider },
        ),
      );
    }
  }
  return rules;
}

/**
 * A service's grants on the data layer's buckets: objects (under the prefix) and the listing of
 * that prefix; the bucket's key only through S3 (SSE-KMS needs Decrypt to read and
 * GenerateDataKey to write; multipart uploads need Decrypt too).
 */
export function bucketAccessStatements(
  ctx: StackContext,
  data: DataLayer,
  grants: EcsConfig["services"][number]["bucketAccess"],
): PolicyStatement[] {
  return grants.flatMap((grant) => {
    const bucket = data.buckets.buckets[grant.bucket];
    const prefix = grant.prefix ?? "";
    const sid = grant.bucket.replace(/-([a-z])/g, (_m: string, c: string) => c.toUpperCase());
    const Sid = (what: string) => `${what}${sid[0]!.toUpperCase()}${sid.slice(1)}`;
    const objects = pulumi.interpolate`${bucket.arn}/${prefix}*`;
    const read = grant.access !== "write";
    const write = grant.access !== "read";
    const viaS3 = { Condition: { StringEquals: { "kms:ViaService": `s3.${ctx.region}.amazonaws.com` } } };
    return [
      allow(
        [
          ...(read ? ["s3:GetObject", "s3:GetObjectVersion"] : []),
          ...(write ? ["s3:PutObject", "s3:AbortMultipartUpload", "s3:DeleteObject"] : []),
        ],
        objects,
        { Sid: Sid("Objects") },
      ),
      allow("s3:ListBucket", bucket.arn, {
        Sid: Sid("List"),
        ...(prefix ? { Condition: { StringLike: { "s3:prefix": `${prefix}*` } } } : {}),
      }),
      allow(["kms:Decrypt", ...(write ? ["kms:GenerateDataKey"] : [])], bucket.kmsKeyArn, {
        Sid: Sid("KeyThroughS3"),
        ...viaS3,
      }),
    ];
  });
}

/** A config secret as a Pulumi secret (absent stays absent, so a missing value is caught). */
function secretOf(value: string | undefined): pulumi.Output<string> | undefined {
  return value === undefined || value === "" ? undefined : pulumi.secret(value);
}

/** The service layer's stack outputs. */
export function servicesOutputs(layer: ServiceLayer): Record<string, pulumi.Input<unknown>> {
  const { web, cluster, services, integrations } = layer;
  return {
    url: web.url,
    webHostNames: web.hostNames,
    loadBalancerDnsName: web.dnsName,
    certificateArn: web.certificateArn,
    publicZoneId: web.publicZoneId,
    publicZoneNameServers: web.nameServers,
    eks: {
      clusterName: cluster.clusterName,
      kubernetesVersion: cluster.kubernetesVersion,
      endpoint: cluster.endpoint,
      oidcProviderArn: cluster.oidcProviderArn,
      nodeSecurityGroupId: cluster.nodeSecurityGroupId,
      workloadRoleArns: cluster.workloadRoleArns,
      kubeconfig: cluster.kubeconfigJson,
    },
    ecs: {
      clusterName: services.clusterName,
      namespace: services.namespaceName,
      tasksSecurityGroupId: services.tasksSecurityGroupId,
      services: Object.keys(services.services),
      disabledServices: services.disabledServices,
    },
    ...(layer.windows
      ? {
          windowsWorkers: {
            autoScalingGroupName: layer.windows.autoScalingGroupName,
            securityGroupId: layer.windows.securityGroupId,
            roleArn: layer.windows.roleArn,
            amiId: layer.windows.amiId,
          },
        }
      : {}),
    settingsPath: integrations.settingsPath,
    secureParameterNames: integrations.secureParameterNames,
    userAuditLogGroup: integrations.auditLogGroupName,
  };
}
