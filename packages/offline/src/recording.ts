import type { PlanValue } from "./serialize";
import { toPlanValue } from "./serialize";

/**
 * The resource options of a registration that decide how an update or a replacement happens,
 * recorded only when set (in this key order, lists sorted).
 */
export interface RecordedOptions {
  additionalSecretOutputs?: string[];
  /** Alias URNs, or alias specs (name, type, project, stack, parentUrn, noParent as set). */
  aliases?: (string | Record<string, string | boolean>)[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  deleteBeforeReplace?: boolean;
  deletedWith?: string;
  ignoreChanges?: string[];
  /** The id of an existing resource imported by this registration. */
  import?: string;
  replaceOnChanges?: string[];
  /**
   * How many transforms the registration declares: the engine runs them on it and on every
   * child, a multi-language component's too (they do not run offline).
   */
  transforms?: number;
}

/** One resource registration, as the engine recorded it. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  custom: boolean;
  protect: boolean;
  retainOnDelete: boolean;
  dependencies: string[];
  provider: string | null;
  /** A component's providers by package (`{ aws: <provider urn> }`), when it passes any on. */
  providers?: Record<string, string>;
  /** The options of {@link RecordedOptions} that the registration sets. */
  options?: RecordedOptions;
  inputs: Record<string, PlanValue>;
  /** Set only for a read of an existing resource (`Resource.get`, a stack reference): the id read. */
  read?: string;
}

/** What a ReadResource request says of the resource read (both engines receive the same request). */
export interface ReadRequestFields {
  getId(): string;
  getType(): string;
  getName(): string;
  getParent(): string;
  getDependenciesList(): string[];
}

/**
 * The record of a read of an existing resource (`Resource.get`, a stack reference): custom,
 * neither protected nor retained (the stack does not manage it), its id in `read`.
 */
export function readRecord(
  req: ReadRequestFields,
  urn: string,
  provider: string | null,
  properties: unknown,
): RecordedResource {
  return {
    urn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent() || null,
    custom: true,
    protect: false,
    retainOnDelete: false,
    dependencies: [...new Set(req.getDependenciesList())].sort(),
    provider,
    inputs: (toPlanValue(properties) ?? {}) as Record<string, PlanValue>,
    read: req.getId(),
  };
}

/** The resources a program or a test callback registered, and the stack outputs. */
export class Recording {
  constructor(
    readonly resources: RecordedResource[],
    readonly outputs: Record<string, PlanValue> = {},
  ) {}

  ofType(type: string): RecordedResource[] {
    return this.resources.filter((r) => r.type === type);
  }

  named(name: string): RecordedResource | undefined {
    return this.resources.find((r) => r.name === name);
  }

  /** The one resource of `type` (named `name` when given); throws unless there is exactly one. */
  one(type: string, name?: string): RecordedResource {
    const matches = this.ofType(type).filter((r) => name === undefined || r.name === name);
    if (matches.length !== 1) {
      const known = this.ofType(type).map((r) => r.name);
      throw new Error(
        `expected exactly one ${type}${name ? ` named ${name}` : ""}, found ${matches.length}` +
          (known.length > 0 ? ` (registered: ${known.join(", ")})` : ""),
      );
    }
    return matches[0]!;
  }

  /** The direct children of `parent` (a resource or its URN). */
  childrenOf(parent: RecordedResource | string): RecordedResource[] {
    const urn = typeof parent === "string" ? parent : parent.urn;
    return this.resources.filter((r) => r.parent === urn);
  }
}
