import type { AllowlistEntry } from "./allowlist";
import { PROJECT_RULES } from "./project-rules";
import type { TdpPolicy } from "./types";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/**
 * The control table of docs/security.md (and the package README): control ids → policy → where the
 * project satisfies it, then the project's own rule ids with their source. Generated from the
 * policies themselves (`pnpm policy --controls`), so it cannot drift.
 */
export function controlTable(policies: TdpPolicy[]): string {
  const header = [
    "| module | policy | level | FSBP | checkov | project rule | satisfied in |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const rows = [...policies]
    .sort((a, b) => a.module.localeCompare(b.module) || a.name.localeCompare(b.name))
    .map(
      (p) =>
        `| ${p.module} | \`${p.name}\`: ${cell(p.description)} | ${p.enforcementLevel} | ${p.controls.fsbp.join(", ") || "–"} | ${p.controls.checkov.join(", ") || "–"} | ${p.controls.project.join(", ") || "–"} | ${p.satisfiedBy.map((s) => `\`${s}\``).join(", ") || "nothing of this type is created yet"} |`,
    );
  const named = new Set(policies.flatMap((p) => p.controls.project));
  const rules = Object.entries(PROJECT_RULES)
    .filter(([id]) => named.has(id))
    .map(
      ([id, rule]) =>
        `| ${id} | ${cell(rule.rule)} | ${cell(rule.source)} | ${policies
          .filter((p) => p.controls.project.includes(id))
          .map((p) => `\`${p.name}\``)
          .join(", ")} |`,
    );
  return [
    ...header,
    ...rows,
    "",
    "Project rules (the ids in the table's project rule column):",
    "",
    "| id | rule | source | policies |",
    "| --- | --- | --- | --- |",
    ...rules,
  ].join("\n");
}

export const TABLE_START = "<!-- control-table:start (pnpm policy --controls) -->";
export const TABLE_END = "<!-- control-table:end -->";
export const ALLOWLIST_START = "<!-- allowlist:start (pnpm policy --write-docs, from allowlist.yaml) -->";
export const ALLOWLIST_END = "<!-- allowlist:end -->";

/** The table as it appears in a document, between its markers. */
export function tableBlock(policies: TdpPolicy[]): string {
  return `${TABLE_START}\n${controlTable(policies)}\n${TABLE_END}`;
}

/** The allow-list as a Markdown list: policy, resource, stacks, reason. */
export function allowlistList(entries: AllowlistEntry[]): string {
  if (entries.length === 0) return "No exceptions.";
  return entries
    .map(
      (e) =>
        `- \`${e.policy}\` on \`${e.resource}\`${e.stacks ? ` (stacks ${e.stacks.join(", ")})` : " (every stack)"}: ${e.reason.trim().replace(/\s+/g, " ")}`,
    )
    .join("\n");
}

export function allowlistBlock(entries: AllowlistEntry[]): string {
  return `${ALLOWLIST_START}\n${allowlistList(entries)}\n${ALLOWLIST_END}`;
}

function between(document: string, start: string, end: string): string | undefined {
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  return from >= 0 && to > from ? document.slice(from, to + end.length) : undefined;
}

/** The control table block currently in a document, or undefined when the markers are missing. */
export function currentBlock(document: string): string | undefined {
  return between(document, TABLE_START, TABLE_END);
}

/** The allow-list block currently in a document, or undefined when the markers are missing. */
export function currentAllowlistBlock(document: string): string | undefined {
  return between(document, ALLOWLIST_START, ALLOWLIST_END);
}

/**
 * A document with its generated blocks (control table, allow-list) refreshed; undefined when it has
 * neither pair of markers.
 */
export function refreshDocument(
  document: string,
  policies: TdpPolicy[],
  entries: AllowlistEntry[],
): string | undefined {
  const table = currentBlock(document);
  const allowlist = currentAllowlistBlock(document);
  if (table === undefined && allowlist === undefined) return undefined;
  let text = document;
  if (table !== undefined) text = text.replace(table, () => tableBlock(policies));
  if (allowlist !== undefined) text = text.replace(allowlist, () => allowlistBlock(entries));
  return text;
}
