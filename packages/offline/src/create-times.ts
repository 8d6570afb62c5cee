import type { PlanResource } from "./plan";

/** How long a fresh `pulumi up` typically spends creating one resource of a slow type. */
export interface CreateTime {
  /** Typical seconds from the create call to the provider reporting the resource ready. */
  seconds: number;
  /** Where the figure comes from: a public statement of the service or the provider. */
  source: string;
}

/** Seconds counted for a custom resource of a type not in {@link SLOW_CREATE_TIMES}. */
export const FAST_CREATE_SECONDS = 10;

/**
 * Typical create times of the resource types that dominate a fresh deployment. Everything else
 * counts as {@link FAST_CREATE_SECONDS}; components, providers and stack references as nothing.
 * Figures are typical, not worst cases: the provider's own create timeouts are far longer.
 */
export const SLOW_CREATE_TIMES: Readonly<Record<string, CreateTime>> = {
  "aws:opensearch/domain:Domain": {
    seconds: 25 * 60,
    source:
      "Amazon OpenSearch Service Developer Guide, Creating and managing domains: new domains typically take 15 to 30 minutes to initialize (counted: 25)",
  },
  "aws:rds/instance:Instance": {
    seconds: 15 * 60,
    source:
      "Amazon RDS User Guide, Creating a DB instance: Multi-AZ instances are created with their standby; commonly 10 to 20 minutes (counted: 15; single-AZ: 10)",
  },
  "eks:index:Cluster": {
    seconds: 15 * 60,
    source:
      "aws/containers-roadmap issue 1227: EKS control plane provisioning averages 15 minutes (counted with the component's own security groups, OIDC provider and access entries)",
  },
  "aws:eks/cluster:Cluster": {
    seconds: 15 * 60,
    source: "aws/containers-roadmap issue 1227: EKS control plane provisioning averages 15 minutes",
  },
  "aws:eks/nodeGroup:NodeGroup": {
    seconds: 5 * 60,
    source:
      "Amazon EKS User Guide, Create a managed node group: the group is ACTIVE once its instances join, commonly 3 to 5 minutes (counted: 5)",
  },
  "aws:eks/addon:Addon": {
    seconds: 2 * 60,
    source:
      "Amazon EKS User Guide, Amazon EKS add-ons: an add-on is ACTIVE once its pods run, about 1 to 2 minutes",
  },
  "awsx:ec2:Vpc": {
    seconds: 3 * 60,
    source:
      "Amazon VPC User Guide, NAT gateways: a NAT gateway is pending until available, 1 to 3 minutes; the VPC's other parts are fast (counted: 3)",
  },
  "aws:ec2/natGateway:NatGateway": {
    seconds: 2 * 60,
    source: "Amazon VPC User Guide, NAT gateways: pending until available, 1 to 3 minutes (counted: 2)",
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    seconds: 2 * 60,
    source: "AWS PrivateLink Guide, interface endpoints: pending until available, about 2 minutes",
  },
  "aws:acm/certificateValidation:CertificateValidation": {
    seconds: 5 * 60,
    source:
      "AWS Certificate Manager User Guide, DNS validation: ACM issues the certificate minutes after the CNAME record resolves (counted: 5)",
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    seconds: 3 * 60,
    source:
      "Elastic Load Balancing User Guide: a new load balancer is provisioning until active, about 3 minutes",
  },
  "aws:autoscaling/group:Group": {
    seconds: 5 * 60,
    source:
      "Pulumi aws.autoscaling.Group: waits for the desired capacity to be InService (waitForCapacityTimeout, default 10 minutes); an instance boots and passes its checks in about 5",
  },
  "aws:efs/mountTarget:MountTarget": {
    seconds: 90,
    source: "Amazon EFS User Guide, Creating mount targets: creating until available, about 90 seconds",
  },
  "aws:imagebuilder/image:Image": {
    seconds: 35 * 60,
    source:
      "EC2 Image Builder User Guide: an image build launches a build instance, runs its components, then tests; commonly 30 to 45 minutes (counted: 35)",
  },
  "aws:cloudfront/distribution:Distribution": {
    seconds: 10 * 60,
    source:
      "Amazon CloudFront Developer Guide: a new distribution deploys to every edge location in minutes (counted: 10)",
  },
};

/** The create time counted for one resource of the plan. */
export function createSeconds(resource: PlanResource): number {
  if (resource.read !== undefined) return 0;
  const slow = SLOW_CREATE_TIMES[resource.type];
  if (slow !== undefined) {
    if (resource.type === "aws:rds/instance:Instance" && resource.inputs["multiAz"] !== true) return 10 * 60;
    return slow.seconds;
  }
  // An ECS service that waits for its tasks to be healthy is as slow as a task's start and checks.
  if (resource.type === "aws:ecs/service:Service" && resource.inputs["waitForSteadyState"] === true)
    return 5 * 60;
  if (!resource.custom) return 0;
  if (resource.type.startsWith("pulumi:")) return 0;
  return FAST_CREATE_SECONDS;
}
