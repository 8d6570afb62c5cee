import type { PolicyConfigSchema, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

import type { Props } from "./props";
import type { Controls, PolicyMetadata, TdpPolicyConfig, TdpResourcePolicy, TdpStackPolicy } from "./types";

/** A resource as a policy reads it, whichever shape (plan or preview) it came from. */
export interface CheckedResource {
  type: string;
  name: string;
  urn: string;
  props: Props;
  /** `protect`: `pulumi destroy` and replacements stop at it. */
  protect: boolean;
  /**
   * `retainOnDelete`: deleting it from the stack leaves the cloud resource in place. The offline plan
   * records it; @pulumi/policy 1.21 does not pass it to a real preview (false there), so our
   * components set both options.
   */
  retainOnDelete: boolean;
  /**
   * Whether secrets are marked in these props ("[secret]", as the offline plan writes them). A real
   * preview hands policies secrets unwrapped (@pulumi/policy deserializes them as plain values), so
   * there a Pulumi secret cannot be told from a literal.
   */
  secretsMarked: boolean;
}

/** A resource in a stack-wide check: also its parent and what it depends on. */
export interface StackResource extends CheckedResource {
  parentUrn?: string;
  dependencyUrns: string[];
}

interface PolicyDefinition {
  name: string;
  description: string;
  module: PolicyMetadata["module"];
  controls: Partial<Controls>;
  enforcementLevel: PolicyMetadata["enforcementLevel"];
  /** What to change, shown with every violation (and as remediation steps in the Pulumi service). */
  remediation: string;
  /** Where the project satisfies it (repository paths), for the control table in docs/security.md. */
  satisfiedBy: string[];
}

export interface ResourcePolicyDefinition extends PolicyDefinition {
  /** The type tokens checked, e.g. `aws:s3/bucket:Bucket`; both shapes (plan, preview) where they differ. */
  types: string[];
  check(resource: CheckedResource, report: (problem: string) => void, config: TdpPolicyConfig): void;
}

export interface StackPolicyDefinition extends PolicyDefinition {
  check(
    resources: StackResource[],
    report: (problem: string, urn: string) => void,
    config: TdpPolicyConfig,
  ): void;
}

/** The configuration every policy accepts (see TdpPolicyConfig). */
export const POLICY_CONFIG_SCHEMA: PolicyConfigSchema = {
  properties: {
    iamRolePrefix: { type: "string" },
    permissionsBoundaryArn: { type: "string" },
    allowedAccountIds: { type: "array", items: { type: "string" } },
    allowIamUsers: { type: "boolean" },
    requireVaultLock: { type: "boolean" },
    drReplicatedBuckets: { type: "array", items: { type: "string" } },
    drReplicaBuckets: { type: "array", items: { type: "string" } },
    drStagingVault: { type: "string" },
  },
};

/** Options the offline evaluator passes beyond @pulumi/policy's PolicyResourceOptions. */
interface PlanOptions {
  retainOnDelete?: boolean;
  secretsMarked?: boolean;
}

function planOptions(opts: object): PlanOptions {
  return opts as PlanOptions;
}

/** A resource as the checks see it: its inputs and the options that matter to them. */
function checkedResource(r: {
  type: string;
  name: string;
  urn: string;
  props: Record<string, unknown>;
  opts: { protect: boolean } & object;
}): CheckedResource {
  const options = planOptions(r.opts);
  return {
    type: r.type,
    name: r.name,
    urn: r.urn,
    props: r.props,
    protect: r.opts.protect,
    retainOnDelete: options.retainOnDelete === true,
    secretsMarked: options.secretsMarked === true,
  };
}

/** What every policy carries besides its check: names, controls, level, remediation, config. */
function commonFields(definition: PolicyDefinition) {
  const controls = controlsOf(definition);
  return {
    name: definition.name,
    description: definition.description,
    module: definition.module,
    satisfiedBy: definition.satisfiedBy,
    controls,
    enforcementLevel: definition.enforcementLevel,
    tags: tagsOf(controls),
    remediationSteps: definition.remediation,
    configSchema: POLICY_CONFIG_SCHEMA,
  };
}

function controlsOf(definition: PolicyDefinition): Controls {
  return {
    fsbp: definition.controls.fsbp ?? [],
    checkov: definition.controls.checkov ?? [],
    project: definition.controls.project ?? [],
  };
}

function tagsOf(controls: Controls): string[] {
  return [
    ...controls.fsbp.map((id) => `fsbp:${id}`),
    ...controls.checkov.map((id) => `checkov:${id}`),
    ...controls.project.map((id) => `project:${id}`),
  ];
}

function message(problem: string, remediation: string): string {
  return `${problem}. ${remediation}`;
}

/** A policy over single resources of the given types. */
export function resourcePolicy(definition: ResourcePolicyDefinition): TdpResourcePolicy {
  const types = new Set(definition.types);
  return {
    ...commonFields(definition),
    validateResource: (args: ResourceValidationArgs, reportViolation) => {
      if (!types.has(args.type)) return;
      definition.check(
        checkedResource(args),
        (problem) => reportViolation(message(problem, definition.remediation)),
        args.getConfig<TdpPolicyConfig>(),
      );
    },
  };
}

/** A policy over the whole stack (relations between resources, or rules every resource obeys). */
export function stackPolicy(definition: StackPolicyDefinition): TdpStackPolicy {
  return {
    ...commonFields(definition),
    validateStack: (args: StackValidationArgs, reportViolation) => {
      const resources: StackResource[] = args.resources.map((r) => ({
        ...checkedResource(r),
        parentUrn: r.parent?.urn,
        dependencyUrns: r.dependencies.map((d) => d.urn),
      }));
      definition.check(
        resources,
        (problem, urn) => reportViolation(message(problem, definition.remediation), urn),
        args.getConfig<TdpPolicyConfig>(),
      );
    },
  };
}
