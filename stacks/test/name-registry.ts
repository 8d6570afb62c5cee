import type { PlanFile, PlanResource } from "@tdp/offline";

/**
 * Fixed physical names against replacements. Pulumi replaces a resource by creating the new one
 * before deleting the old one; when the name is fixed and AWS wants it unique, the create fails.
 * Every resource type of the plans that carries a name-like property is registered here: which
 * property is its own physical name (or null, with why it is not one), and which of its
 * properties force a replacement. A resource that sets its name and one of those properties is a
 * hazard unless it is protected (Pulumi refuses the replacement), asks for deleteBeforeReplace,
 * or its type is in the allow-list below with the reason the replacement cannot collide.
 */
interface NameRule {
  /** The property holding the resource's own physical name; null: the type has none. */
  name: string | null;
  /** Why a type with a name-like property has no fixed physical name. */
  why?: string;
  /** The properties (besides the name) whose change replaces the resource. */
  replaceOn: string[];
}

const reference = (why: string): NameRule => ({ name: null, why, replaceOn: [] });
const named = (name: string, ...replaceOn: string[]): NameRule => ({ name, replaceOn });

export const NAME_RULES: Readonly<Record<string, NameRule>> = {
  "aws:acm/certificate:Certificate": reference("ACM issues any number of certificates for one domain"),
  "aws:appautoscaling/policy:Policy": named("name", "resourceId", "scalableDimension", "serviceNamespace"),
  "aws:autoscaling/group:Group": named("name"),
  "aws:autoscaling/policy:Policy": named("name", "autoscalingGroupName"),
  "aws:backup/plan:Plan": named("name"),
  "aws:backup/selection:Selection": named(
    "name",
    "planId",
    "iamRoleArn",
    "resources",
    "notResources",
    "selectionTags",
    "conditions",
  ),
  "aws:backup/vault:Vault": named("name", "kmsKeyArn"),
  "aws:cloudtrail/trail:Trail": named("name"),
  "aws:cloudwatch/eventRule:EventRule": named("name", "eventBusName"),
  "aws:cloudwatch/logGroup:LogGroup": named("name", "logGroupClass"),
  "aws:cloudwatch/logResourcePolicy:LogResourcePolicy": named("policyName"),
  "aws:cloudwatch/metricAlarm:MetricAlarm": named("name"),
  "aws:cognito/identityProvider:IdentityProvider": named("providerName", "userPoolId", "providerType"),
  "aws:cognito/userPool:UserPool": named("name", "aliasAttributes", "usernameAttributes"),
  "aws:cognito/userPoolClient:UserPoolClient": named("name", "userPoolId", "generateSecret"),
  "aws:cognito/userPoolDomain:UserPoolDomain": named("domain", "userPoolId"),
  "aws:ec2/launchTemplate:LaunchTemplate": named("name"),
  "aws:ec2/securityGroup:SecurityGroup": named("name", "description", "vpcId"),
  "aws:ec2/vpcEndpoint:VpcEndpoint": reference("serviceName is the AWS service it connects to"),
  "aws:ecs/cluster:Cluster": named("name"),
  "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders": reference("clusterName names the cluster"),
  "aws:ecs/service:Service": named(
    "name",
    "cluster",
    "launchType",
    "schedulingStrategy",
    "serviceRegistries",
    "deploymentController",
    "iamRole",
  ),
  "aws:ecs/taskDefinition:TaskDefinition": reference(
    "a family takes a new revision, never a second definition",
  ),
  "aws:efs/fileSystem:FileSystem": named(
    "creationToken",
    "encrypted",
    "kmsKeyId",
    "performanceMode",
    "availabilityZoneName",
  ),
  "aws:eks/addon:Addon": named("addonName", "clusterName"),
  "aws:eks/nodeGroup:NodeGroup": named(
    "nodeGroupName",
    "amiType",
    "capacityType",
    "diskSize",
    "instanceTypes",
    "nodeRoleArn",
    "subnetIds",
    "remoteAccess",
    "clusterName",
  ),
  "aws:athena/workgroup:Workgroup": named("name"),
  "aws:glue/catalogDatabase:CatalogDatabase": named("name", "catalogId"),
  "aws:iam/instanceProfile:InstanceProfile": named("name", "path"),
  "aws:iam/policy:Policy": named("name", "description", "path"),
  "aws:iot/policy:Policy": named("name"),
  "aws:imagebuilder/component:Component": named(
    "name",
    "version",
    "data",
    "description",
    "platform",
    "supportedOsVersions",
    "kmsKeyId",
  ),
  "aws:imagebuilder/imageRecipe:ImageRecipe": named(
    "name",
    "version",
    "parentImage",
    "components",
    "blockDeviceMappings",
    "description",
    "workingDirectory",
  ),
  "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": named("name"),
  "aws:iam/role:Role": named("name", "path"),
  "aws:iam/rolePolicy:RolePolicy": named("name", "role"),
  "aws:kms/alias:Alias": named("name"),
  "aws:lambda/function:Function": named("name", "packageType"),
  "aws:lambda/invocation:Invocation": reference(
    "functionName names the function it invokes; an invocation has no physical name of its own",
  ),
  "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig": reference(
    "functionName names the function",
  ),
  "aws:lb/loadBalancer:LoadBalancer": named("name", "internal", "loadBalancerType"),
  "aws:lb/targetGroup:TargetGroup": named(
    "name",
    "port",
    "protocol",
    "protocolVersion",
    "targetType",
    "vpcId",
    "ipAddressType",
  ),
  "aws:opensearch/domain:Domain": named("domainName"),
  "aws:rds/instance:Instance": named(
    "identifier",
    "availabilityZone",
    "characterSetName",
    "dbName",
    "kmsKeyId",
    "storageEncrypted",
    "username",
    "snapshotIdentifier",
  ),
  "aws:rds/optionGroup:OptionGroup": named(
    "name",
    "engineName",
    "majorEngineVersion",
    "optionGroupDescription",
  ),
  "aws:rds/parameterGroup:ParameterGroup": named("name", "family", "description"),
  "aws:rds/subnetGroup:SubnetGroup": named("name"),
  "aws:route53/record:Record": named("name", "type", "zoneId", "setIdentifier"),
  "aws:route53/zone:Zone": reference("Route 53 makes a new zone (a new id) for a name already in use"),
  "aws:s3/bucket:Bucket": named("bucket", "objectLockEnabled"),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": reference("bucket names the bucket"),
  "aws:s3/bucketLogging:BucketLogging": reference("bucket names the bucket"),
  "aws:s3/bucketNotification:BucketNotification": reference("bucket names the bucket"),
  "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration": reference("bucket names the bucket"),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": reference("bucket names the bucket"),
  "aws:s3/bucketPolicy:BucketPolicy": reference("bucket names the bucket"),
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": reference("bucket names the bucket"),
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": reference("bucket names the bucket"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration":
    reference("bucket names the bucket"),
  "aws:s3/bucketVersioning:BucketVersioning": reference("bucket names the bucket"),
  "aws:secretsmanager/secret:Secret": named("name"),
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": named("name", "vpc"),
  "aws:servicediscovery/service:Service": named("name", "namespaceId", "dnsConfig"),
  "aws:sns/topic:Topic": named("name", "fifoTopic"),
  "aws:sqs/queue:Queue": named("name", "fifoQueue"),
  "aws:ssm/document:Document": named("name", "documentType"),
  "aws:ssm/parameter:Parameter": named("name"),
};

