/**
 * Pure validation of the ECS platform services (seed 001 Service Layer: MinCapacity, MaxCapacity,
 * ConnectorMaxMemory, TaskThroughput, PrivateDomain). Every error names the field, the value and
 * the rule, so the stack config phase can report it before any resource is registered.
 */

/** Seed MinCapacity default. */
export const DEFAULT_MIN_CAPACITY = 2;
/** Seed MaxCapacity default. */
export const DEFAULT_MAX_CAPACITY = 4;
/** Seed TaskThroughput default: files processed in parallel. */
export const DEFAULT_TASK_THROUGHPUT = 20;
/** Seed ConnectorMaxMemory default (MiB): memory limit of connector containers on Data Hubs. */
export const DEFAULT_CONNECTOR_MAX_MEMORY = 2048;
/** Path segment (under `/tetrascience/<environment>/ECS/`) of the platform-settings String parameters. */
export const PLATFORM_SETTINGS_SEGMENT = "platform-settings";
/**
 * The environment variable every ECS container gets, naming the platform settings' SSM path
 * (`/tetrascience/<environment>/ECS/platform-settings`): the app reads `<path>/TASK_THROUGHPUT`,
 * `<path>/CONNECTOR_MAX_MEMORY`, ... by name (GetParameter/GetParameters on exactly those).
 */
export const PLATFORM_SETTINGS_PATH_VARIABLE = "PLATFORM_SETTINGS_PATH";
/** The variables the component sets in every container; a service's own environment may not set them. */
export const COMPONENT_ENVIRONMENT = [
  "SERVICE_DISCOVERY_NAMESPACE",
  "SSM_PARAMETER_PATH",
  PLATFORM_SETTINGS_PATH_VARIABLE,
] as const;

/** The platform settings' SSM path of a deployment: `/tetrascience/<environment>/ECS/platform-settings`. */
export function platformSettingsPath(naming: { ssmPath(...segments: string[]): string }): string {
  return naming.ssmPath("ECS", PLATFORM_SETTINGS_SEGMENT);
}
/**
 * The Cloud Map namespace is `<label>.<PrivateDomain>`: a namespace named like the network's
 * private zone for PrivateDomain would clash with that zone in the same VPC.
 */
export const DEFAULT_SERVICE_DISCOVERY_SUBDOMAIN = "svc";
export const DEFAULT_CPU = 512;
export const DEFAULT_MEMORY = 1024;
export const DEFAULT_HEALTH_CHECK_PATH = "/health";
export const DEFAULT_CPU_TARGET_PERCENT = 60;
/** Paths a read-only-root container may write to, as task-scoped volumes. */
export const DEFAULT_WRITABLE_PATHS = ["/tmp"];

/** Fargate's valid task sizes: memory (MiB) allowed for each CPU value (units). */
export const FARGATE_SIZES: Readonly<
  Record<number, { min: number; max: number; step: number; extra?: number[] }>
> = {
  256: { min: 1024, max: 2048, step: 1024, extra: [512] },
  512: { min: 1024, max: 4096, step: 1024 },
  1024: { min: 2048, max: 8192, step: 1024 },
  2048: { min: 4096, max: 16384, step: 1024 },
  4096: { min: 8192, max: 30720, step: 1024 },
  8192: { min: 16384, max: 61440, step: 4096 },
  16384: { min: 32768, max: 122880, step: 8192 },
};

/** The memory values Fargate accepts for `cpu`, or undefined when the CPU value is not a Fargate size. */
export function fargateMemoryOptions(cpu: number): number[] | undefined {
  const size = FARGATE_SIZES[cpu];
  if (size === undefined) {
    return undefined;
  }
  const values = new Set<number>(size.extra ?? []);
  for (let memory = size.min; memory <= size.max; memory += size.step) {
    values.add(memory);
  }
  return [...values].sort((a, b) => a - b);
}

/** Which host of the web entry point a route matches: PublicDomain or its `api.` subdomain. */
export type RouteHost = "web" | "api";

export interface ServiceRouting {
  /** Hosts the rule matches. @default ["web"] */
  hosts?: RouteHost[];
  /** ALB path patterns (`/api/*`). @default ["/*"] */
  pathPatterns?: string[];
  /** Listener rule priority, unique across services (1-50000). @default 100 + 10 × position */
  priority?: number;
}

export interface ServiceAutoscaling {
  /** Target average CPU utilisation (%). @default 60 */
  cpuTargetPercent?: number;
  /** Target ALB requests per task per minute; only for routed services. @default none */
  requestsPerTarget?: number;
  /** @default 300 */
  scaleInCooldownSeconds?: number;
  /** @default 60 */
  scaleOutCooldownSeconds?: number;
}

