import type {
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  StackValidationArgs,
} from "@pulumi/policy";

import { allowedBy, type AllowlistEntry } from "./allowlist";
import type { PlanResource } from "./plan-file";
import { isStackPolicy, type TdpPolicy, type TdpPolicyConfig } from "./types";

/** One finding of one policy on one resource. */
export interface Violation {
  policy: string;
  level: TdpPolicy["enforcementLevel"];
  urn: string;
  /** The resource's name (last URN part). */
  resource: string;
  type: string;
  message: string;
  /** The allow-list reason when the finding is an accepted exception. */
  allowed?: string;
}

class NotApplicable extends Error {}

/**
 * The resource options as the policy SDK passes them, plus what the plan records beyond them:
 * retainOnDelete, and that secrets are marked "[secret]" (see CheckedResource).
 */
function optionsOf(resource: PlanResource): PolicyResourceOptions {
  const options: PolicyResourceOptions & { retainOnDelete: boolean; secretsMarked: boolean } = {
    protect: resource.protect,
    retainOnDelete: resource.retainOnDelete,
    secretsMarked: true,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(resource.parent ? { parent: resource.parent } : {}),
  };
  return options;
}

function typeMatcher(type: string) {
  return (resourceClass: unknown): boolean =>
    (resourceClass as { __pulumiType?: string }).__pulumiType === type;
}

const noStackTags: ReadonlyMap<string, string> = new Map();

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** Plan resources as the policy SDK hands them to stack policies, parents and dependencies linked. */
export function toPolicyResources(resources: PlanResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  for (const r of resources) {
    const isType = typeMatcher(r.type);
    const policyResource: PolicyResource = {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      dependencies: [],
      propertyDependencies: {},
      isType,
      asType: ((cls: unknown) => (isType(cls) ? r.inputs : undefined)) as PolicyResource["asType"],
    };
    byUrn.set(r.urn, policyResource);
  }
  for (const r of resources) {
    const policyResource = byUrn.get(r.urn);
    if (!policyResource) continue;
    policyResource.parent = r.parent ? byUrn.get(r.parent) : undefined;
    policyResource.dependencies = r.dependencies
      .map((urn) => byUrn.get(urn))
      .filter((d): d is PolicyResource => d !== undefined);
  }
  return [...byUrn.values()];
}

function argsOf(resource: PolicyResource, config: TdpPolicyConfig): ResourceValidationArgs {
  return {
    type: resource.type,
    props: resource.props,
    urn: resource.urn,
    name: resource.name,
    opts: resource.opts,
    stackTags: noStackTags,
    isType: resource.isType,
    asType: ((cls: unknown) =>
      resource.isType(cls as never) ? resource.props : undefined) as ResourceValidationArgs["asType"],
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

/**
 * Runs a check, treating NotApplicable as "nothing to report". Synchronous checks (nearly all of
 * them) stay synchronous: a plan has about 100 policies times 550 resources, and a promise per
 * pair cost the CLI a noticeable part of its run.
 */
function skipNotApplicable(run: () => Promise<void> | void): Promise<void> | undefined {
  const skip = (err: unknown) => {
    if (!(err instanceof NotApplicable)) throw err;
  };
  try {
    const result = run();
    return result instanceof Promise ? result.catch(skip) : undefined;
  } catch (err) {
    skip(err);
    return undefined;
  }
}

function nameOf(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/**
 * Every policy over every resource of a plan, as `pulumi preview --policy-pack` would run them.
 * Findings matching the allow-list are kept, marked with the entry's reason.
 */
export async function evaluate(
  resources: PlanResource[],
  policies: TdpPolicy[],
  config: TdpPolicyConfig,
  allowlist: AllowlistEntry[],
): Promise<Violation[]> {
  // Reads (adopted resources, `Resource.get`) are not the stack's to change: no policy applies.
  const policyResources = toPolicyResources(resources.filter((r) => r.read === undefined));
  const typeByUrn = new Map(resources.map((r) => [r.urn, r.type]));
  const violations: Violation[] = [];
  const record = (policy: TdpPolicy, urn: string, message: string) => {
    const entry = allowedBy(allowlist, policy.name, urn);
    violations.push({
      policy: policy.name,
      level: policy.enforcementLevel,
      urn,
      resource: nameOf(urn),
      type: typeByUrn.get(urn) ?? "",
      message,
      ...(entry ? { allowed: entry.reason } : {}),
    });
  };
  // The same arguments for every policy: built once per resource.
  const resourceArgs = policyResources.map((resource) => argsOf(resource, config));
  const asynchronous: Promise<void>[] = [];
  for (const policy of policies) {
    if (policy.enforcementLevel === "disabled") continue;
    if (isStackPolicy(policy)) {
      const args: StackValidationArgs = {
        resources: policyResources,
        stackTags: noStackTags,
        getConfig: <T extends object>() => config as T,
        notApplicable,
      };
      await skipNotApplicable(() =>
        policy.validateStack(args, (message, urn) => record(policy, urn ?? "", message)),
      );
    } else {
      const validators = [policy.validateResource ?? []].flat();
      policyResources.forEach((resource, i) => {
        for (const validate of validators) {
          const pending = skipNotApplicable(() =>
            validate(resourceArgs[i]!, (message) => record(policy, resource.urn, message)),
          );
          if (pending !== undefined) asynchronous.push(pending);
        }
      });
      await Promise.all(asynchronous.splice(0));
    }
  }
  return violations;
}

/** Findings that fail a run: mandatory and not allow-listed. */
export function blocking(violations: Violation[]): Violation[] {
  return violations.filter((v) => v.level === "mandatory" && v.allowed === undefined);
}