/** Properties that name a resource (its own name or another's): a type using one must be registered. */
const NAME_LIKE = [
  "name",
  "bucket",
  "identifier",
  "domainName",
  "functionName",
  "family",
  "creationToken",
  "policyName",
  "clusterName",
  "nodeGroupName",
  "serviceName",
  "addonName",
];

/** Types whose fixed name survives their replacements, and why. */
export const ALLOWED: Readonly<Record<string, string>> = {
  "aws:appautoscaling/policy:Policy":
    "policy names are unique per scalable target; what forces a replacement is another target, where the name is free",
  "aws:autoscaling/policy:Policy":
    "policy names are unique per Auto Scaling group; autoscalingGroupName changes only to another group",
  "aws:iam/rolePolicy:RolePolicy":
    "inline policy names are unique per role; role changes only to another role, where the name is free",
  "aws:rds/optionGroup:OptionGroup":
    "the name carries the engine's major version (…-options-11-4), so a new major version is a new name; engine and description are fixed in code",
  "aws:rds/parameterGroup:ParameterGroup":
    "the name carries the parameter group family (…-mariadb11-4, …-pg17), so a new family is a new name; the description is fixed in code",
  "aws:route53/record:Record":
    "each record's type is fixed in code (alias A, validation CNAME); zoneId changes only to another zone, where the name is free",
  "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace":
    "vpc changes only to another VPC, where the namespace name is free",
  "aws:servicediscovery/service:Service":
    "service names are unique per namespace; namespaceId changes only to another namespace, and the DNS records' settings are fixed in code",
  "aws:ssm/document:Document": "documentType is fixed in code (Automation)",
  "aws:iam/policy:Policy":
    "the organizations' Athena policy keeps the name users attach (ts-athena-<region>-<environment>-<orgSlug>-policy); its description names only the organization, which the name holds too, and its path is the default: nothing that forces a replacement can change while the name stays",
  "aws:imagebuilder/component:Component":
    "a component is name plus version, and the version is derived from the build document (contentVersion): new content is a new version beside the old; description, platform and OS list are fixed in code",
  "aws:imagebuilder/imageRecipe:ImageRecipe":
    "a recipe is name plus version, and the version is derived from the parent image, the component document, the AWS components and the root volume (contentVersion): any change is a new version beside the old",
  "aws:cognito/userPoolClient:UserPoolClient":
    "app client names need not be unique in a pool: Cognito tells clients apart by their generated id",
  "aws:eks/addon:Addon":
    "one add-on of each name per cluster; clusterName changes only to another cluster, where the name is free",
};

