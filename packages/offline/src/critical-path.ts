import { FAST_CREATE_SECONDS, SLOW_CREATE_TIMES, createSeconds } from "./create-times";
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

/**
 * The `--parallel` of the documented `pulumi up` (README, "Deploying for real"): Pulumi's own
 * default on an 8-CPU workstation, four operations per CPU, set explicitly so that a smaller
 * machine deploys as fast.
 */
export const DEPLOY_PARALLEL = 32;

/** Pulumi's default `--parallel` on a 2-CPU runner (4 per CPU, `pulumi up` without the flag). */
export const SMALL_RUNNER_PARALLEL = 4 * 2;

/**
 * The tasks a fresh update runs: every resource that takes time to create, each with the tasks it
 * waits for (a dependency on a component or a zero-time resource is followed through to the
 * tasks behind it).
 */
function updateTasks(plan: PlanFile): Map<string, { seconds: number; waitsFor: Set<string> }> {
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const children = new Map<string, PlanResource[]>();
  for (const resource of plan.resources) {
    if (resource.parent !== null) {
      children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
    }
  }
  const behind = new Map<string, Set<string>>();
  const directDependencies = (resource: PlanResource): string[] => [
    ...resource.dependencies,
    ...(resource.provider === null ? [] : [providerUrn(resource.provider)]),
  ];
  // The tasks a dependency on `urn` waits for.
  const tasksBehind = (urn: string, seen: Set<string>): Set<string> => {
    const known = behind.get(urn);
    if (known !== undefined) return known;
    const resource = byUrn.get(urn);
    const tasks = new Set<string>();
    if (resource === undefined || seen.has(urn)) return tasks;
    seen.add(urn);
    if (createSeconds(resource) > 0) {
      tasks.add(urn);
    } else {
      for (const dependency of directDependencies(resource)) {
        for (const task of tasksBehind(dependency, seen)) tasks.add(task);
      }
    }
    if (!resource.custom && SLOW_CREATE_TIMES[resource.type] === undefined) {
      for (const child of children.get(urn) ?? []) {
        for (const task of tasksBehind(child.urn, seen)) tasks.add(task);
      }
    }
    seen.delete(urn);
    behind.set(urn, tasks);
    return tasks;
  };
  const tasks = new Map<string, { seconds: number; waitsFor: Set<string> }>();
  for (const resource of plan.resources) {
    const seconds = createSeconds(resource);
    if (seconds === 0) continue;
    const waitsFor = new Set<string>();
    for (const dependency of directDependencies(resource)) {
      for (const task of tasksBehind(dependency, new Set())) waitsFor.add(task);
    }
    tasks.set(resource.urn, { seconds, waitsFor });
  }
  return tasks;
}

/**
 * The length of a fresh update when at most `parallel` resources are created at once: resources
 * start in plan order as soon as what they wait for is ready and an operation slot is free.
 */
export function updateSeconds(plan: PlanFile, parallel: number = DEPLOY_PARALLEL): number {
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new Error(`parallel must be a whole number of at least 1, not ${parallel}`);
  }
  const tasks = updateTasks(plan);
  const waiting = new Map([...tasks].map(([urn, task]) => [urn, new Set(task.waitsFor)]));
  const dependents = new Map<string, string[]>();
  for (const [urn, task] of tasks) {
    for (const dependency of task.waitsFor)
      dependents.set(dependency, [...(dependents.get(dependency) ?? []), urn]);
  }
  const order = [...tasks.keys()];
  const ready = order.filter((urn) => waiting.get(urn)!.size === 0);
  const running: { urn: string; finish: number }[] = [];
  let now = 0;
  let done = 0;
  while (done < tasks.size) {
    while (running.length < parallel && ready.length > 0) {
      const urn = ready.shift()!;
      running.push({ urn, finish: now + tasks.get(urn)!.seconds });
    }
    if (running.length === 0) {
      throw new Error("the plan's dependencies form a cycle: some resources never become ready");
    }
    running.sort((a, b) => a.finish - b.finish);
    const next = running.shift()!;
    now = next.finish;
    done++;
    for (const dependent of dependents.get(next.urn) ?? []) {
      const left = waiting.get(dependent)!;
      left.delete(next.urn);
      if (left.size === 0) ready.push(dependent);
    }
  }
  return now;
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
  const deploy = updateSeconds(plan, DEPLOY_PARALLEL);
  const small = updateSeconds(plan, SMALL_RUNNER_PARALLEL);
  return [
    "## A fresh `pulumi up`: the critical path",
    "",
    `Estimated at **${minutes(deploy)} minutes** with \`--parallel ${DEPLOY_PARALLEL}\`, as the deploy steps run it ` +
      `(Pulumi's default is 4 operations per CPU: ${DEPLOY_PARALLEL} on an 8-CPU workstation; on a 2-CPU runner, ` +
      `${SMALL_RUNNER_PARALLEL}, the same update takes ${minutes(small)} minutes). However many operations run at once, ` +
      `it cannot be shorter than its longest chain of dependencies, **${minutes(path.totalSeconds)} minutes**:`,
    "",
    "| Start (min) | Minutes | Resource | Type |",
    "|---|---|---|---|",
    ...path.steps.map(
      (s) => `| ${minutes(s.startSeconds)} | ${minutes(s.seconds)} | ${s.name} | \`${s.type}\` |`,
    ),
    "",
    "Typical create times counted for the slow types in this plan (any other resource counts " +
      `${minutes(FAST_CREATE_SECONDS)} minutes, components and reads nothing):`,
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