/** One platform service (a seed `<service>` row: MinCapacity, MaxCapacity). */
export interface PlatformServiceSpec {
  /** Service name (`ts-service-web`): ECS service, Cloud Map name, SSM path segment. */
  name: string;
  /** Container image, e.g. `<account>.dkr.ecr.<region>.amazonaws.com/ts-service-web:master`. */
  image: string;
  /** Task CPU units (Fargate sizes). @default 512 */
  cpu?: number;
  /** Task memory in MiB (a valid Fargate combination with cpu). @default 1024 */
  memory?: number;
  /** Container port; required when routed. @default none */
  port?: number;
  /** ALB health-check path for a routed service. @default "/health" */
  healthCheckPath?: string;
  /** Routing from the web entry point; absent: not reachable through the ALB. @default none */
  routing?: ServiceRouting;
  /** Seed MinCapacity; 0 with maxCapacity 0 disables the service (it is not created). @default 2 */
  minCapacity?: number;
  /** Seed MaxCapacity. @default 4 */
  maxCapacity?: number;
  /** Target tracking settings. @default CPU 60% */
  autoscaling?: ServiceAutoscaling;
  /** Read-only root filesystem (FSBP ECS.5); writablePaths get task volumes. @default true */
  readOnlyRootFilesystem?: boolean;
  /** Paths mounted from a task-scoped volume so the app can write with a read-only root. @default ["/tmp"] */
  writablePaths?: string[];
  /** Plain, non-secret environment variables. @default {} */
  environment?: Record<string, string>;
  /**
   * Secrets injected by ECS from SSM (FSBP ECS.8): env var name → parameter name under the
   * service's own path `/tetrascience/<environment>/ECS/<service>/`. @default {}
   */
  secrets?: Record<string, string>;
  /** Container command override. @default the image's */
  command?: string[];
}

const SERVICE_NAME = /^[a-z][a-z0-9-]{0,46}[a-z0-9]$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PARAMETER_NAME = /^[A-Za-z0-9_.-]{1,128}$/;
// registry/repository[:tag][@sha256:digest]; lowercase repository path as Docker requires.
const IMAGE =
  /^(?:[a-zA-Z0-9.-]+(?::\d+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
// Characters an ALB path-pattern condition accepts (AWS ELB docs, "Path conditions").
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&*?]*$/;
const SECRET_LOOKING = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_KEY|ACCESS_KEY|API_KEY|CLIENT_SECRET)/i;
const RESERVED_PORTS = new Set([2375, 2376, 51678, 51679, 51680]);

function fail(field: string, value: unknown, rule: string): never {
  throw new Error(`${field} ${JSON.stringify(value)}: ${rule}`);
}

/** True when the spec is a seed "not used" service: MinCapacity and MaxCapacity both 0. */
export function isServiceDisabled(spec: Pick<PlatformServiceSpec, "minCapacity" | "maxCapacity">): boolean {
  return spec.minCapacity === 0 && spec.maxCapacity === 0;
}

