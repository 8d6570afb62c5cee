import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { PlatformServicesArgs } from "./args";
import { DEFAULT_PRIVATE_DOMAIN } from "./args";
import { DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN } from "./validation";

/** The ECS cluster and the Cloud Map namespace the services register in. */
export interface ServicesCluster {
  cluster: aws.ecs.Cluster;
  capacityProviders: aws.ecs.ClusterCapacityProviders;
  namespace: aws.servicediscovery.PrivateDnsNamespace;
  namespaceName: string;
}

/** The Fargate cluster with Container Insights, its capacity providers and the Cloud Map namespace. */
export function createServicesCluster(
  parent: pulumi.Resource,
  name: string,
  args: PlatformServicesArgs,
): ServicesCluster {
  const child = { parent };
  const naming = args.naming;
  const cluster = new aws.ecs.Cluster(
    `${name}-cluster`,
    {
      name: naming.name("ecsCluster", "services"),
      settings: [{ name: "containerInsights", value: args.containerInsights ?? "enabled" }],
    },
    { parent, dependsOn: args.dependsOn ?? [] },
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

  // Cloud Map creates its own private zone: a subdomain of PrivateDomain, so it never clashes
  // with the network's zone of that name (the VPC resolver answers from the most specific zone).
  const namespaceName = `${args.serviceDiscoverySubdomain ?? DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN}.${
    args.privateDomain ?? DEFAULT_PRIVATE_DOMAIN
  }`;
  const namespace = new aws.servicediscovery.PrivateDnsNamespace(
    `${name}-namespace`,
    {
      name: namespaceName,
      vpc: args.vpcId,
      description: "ECS inter-service names (seed PrivateDomain)",
    },
    child,
  );
  return { cluster, capacityProviders, namespace, namespaceName };
}

/** One service's Cloud Map name (`<service>.<namespace>`, A records of its tasks). */
export function createDiscoveryService(
  parent: pulumi.Resource,
  prefix: string,
  svc: string,
  namespaceId: pulumi.Input<string>,
): aws.servicediscovery.Service {
  return new aws.servicediscovery.Service(
    `${prefix}-discovery`,
    {
      name: svc,
      namespaceId,
      dnsConfig: {
        namespaceId,
        dnsRecords: [{ ttl: 10, type: "A" }],
        routingPolicy: "MULTIVALUE",
      },
      forceDestroy: true,
    },
    { parent },
  );
}
