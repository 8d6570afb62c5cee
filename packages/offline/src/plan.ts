import { criticalPathMarkdown } from "./critical-path";
import type { RecordedOptions, Recording } from "./recording";
import type { PlanValue } from "./serialize";

/** One resource of a plan file (the format in DESIGN.md "The offline plan"). */
export interface PlanResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  provider: string | null;
  /** Only on components that pass providers to their children: provider URN by package. */
  providers?: Record<string, string>;
  /** Only when the registration sets one of these resource options. */
  options?: RecordedOptions;
  dependencies: string[];
  inputs: Record<string, PlanValue>;
  /** Only on reads of existing resources (`Resource.get`, stack references): the id read. */
  read?: string;
}

export interface PlanFile {
  project: string;
  stack: string;
  resources: PlanResource[];
  outputs: Record<string, PlanValue>;
}

/** The plan of a recorded stack run: resources sorted by URN, keys in a stable order. */
export function toPlan(project: string, stack: string, recording: Recording): PlanFile {
  const resources = [...recording.resources]
    .sort((a, b) => (a.urn < b.urn ? -1 : a.urn > b.urn ? 1 : 0))
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      parent: r.parent,
      custom: r.custom,
      protect: r.protect,
      retainOnDelete: r.retainOnDelete,
      provider: r.provider,
      ...(r.providers === undefined ? {} : { providers: r.providers }),
      ...(r.options === undefined ? {} : { options: r.options }),
      dependencies: r.dependencies,
      inputs: r.inputs,
      ...(r.read === undefined ? {} : { read: r.read }),
    }));
  return { project, stack, resources, outputs: recording.outputs };
}

export function planJson(plan: PlanFile): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

/**
 * The package a resource belongs to: the `tdp:<package>` token of the nearest enclosing component
 * of ours (core's helpers count for the package that uses them), or `stacks` for what the program
 * registers itself.
 */
export function packageOf(resource: PlanResource, byUrn: Map<string, PlanResource>): string {
  let found: string | undefined;
  let current: PlanResource | undefined = resource;
  while (current) {
    const [namespace, pkg] = current.type.split(":");
    if (namespace === "tdp" && pkg) {
      if (pkg !== "core") {
        return pkg;
      }
      found ??= pkg;
    }
    current = current.parent ? byUrn.get(current.parent) : undefined;
  }
  return found ?? "stacks";
}

interface Count {
  pkg: string;
  type: string;
  count: number;
}

export function countByPackageAndType(plan: PlanFile): Count[] {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const counts = new Map<string, Count>();
  for (const resource of plan.resources) {
    if (resource.type === "pulumi:pulumi:Stack") {
      continue;
    }
    const pkg = packageOf(resource, byUrn);
    const key = `${pkg}\u0000${resource.type}`;
    const entry = counts.get(key) ?? { pkg, type: resource.type, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => a.pkg.localeCompare(b.pkg) || a.type.localeCompare(b.type));
}

/** The console summary: totals, then resources by package and type. */
export function planSummary(plan: PlanFile): string {
  const counts = countByPackageAndType(plan);
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const protectedCount = plan.resources.filter((r) => r.protect).length;
  const width = Math.max(...counts.map((c) => c.type.length), 4);
  const lines = [`stack ${plan.stack}: ${total} resources (${protectedCount} protected)`];
  let current = "";
  for (const c of counts) {
    if (c.pkg !== current) {
      current = c.pkg;
      const pkgTotal = counts.filter((x) => x.pkg === c.pkg).reduce((sum, x) => sum + x.count, 0);
      lines.push(`  ${c.pkg} (${pkgTotal})`);
    }
    lines.push(`    ${c.type.padEnd(width)}  ${c.count}`);
  }
  return lines.join("\n");
}

function isComponent(resource: PlanResource): boolean {
  return !resource.custom && resource.type !== "pulumi:pulumi:Stack";
}

function mermaidLabel(resource: PlanResource): string {
  return `${resource.name}<br/><small>${resource.type}</small>`.replace(/"/g, "'");
}

/**
 * A Mermaid flowchart of the components: nesting as subgraphs, and an edge from B to A when
 * something inside A depends on something inside B.
 */
export function planMermaid(plan: PlanFile): string {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const components = plan.resources.filter(isComponent);
  const ids = new Map(components.map((c, i) => [c.urn, `c${i}`]));
  const enclosing = (urn: string | null): string | undefined => {
    let current = urn ? byUrn.get(urn) : undefined;
    while (current && !isComponent(current)) {
      current = current.parent ? byUrn.get(current.parent) : undefined;
    }
    return current?.urn;
  };
  const childrenOf = new Map<string | undefined, PlanResource[]>();
  for (const component of components) {
    const parent = enclosing(component.parent);
    childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), component]);
  }
  const lines = ["flowchart LR"];
  const emit = (component: PlanResource, depth: number) => {
    const pad = "  ".repeat(depth);
    const id = ids.get(component.urn)!;
    const children = childrenOf.get(component.urn) ?? [];
    if (children.length === 0) {
      lines.push(`${pad}${id}["${mermaidLabel(component)}"]`);
      return;
    }
    lines.push(`${pad}subgraph ${id}["${mermaidLabel(component)}"]`);
    for (const child of children) {
      emit(child, depth + 1);
    }
    lines.push(`${pad}end`);
  };
  for (const top of childrenOf.get(undefined) ?? []) {
    emit(top, 1);
  }
  const topOf = (urn: string | undefined): string | undefined => {
    let current = urn;
    let top = current;
    while (current) {
      top = current;
      current = enclosing(byUrn.get(current)?.parent ?? null);
    }
    return top;
  };
  const edges = new Set<string>();
  for (const resource of plan.resources) {
    const from = topOf(isComponent(resource) ? resource.urn : enclosing(resource.parent));
    for (const dependency of resource.dependencies) {
      const dep = byUrn.get(dependency);
      const to = topOf(dep && isComponent(dep) ? dep.urn : enclosing(dep?.parent ?? null));
      if (from && to && from !== to) {
        edges.add(`  ${ids.get(to)} --> ${ids.get(from)}`);
      }
    }
  }
  lines.push(...[...edges].sort());
  return lines.join("\n");
}

