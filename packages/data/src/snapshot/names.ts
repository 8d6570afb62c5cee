/**
 * Snapshot names and the pruning rule: pure functions, so the handler's choices are tested
 * without a domain.
 */

/**
 * `<prefix>-2026-11-23t09-00-00z`: OpenSearch snapshot names must be lowercase and free of `:`,
 * and this form sorts in time order as text.
 */
export function snapshotName(prefix: string, when: Date): string {
  const iso = when.toISOString().slice(0, 19); // 2026-11-23T09:00:00
  return `${prefix}-${iso.replace(/:/g, "-").toLowerCase()}z`;
}

/** The time a name of {@link snapshotName} encodes, or undefined for another snapshot's name. */
export function snapshotTime(prefix: string, name: string): Date | undefined {
  const match = new RegExp(
    `^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-(\\d{4}-\\d{2}-\\d{2})t(\\d{2})-(\\d{2})-(\\d{2})z$`,
  ).exec(name);
  if (!match) {
    return undefined;
  }
  const date = new Date(`${match[1]}T${match[2]}:${match[3]}:${match[4]}Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** What the repository listing says of one snapshot. */
export interface SnapshotInfo {
  snapshot: string;
  state: string;
}

export interface PruneRule {
  /** Only names of this prefix are ours to delete. */
  prefix: string;
  /** Snapshots older than this many days are deleted... */
  retentionDays: number;
  /** ...except the newest this many successful ones, whatever their age. */
  minimumSnapshots: number;
}

/**
 * The names to delete: our snapshots (by prefix) older than the retention, never one in progress,
 * never one of the newest `minimumSnapshots` successful ones. Oldest first.
 */
export function snapshotsToDelete(snapshots: SnapshotInfo[], rule: PruneRule, now: Date): string[] {
  const ours = snapshots
    .map((s) => ({ ...s, time: snapshotTime(rule.prefix, s.snapshot) }))
    .filter((s): s is SnapshotInfo & { time: Date } => s.time !== undefined)
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const keep = new Set(
    ours
      .filter((s) => s.state === "SUCCESS")
      .slice(-rule.minimumSnapshots)
      .map((s) => s.snapshot),
  );
  const cutoff = now.getTime() - rule.retentionDays * 86_400_000;
  return ours
    .filter((s) => s.time.getTime() < cutoff && s.state !== "IN_PROGRESS" && !keep.has(s.snapshot))
    .map((s) => s.snapshot);
}