/** Validates one service; `field` is its position in the list (`services[2]`). */
export function validatePlatformService(spec: PlatformServiceSpec, field = `services[${spec.name}]`): void {
  if (!SERVICE_NAME.test(spec.name)) {
    fail(
      `${field}.name`,
      spec.name,
      "must be 2 to 48 lowercase letters, digits and hyphens, starting with a letter (it becomes a DNS label, an SSM path segment and part of the target group name)",
    );
  }
  if (!IMAGE.test(spec.image)) {
    fail(
      `${field}.image`,
      spec.image,
      "must be a container image reference such as <registry>/<repository>:<tag>",
    );
  }
  const cpu = spec.cpu ?? DEFAULT_CPU;
  const memory = spec.memory ?? DEFAULT_MEMORY;
  const options = fargateMemoryOptions(cpu);
  if (options === undefined) {
    fail(
      `${field}.cpu`,
      cpu,
      `is not a Fargate task CPU size; use one of ${Object.keys(FARGATE_SIZES).join(", ")}`,
    );
  }
  if (!options.includes(memory)) {
    const size = FARGATE_SIZES[cpu]!;
    fail(
      `${field}.memory`,
      memory,
      `is not valid with cpu ${cpu} on Fargate: use ` +
        (options.length <= 6
          ? `one of ${options.join(", ")} MiB`
          : `${size.min} to ${size.max} MiB in steps of ${size.step}`),
    );
  }
  const min = spec.minCapacity ?? DEFAULT_MIN_CAPACITY;
  const max = spec.maxCapacity ?? DEFAULT_MAX_CAPACITY;
  for (const [key, value] of [
    ["minCapacity", min],
    ["maxCapacity", max],
  ] as const) {
    if (!Number.isInteger(value) || value < 0 || value > 1000) {
      fail(`${field}.${key}`, value, "must be a whole number from 0 to 1000");
    }
  }
  if (min > max) {
    fail(`${field}.minCapacity`, min, `must not exceed maxCapacity (${max})`);
  }
  if (min === 0 && max > 0) {
    fail(
      `${field}.minCapacity`,
      min,
      `is 0 while maxCapacity is ${max}: target tracking cannot scale out from zero tasks; set both to 0 to disable the service (seed "Set to 0 if not used") or minCapacity to 1 or more`,
    );
  }
  if (spec.port !== undefined) {
    if (!Number.isInteger(spec.port) || spec.port < 1 || spec.port > 65535 || RESERVED_PORTS.has(spec.port)) {
      fail(
        `${field}.port`,
        spec.port,
        "must be a TCP port from 1 to 65535, not one ECS reserves (2375, 2376, 51678-51680)",
      );
    }
  }
  if (spec.healthCheckPath !== undefined && spec.routing === undefined) {
    fail(
      `${field}.healthCheckPath`,
      spec.healthCheckPath,
      "applies only to a load-balanced service (one with routing): it is the target group's health check, and a service without routing has none; remove it or add routing",
    );
  }
  const health = spec.healthCheckPath ?? DEFAULT_HEALTH_CHECK_PATH;
  if (!/^\/[A-Za-z0-9_\-./~?=&%]*$/.test(health) || health.length > 1024) {
    fail(
      `${field}.healthCheckPath`,
      health,
      "must be an HTTP path starting with / (at most 1024 characters)",
    );
  }
  if (spec.routing !== undefined) {
    if (spec.port === undefined) {
      fail(
        `${field}.port`,
        spec.port,
        "is required when the service has routing (the target group forwards to it)",
      );
    }
    validateRouting(spec.routing, `${field}.routing`);
  }
  validateAutoscaling(spec.autoscaling ?? {}, `${field}.autoscaling`, spec.routing !== undefined);
  for (const path of spec.writablePaths ?? DEFAULT_WRITABLE_PATHS) {
    if (!/^\/[A-Za-z0-9_.\-/]+$/.test(path) || path === "/") {
      fail(`${field}.writablePaths`, path, "each entry must be an absolute container path other than /");
    }
  }
  const environment = spec.environment ?? {};
  const secrets = spec.secrets ?? {};
  for (const [key, value] of Object.entries(environment)) {
    if (!ENV_NAME.test(key)) {
      fail(`${field}.environment.${key}`, value, "the variable name must be letters, digits and underscores");
    }
    if ((COMPONENT_ENVIRONMENT as readonly string[]).includes(key)) {
      fail(
        `${field}.environment.${key}`,
        value,
        `is set by the component in every container (${COMPONENT_ENVIRONMENT.join(", ")}); remove it`,
      );
    }
    if (SECRET_LOOKING.test(key)) {
      fail(
        `${field}.environment.${key}`,
        "[redacted]",
        "looks like a secret: plain environment variables are visible in the task definition (FSBP ECS.8); put it in secrets (an SSM SecureString under the service's path) instead",
      );
    }
  }
  for (const [key, parameter] of Object.entries(secrets)) {
    if (!ENV_NAME.test(key)) {
      fail(`${field}.secrets.${key}`, parameter, "the variable name must be letters, digits and underscores");
    }
    if (!PARAMETER_NAME.test(parameter)) {
      fail(
        `${field}.secrets.${key}`,
        parameter,
        "must be a parameter name under the service's own SSM path (letters, digits, _ . -), not a path or ARN: the execution role reads only /tetrascience/<environment>/ECS/<service>/*",
      );
    }
    if ((COMPONENT_ENVIRONMENT as readonly string[]).includes(key)) {
      fail(
        `${field}.secrets.${key}`,
        parameter,
        `is set by the component in every container (${COMPONENT_ENVIRONMENT.join(", ")}); use another name`,
      );
    }
    if (key in environment) {
      fail(`${field}.secrets.${key}`, parameter, "is also set in environment; give a variable one source");
    }
  }
}

