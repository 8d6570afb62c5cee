/**
 * Reading resource properties the same way in both shapes a policy sees: an offline plan (unknown
 * values are the string "[unknown]", secrets "[secret]") and a real `pulumi preview` (unknown
 * values are undefined, secrets unwrapped). A policy never fails on a value it cannot know yet.
 */

export const UNKNOWN = "[unknown]";
export const SECRET = "[secret]";

export type Props = Record<string, unknown>;

/**
 * How the Pulumi engine hands a policy pack a value it does not know yet during a real preview
 * (the language SDKs' unknown sentinel, passed through as a plain string by @pulumi/policy).
 */
export const PREVIEW_UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A value that is set but not known until a resource it depends on exists. */
export function isPending(value: unknown): boolean {
  return value === UNKNOWN || value === PREVIEW_UNKNOWN;
}

/** A value that is not known until the resource exists (or not given at all). */
export function isUnknown(value: unknown): boolean {
  return value === undefined || value === UNKNOWN || value === PREVIEW_UNKNOWN;
}

/** The value at a dotted path (`a.b.0.c`); undefined when any step is missing. */
export function get(props: unknown, path: string): unknown {
  let current: unknown = props;
  for (const step of path.split(".")) {
    if (current === null || current === undefined) return undefined;
    if (Array.isArray(current)) {
      current = current[Number(step)];
    } else if (typeof current === "object") {
      current = (current as Record<string, unknown>)[step];
    } else {
      return undefined;
    }
  }
  return current;
}

export function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

export function asRecord(value: unknown): Props | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

/** A boolean input as registered (the providers' inputs are sometimes strings). */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

export function isFalse(value: unknown): boolean {
  return value === false || value === "false";
}

/** An IAM or resource policy document given as JSON text or an object; undefined when unknown. */
export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export function policyStatements(value: unknown): PolicyStatement[] | undefined {
  if (isUnknown(value) || value === SECRET) return undefined;
  let doc: unknown = value;
  if (typeof value === "string") {
    if (value.includes(UNKNOWN) || value.includes(PREVIEW_UNKNOWN)) return undefined;
    try {
      doc = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const statement = get(doc, "Statement");
  return asArray(statement).filter((s): s is PolicyStatement => asRecord(s) !== undefined);
}

export function strings(value: unknown): string[] {
  return asArray(value).filter((v): v is string => typeof v === "string");
}

/** Every principal string named by a statement (AWS, Service, Federated, or "*"). */
export function principals(statement: PolicyStatement): { kind: string; value: string }[] {
  const principal = statement.Principal;
  if (principal === undefined) return [];
  if (typeof principal === "string") return [{ kind: "AWS", value: principal }];
  const record = asRecord(principal) ?? {};
  return Object.entries(record).flatMap(([kind, v]) => strings(v).map((value) => ({ kind, value })));
}

/** The 12-digit account ids an ARN or account principal names. */
export function accountOf(principal: string): string | undefined {
  if (/^\d{12}$/.test(principal)) return principal;
  const match = /^arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:(\d{12}):/.exec(principal);
  return match?.[1];
}