/** The per-organization outputs, in the order a reader needs them (absent ones are skipped). */
const ORGANIZATION_OUTPUTS: [string, string][] = [
  ["keyArn", "KMS key"],
  ["athenaPolicyName", "Athena policy"],
  ["athenaPolicyArn", "Athena policy ARN"],
  ["workgroup", "Athena workgroup"],
  ["glueDatabase", "Glue database"],
  ["dataHubRoleArn", "Data Hub role"],
  ["roleAlias", "IoT role alias"],
  ["iotPolicy", "IoT policy"],
  ["ssmServiceRoleArn", "SSM activation role"],
  ["connectorSecretsPath", "Connector secrets"],
  ["athenaUser", "Athena IAM user"],
];

/**
 * The stack's `organizations` output (one entry per orgSlug) as a table per organization, so a
 * reviewer sees each organization's key, roles, role alias, policy, workgroup and database.
 */
export function organizationsMarkdown(outputs: Record<string, PlanValue>): string[] {
  const orgs = outputs["organizations"];
  if (orgs === null || typeof orgs !== "object" || Array.isArray(orgs) || Object.keys(orgs).length === 0) {
    return [];
  }
  const lines = ["## Organizations", "", "The `organizations` output of the stack, per orgSlug.", ""];
  for (const [slug, value] of Object.entries(orgs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const fields = (value ?? {}) as Record<string, PlanValue>;
    lines.push(`### \`${slug}\``, "", "| Output | Value |", "|---|---|");
    for (const [key, label] of ORGANIZATION_OUTPUTS) {
      if (fields[key] !== undefined) {
        lines.push(
          `| ${label} | \`${typeof fields[key] === "string" ? fields[key] : JSON.stringify(fields[key])}\` |`,
        );
      }
    }
    lines.push("");
  }
  return lines;
}

/** One row of a stack's `dr.recoveryObjectives` output. */
interface RecoveryObjectiveRow {
  store: string;
  recoveryPoint: string;
  recoveryTime: string;
}

/** The plan's DR section: the recovery objectives a primary stack with DR on exports. */
function drSection(plan: PlanFile): string[] {
  const dr = plan.outputs["dr"] as
    { recoveryObjectives?: RecoveryObjectiveRow[]; region?: string } | undefined;
  const rows = dr?.recoveryObjectives;
  if (!Array.isArray(rows) || rows.length === 0) {
    return [];
  }
  return [
    "## Disaster recovery",
    "",
    `Recovery point (what can be lost) and recovery time per data store, derived from the configured values; the copies are in ${dr?.region ?? "the DR region"}.`,
    "",
    "| Data store | Recovery point | Recovery time |",
    "|---|---|---|",
    ...rows.map((r) => `| ${r.store} | ${r.recoveryPoint} | ${r.recoveryTime} |`),
    "",
  ];
}

/**
 * `plans/<stack>.md`: the component diagram, the critical path of a fresh update, counts by package
 * and type, the organizations and the DR objectives.
 */
export function planMarkdown(plan: PlanFile): string {
  const counts = countByPackageAndType(plan);
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const protectedCount = plan.resources.filter((r) => r.protect).length;
  const rows = counts.map((c) => `| ${c.pkg} | \`${c.type}\` | ${c.count} |`);
  return [
    `# Offline plan: stack \`${plan.stack}\``,
    "",
    "Generated by `pnpm plan` from the real program and `Pulumi." +
      plan.stack +
      ".yaml`; do not edit. The full registration of every resource is in `" +
      plan.stack +
      ".json`.",
    "",
    `${total} resources, ${protectedCount} of them protected from deletion.`,
    "",
    "## Components and how they connect",
    "",
    "Boxes are components (nested ones inside their parent); an arrow from B to A means something in A depends on something in B.",
    "",
    "```mermaid",
    planMermaid(plan),
    "```",
    "",
    ...criticalPathMarkdown(plan),
    "## Resources by package and type",
    "",
    "| Package | Type | Count |",
    "|---|---|---|",
    ...rows,
    "",
    ...organizationsMarkdown(plan.outputs),
    ...drSection(plan),
  ].join("\n");
}