export function validateRouting(routing: ServiceRouting, field: string): void {
  const hosts = routing.hosts ?? ["web"];
  if (hosts.length === 0 || hosts.some((h) => h !== "web" && h !== "api")) {
    fail(`${field}.hosts`, hosts, 'must list "web" (PublicDomain) and/or "api" (api.PublicDomain)');
  }
  if (new Set(hosts).size !== hosts.length) {
    fail(`${field}.hosts`, hosts, "lists a host twice");
  }
  const paths = routing.pathPatterns ?? ["/*"];
  if (paths.length === 0) {
    fail(`${field}.pathPatterns`, paths, "must list at least one path pattern (use /* for everything)");
  }
  for (const path of paths) {
    if (path.length > 128 || !PATH_PATTERN.test(path)) {
      fail(
        `${field}.pathPatterns`,
        path,
        "is not an ALB path pattern: start with /, at most 128 characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & and the wildcards * ?",
      );
    }
  }
  // An ALB rule holds at most 5 condition values in total (ELB quotas, "condition values per rule").
  if (hosts.length + paths.length > 5) {
    fail(
      `${field}`,
      { hosts, pathPatterns: paths },
      `has ${hosts.length + paths.length} condition values; an ALB listener rule allows at most 5 (hosts + path patterns)`,
    );
  }
  if (
    routing.priority !== undefined &&
    (!Number.isInteger(routing.priority) || routing.priority < 1 || routing.priority > 50000)
  ) {
    fail(`${field}.priority`, routing.priority, "must be a whole number from 1 to 50000");
  }
}

export function validateAutoscaling(scaling: ServiceAutoscaling, field: string, routed: boolean): void {
  const cpu = scaling.cpuTargetPercent ?? DEFAULT_CPU_TARGET_PERCENT;
  if (!(cpu >= 10 && cpu <= 90)) {
    fail(`${field}.cpuTargetPercent`, cpu, "must be between 10 and 90 (percent average CPU)");
  }
  if (scaling.requestsPerTarget !== undefined) {
    if (!routed) {
      fail(
        `${field}.requestsPerTarget`,
        scaling.requestsPerTarget,
        "needs routing: ALB request-count scaling only applies to a service behind the load balancer",
      );
    }
    if (!Number.isInteger(scaling.requestsPerTarget) || scaling.requestsPerTarget < 1) {
      fail(
        `${field}.requestsPerTarget`,
        scaling.requestsPerTarget,
        "must be a whole number of requests, 1 or more",
      );
    }
  }
  for (const key of ["scaleInCooldownSeconds", "scaleOutCooldownSeconds"] as const) {
    const value = scaling[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 0 || value > 3600)) {
      fail(`${field}.${key}`, value, "must be a whole number of seconds from 0 to 3600");
    }
  }
}

/** Validates the list: each service, then names and rule priorities unique across it. */
export function validatePlatformServices(services: PlatformServiceSpec[]): void {
  const names = new Map<string, number>();
  const priorities = new Map<number, string>();
  services.forEach((spec, index) => {
    const field = `services[${index}]`;
    validatePlatformService(spec, field);
    const earlier = names.get(spec.name);
    if (earlier !== undefined) {
      fail(`${field}.name`, spec.name, `duplicates services[${earlier}].name; service names must be unique`);
    }
    names.set(spec.name, index);
    if (spec.routing && !isServiceDisabled(spec)) {
      const priority = routePriority(spec, index);
      const other = priorities.get(priority);
      if (other !== undefined) {
        fail(
          `${field}.routing.priority`,
          priority,
          `is also the listener rule priority of ${other}; each routed service needs its own priority`,
        );
      }
      priorities.set(priority, spec.name);
    }
  });
}

/** The listener rule priority of the service at `index`. */
export function routePriority(spec: PlatformServiceSpec, index: number): number {
  return spec.routing?.priority ?? 100 + 10 * index;
}

/** Seed TaskThroughput and ConnectorMaxMemory. */
export interface PlatformSettingsValues {
  /** @default 20 */
  taskThroughput?: number;
  /** @default 2048 */
  connectorMaxMemory?: number;
}

export function validatePlatformSettings(settings: PlatformSettingsValues): void {
  const throughput = settings.taskThroughput ?? DEFAULT_TASK_THROUGHPUT;
  if (!Number.isInteger(throughput) || throughput < 1 || throughput > 1000) {
    fail("taskThroughput", throughput, "must be a whole number of files processed in parallel, 1 to 1000");
  }
  const memory = settings.connectorMaxMemory ?? DEFAULT_CONNECTOR_MAX_MEMORY;
  if (!Number.isInteger(memory) || memory < 128 || memory > 65536) {
    fail(
      "connectorMaxMemory",
      memory,
      "must be a whole number of MiB from 128 to 65536 (Docker's memory limit)",
    );
  }
}

/** A DNS label for the Cloud Map namespace under PrivateDomain. */
export function validateServiceDiscoverySubdomain(label: string): void {
  if (!/^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/.test(label)) {
    fail(
      "serviceDiscovery.subdomain",
      label,
      "must be one lowercase DNS label; the namespace is <label>.<PrivateDomain> so it never clashes with the network's private zone",
    );
  }
}

/** The ECR repository ARN of an ECR image, or undefined for other registries. */
export function ecrRepositoryArn(image: string, partition = "aws"): string | undefined {
  const match = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  if (!match) {
    return undefined;
  }
  return `arn:${partition}:ecr:${match[2]}:${match[1]}:repository/${match[3]}`;
}
