import { SLOW_CREATE_TIMES, createSeconds } from "./create-times";
import type { PlanFile, PlanResource } from "./plan";

/** One resource on the critical path, with the times of a fresh `pulumi up` that create it. */
export interface CriticalPathStep {
  urn: string;
  type: string;
  name: string;
  /** Seconds after the start of the update when every dependency is ready. */
  startSeconds: number;
  seconds: number;
  finishSeconds: number;
}

export interface CriticalPath {
  /** The estimated length of a fresh `pulumi up`: when its last resource is ready. */
  totalSeconds: number;
  /** The chain of resources that sets it, first to last. */
  steps: CriticalPathStep[];
  /** When each resource of the plan is ready, in seconds after the start, by URN. */
  finishSeconds: Map<string, number>;
}

interface Timing {
  start: number;
  finish: number;
  /** The resource whose readiness this one waited for last, if any. */
  after: string | undefined;
}

/** The URN a provider reference (`<urn>::<id>`) names. */
function providerUrn(reference: string): string {
  const at = reference.lastIndexOf("::");
  return at === -1 ? reference : reference.slice(0, at);
}

/**
 * The critical path of a fresh `pulumi up` of the plan, with Pulumi's default parallelism
 * (unbounded: a resource starts as soon as everything it depends on is ready). A resource waits
 * for its recorded dependencies and its provider; a dependency on a component waits for every
 * resource inside it, as the engine does. Create times are {@link createSeconds}.
 */
export function criticalPath(plan: PlanFile): CriticalPath {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const children = new Map<string, PlanResource[]>();
  for (const resource of plan.resources) {
    if (resource.parent !== null) {
      children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
    }
  }
  const timings = new Map<string, Timing>();
  const visiting = new Set<string>();

  // The time a dependency on `urn` is satisfied, and the resource that sets it.
  const readyAt = (urn: string): { at: number; by: string | undefined } => {
    const resource = byUrn.get(urn);
    if (resource === undefined) return { at: 0, by: undefined };
    const own = timingOf(resource);
    let best = { at: own.finish, by: own.finish > 0 ? urn : undefined };
    if (!resource.custom && SLOW_CREATE_TIMES[resource.type] === undefined) {
      for (const child of children.get(urn) ?? []) {
        const ready = readyAt(child.urn);
        if (ready.at > best.at) best = ready;
      }
    }
    return best;
  };

  const timingOf = (resource: PlanResource): Timing => {
    const known = timings.get(resource.urn);
    if (known !== undefined) return known;
    if (visiting.has(resource.urn)) {
      throw new Error(`the plan's dependencies form a cycle through ${resource.urn}`);
    }
    visiting.add(resource.urn);
    const waitsFor = [...resource.dependencies];
    if (resource.provider !== null) waitsFor.push(providerUrn(resource.provider));
    let start = 0;
    let after: string | undefined;
    for (const dependency of waitsFor) {
      const ready = readyAt(dependency);
      if (ready.at > start) {
        start = ready.at;
        after = ready.by;
      }
    }
    visiting.delete(resource.urn);
    const timing = { start, finish: start + createSeconds(resource), after };
    timings.set(resource.urn, timing);
    return timing;
  };

  let last: PlanResource | undefined;
  let total = 0;
  for (const resource of plan.resources) {
    const { finish } = timingOf(resource);
    if (finish > total) {
      total = finish;
      last = resource;
    }
  }
  const steps: CriticalPathStep[] = [];
  for (let current = last; current !== undefined;) {
    const timing = timings.get(current.urn)!;
    steps.unshift({
      urn: current.urn,
      type: current.type,
      name: current.name,
      startSeconds: timing.start,
      seconds: timing.finish - timing.start,
      finishSeconds: timing.finish,
    });
    current = timing.after === undefined ? undefined : byUrn.get(timing.after);
  }
  const finishSeconds = new Map([...timings].map(([urn, timing]) => [urn, timing.finish]));
  return { totalSeconds: total, steps, finishSeconds };
}

function minutes(seconds: number): string {
  const m = seconds / 60;
  return Number.isInteger(m) ? `${m}` : m.toFixed(1);
}

/** The plan Markdown's section on the critical path of a fresh deployment. */
export function criticalPathMarkdown(plan: PlanFile): string[] {
  const path = criticalPath(plan);
  const present = [...new Set(plan.resources.map((r) => r.type))]
    .filter((type) => SLOW_CREATE_TIMES[type] !== undefined)
    .sort();
  return [
    "## A fresh `pulumi up`: the critical path",
    "",
    `Estimated at **${minutes(path.totalSeconds)} minutes** with Pulumi's default parallelism (unbounded): a resource starts ` +
      "once everything it depends on is ready, so the update lasts as long as its longest chain of dependencies. " +
      "The chain that sets it:",
    "",
    "| Start (min) | Minutes | Resource | Type |",
    "|---|---|---|---|",
    ...path.steps.map(
      (s) => `| ${minutes(s.startSeconds)} | ${minutes(s.seconds)} | ${s.name} | \`${s.type}\` |`,
    ),
    "",
    "Typical create times counted for the slow types in this plan (any other resource counts " +
      `${minutes(10)} minutes, components and reads nothing):`,
    "",
    "| Type | Minutes | Source |",
    "|---|---|---|",
    ...present.map((type) => {
      const time = SLOW_CREATE_TIMES[type]!;
      return `| \`${type}\` | ${minutes(time.seconds)} | ${time.source} |`;
    }),
    "",
  ];
}
