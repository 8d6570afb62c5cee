import { asRecord, isUnknown, type PolicyStatement, principals, strings } from "./props";

/**
 * The condition keys a statement tests, lower-cased (IAM compares condition keys without regard
 * to case): `{ StringEquals: { "aws:SourceAccount": … } }` gives `aws:sourceaccount`.
 */
export function conditionKeys(statement: PolicyStatement): string[] {
  return Object.values(statement.Condition ?? {}).flatMap((clause) =>
    Object.keys(asRecord(clause) ?? {}).map((key) => key.toLowerCase()),
  );
}

/** Does the statement test one of `keys` (case-insensitive; a key ending in `*` is a prefix)? */
export function testsAnyOf(statement: PolicyStatement, keys: string[]): boolean {
  const tested = conditionKeys(statement);
  return keys.some((key) => {
    const wanted = key.toLowerCase();
    return wanted.endsWith("*")
      ? tested.some((t) => t.startsWith(wanted.slice(0, -1)))
      : tested.includes(wanted);
  });
}

/** Conditions that keep a grant to anyone (`Principal: "*"`) to a known caller. */
export const CALLER_SCOPING_KEYS = [
  "aws:SourceAccount",
  "aws:SourceArn",
  "aws:SourceOwner",
  "aws:PrincipalOrgID",
  "aws:PrincipalAccount",
  "aws:PrincipalArn",
  "aws:SourceVpce",
  "aws:SourceVpc",
  "kms:CallerAccount",
];

/** Does an Allow statement name anyone (`"*"`, `{ AWS: "*" }`) as its principal? */
export function allowsAnyone(statement: PolicyStatement): boolean {
  if (statement.Effect !== "Allow") return false;
  return principals(statement).some((p) => p.kind === "AWS" && p.value === "*");
}

/** The statement's actions, lower-cased. */
export function actionsOf(statement: PolicyStatement): string[] {
  return strings(statement.Action).map((a) => a.toLowerCase());
}

/** Does one of the statement's actions (wildcards included) cover `action` (`kms:Decrypt`)? */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  const wanted = action.toLowerCase();
  return actionsOf(statement).some((granted) => {
    if (!granted.includes("*")) return granted === wanted;
    const pattern = new RegExp(`^${granted.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    return pattern.test(wanted);
  });
}

/** A required reference (a key ARN, a log group) that is absent; "[unknown]" counts as given. */
export function absent(value: unknown): boolean {
  return value === undefined || value === null || value === "";
}

/** A text value that is known (not "[unknown]" and not a secret). */
export function knownText(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) && value !== "[secret]" ? value : undefined;
}

/** A numeric input (the providers register some as strings); undefined when absent or unknown. */
export function numberOf(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && value.trim() !== "" && !Number.isNaN(Number(value))) return Number(value);
  return undefined;
}

/** The statement's Sid for messages. */
export function sidOf(statement: PolicyStatement): string {
  return statement.Sid ?? "(no Sid)";
}

/** An account principal: `123456789012`, `arn:aws:iam::123456789012:root`. */
export function accountRootLike(principal: string): boolean {
  return /^\d{12}$/.test(principal) || /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(principal);
}
