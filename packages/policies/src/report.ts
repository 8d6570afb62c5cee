import type { Violation } from "./evaluate";

const LEVEL_ORDER: Record<string, number> = { mandatory: 0, remediate: 1, advisory: 2, disabled: 3 };

function sorted(violations: Violation[]): Violation[] {
  return [...violations].sort(
    (a, b) =>
      Number(a.allowed !== undefined) - Number(b.allowed !== undefined) ||
      (LEVEL_ORDER[a.level] ?? 9) - (LEVEL_ORDER[b.level] ?? 9) ||
      a.policy.localeCompare(b.policy) ||
      a.resource.localeCompare(b.resource),
  );
}

/** A plain-text table: level, policy, resource, message (allowed ones say why). */
export function violationTable(violations: Violation[]): string {
  if (violations.length === 0) return "no violations";
  const rows = sorted(violations).map((v) => [
    v.allowed === undefined ? v.level : `allowed (${v.level})`,
    v.policy,
    v.resource,
    v.allowed === undefined ? v.message : `${v.message} [allowed: ${v.allowed}]`,
  ]);
  const header = ["LEVEL", "POLICY", "RESOURCE", "MESSAGE"];
  const widths = header
    .slice(0, 3)
    .map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i < 3 ? cell.padEnd(widths[i] ?? 0) : cell)).join("  ");
  return [line(header), ...rows.map(line)].join("\n");
}

export function violationSummary(violations: Violation[], policies: number, resources: number): string {
  const open = violations.filter((v) => v.allowed === undefined);
  const count = (level: string) => open.filter((v) => v.level === level).length;
  return (
    `${policies} policies over ${resources} resources: ${count("mandatory")} mandatory, ` +
    `${count("advisory")} advisory, ${violations.length - open.length} allowed by allowlist.yaml`
  );
}
