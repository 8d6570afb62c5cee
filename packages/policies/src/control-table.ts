import type { TdpPolicy } from "./types";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The control table of docs/security.md: control ids → policy → where the project satisfies it.
 * Generated from the policies themselves (`pnpm policy --controls`), so it cannot drift.
 */
export function controlTable(policies: TdpPolicy[]): string {
  const header = [
    "| module | policy | level | FSBP | checkov | satisfied in |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  const rows = [...policies]
    .sort((a, b) => a.module.localeCompare(b.module) || a.name.localeCompare(b.name))
    .map(
      (p) =>
        `| ${p.module} | \`${p.name}\`: ${cell(p.description)} | ${p.enforcementLevel} | ${p.controls.fsbp.join(", ") || "project rule"} | ${p.controls.checkov.join(", ") || "–"} | ${p.satisfiedBy.map((s) => `\`${s}\``).join(", ") || "nothing of this type is created yet"} |`,
    );
  return [...header, ...rows].join("\n");
}

export const TABLE_START = "<!-- control-table:start (pnpm policy --controls) -->";
export const TABLE_END = "<!-- control-table:end -->";

/** The table as it appears in a document, between its markers. */
export function tableBlock(policies: TdpPolicy[]): string {
  return `${TABLE_START}\n${controlTable(policies)}\n${TABLE_END}`;
}

/** The block currently in a document, or undefined when the markers are missing. */
export function currentBlock(document: string): string | undefined {
  const start = document.indexOf(TABLE_START);
  const end = document.indexOf(TABLE_END);
  return start >= 0 && end > start ? document.slice(start, end + TABLE_END.length) : undefined;
}