export interface FixedNameEntry {
  urn: string;
  type: string;
  /** The physical name. */
  physicalName: string;
  /** The properties set on it that force a replacement. */
  replaceOn: string[];
  /** Why a replacement cannot collide; undefined: it can (a hazard). */
  reason?: string;
}

/** Every resource of a plan with a fixed physical name and a property set that forces replacement. */
export function fixedNameEntries(plan: Pick<PlanFile, "resources">): FixedNameEntry[] {
  const entries: FixedNameEntry[] = [];
  for (const resource of plan.resources) {
    if (!resource.custom || resource.read !== undefined || resource.type.startsWith("pulumi:")) {
      continue;
    }
    const rule = NAME_RULES[resource.type];
    if (rule === undefined) {
      const property = NAME_LIKE.find((p) => resource.inputs[p] !== undefined);
      if (property !== undefined) {
        throw new Error(
          `${resource.urn}: ${resource.type} sets ${property} but the type is not in NAME_RULES of stacks/test/name-registry.ts; register it (its name property, or null, and the properties that force its replacement)`,
        );
      }
      continue;
    }
    const physicalName = rule.name === null ? undefined : resource.inputs[rule.name];
    if (physicalName === undefined) {
      continue;
    }
    const replaceOn = rule.replaceOn.filter((p) => resource.inputs[p] !== undefined);
    if (replaceOn.length === 0) {
      continue;
    }
    entries.push({
      urn: resource.urn,
      type: resource.type,
      physicalName: String(physicalName),
      replaceOn,
      reason: reasonOf(resource),
    });
  }
  return entries;
}

function reasonOf(resource: PlanResource): string | undefined {
  if (resource.protect) {
    return "protected: Pulumi refuses to replace it until it is unprotected on purpose";
  }
  if (resource.options?.deleteBeforeReplace === true) {
    return "deleteBeforeReplace: the old one is deleted before the new one is created";
  }
  return ALLOWED[resource.type];
}
