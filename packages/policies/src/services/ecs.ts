import { resourcePolicy } from "../define";
import { asArray, asRecord, get, isTrue, isUnknown, SECRET, type Props, isPending } from "../props";

export const TASK_DEFINITION = "aws:ecs/taskDefinition:TaskDefinition";
export const ECS_SERVICE = "aws:ecs/service:Service";
export const ECS_CLUSTER = "aws:ecs/cluster:Cluster";

/**
 * The container definitions of a task definition: the provider takes them as JSON text; undefined
 * when not known yet (a preview, or an unknown inside the text that broke it).
 */
export function containersOf(props: Props): Props[] | undefined {
  const value = props["containerDefinitions"];
  if (isUnknown(value) || value === SECRET) return undefined;
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  return asArray(parsed)
    .map((c) => asRecord(c))
    .filter((c): c is Props => c !== undefined);
}

function family(name: string, props: Props): string {
  const value = props["family"];
  return typeof value === "string" && !isUnknown(value) ? value : name;
}

function containerName(container: Props, index: number): string {
  const name = container["name"];
  return typeof name === "string" ? name : `#${index}`;
}

export const ecsNoPublicIp = resourcePolicy({
  name: "ecs-no-public-ip",
  satisfiedBy: ["packages/eks-services/src/ecs/service.ts"],
  description: "ECS services do not give their tasks public IP addresses.",
  module: "ecs",
  controls: { fsbp: ["ECS.2"], checkov: ["CKV_AWS_333"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set networkConfiguration.assignPublicIp false and run the tasks in private subnets (they reach AWS through NAT or VPC endpoints)",
  types: [ECS_SERVICE],
  check(resource, report) {
    if (isTrue(get(resource.props, "networkConfiguration.assignPublicIp")))
      report(`service ${resource.name} assigns public IP addresses to its tasks`);
  },
});

export const ecsNoPrivilegedContainers = resourcePolicy({
  name: "ecs-no-privileged-containers",
  satisfiedBy: ["packages/eks-services/src/ecs/task-definition.ts"],
  description: "No container of a task definition runs privileged (root on the host).",
  module: "ecs",
  controls: { fsbp: ["ECS.4"], checkov: ["CKV_AWS_334"] },
  enforcementLevel: "mandatory",
  remediation:
    "Remove privileged: true from the container definition; grant the specific Linux capabilities it needs",
  types: [TASK_DEFINITION],
  check(resource, report) {
    (containersOf(resource.props) ?? []).forEach((container, i) => {
      if (isTrue(container["privileged"]))
        report(
          `task definition ${family(resource.name, resource.props)} runs container ${containerName(container, i)} privileged`,
        );
    });
  },
});

export const ecsReadOnlyRootFilesystem = resourcePolicy({
  name: "ecs-read-only-root-filesystem",
  satisfiedBy: ["packages/eks-services/src/ecs/task-definition.ts"],
  description: "Containers mount their root file system read-only where the image allows.",
  module: "ecs",
  controls: { fsbp: ["ECS.5"], checkov: ["CKV_AWS_336"] },
  enforcementLevel: "advisory",
  remediation:
    "Set readonlyRootFilesystem true and give the container a writable volume (for example /tmp) for what it writes",
  types: [TASK_DEFINITION],
  check(resource, report) {
    (containersOf(resource.props) ?? []).forEach((container, i) => {
      if (!isTrue(container["readonlyRootFilesystem"]))
        report(
          `task definition ${family(resource.name, resource.props)} mounts container ${containerName(container, i)}'s root file system read-write`,
        );
    });
  },
});

export const ecsContainerLogging = resourcePolicy({
  name: "ecs-container-logging",
  satisfiedBy: [
    "packages/eks-services/src/ecs/task-definition.ts",
    "packages/eks-services/src/ecs/service.ts",
  ],
  description: "Every container of a task definition has a log configuration.",
  module: "ecs",
  controls: { fsbp: ["ECS.9"], checkov: [] },
  enforcementLevel: "advisory",
  remediation:
    'Give every container a logConfiguration (logDriver "awslogs" to the service\'s log group, or awsfirelens)',
  types: [TASK_DEFINITION],
  check(resource, report) {
    (containersOf(resource.props) ?? []).forEach((container, i) => {
      const config = container["logConfiguration"];
      if (config === undefined || config === null || get(config, "logDriver") === undefined)
        report(
          `task definition ${family(resource.name, resource.props)} has no log configuration for container ${containerName(container, i)}`,
        );
    });
  },
});

export const ecsContainerInsights = resourcePolicy({
  name: "ecs-container-insights",
  satisfiedBy: ["packages/eks-services/src/ecs/cluster.ts"],
  description: "ECS clusters turn Container Insights on (enabled or enhanced).",
  module: "ecs",
  controls: { fsbp: ["ECS.12"], checkov: ["CKV_AWS_65"] },
  enforcementLevel: "advisory",
  remediation: 'Add the cluster setting { name: "containerInsights", value: "enabled" } (or "enhanced")',
  types: [ECS_CLUSTER],
  check(resource, report) {
    const settings = resource.props["settings"];
    if (isPending(settings)) return;
    const insights = asArray(settings).find((s) => get(s, "name") === "containerInsights");
    const value = get(insights, "value");
    if (isPending(value)) return;
    if (value !== "enabled" && value !== "enhanced")
      report(`cluster ${resource.name} has Container Insights ${typeof value === "string" ? value : "off"}`);
  },
});

export const ecsPolicies = [
  ecsNoPublicIp,
  ecsNoPrivilegedContainers,
  ecsReadOnlyRootFilesystem,
  ecsContainerLogging,
  ecsContainerInsights,
];
