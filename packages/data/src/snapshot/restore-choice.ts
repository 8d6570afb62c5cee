/**
 * The restore action's choices, as pure functions: which snapshot, which of its indices. The
 * requests are in restore.ts; the stack's config schema uses the validator.
 */

/** The `snapshot` value that asks for the newest successful snapshot holding matching indices. */
export const LATEST_SNAPSHOT = "latest";

/** What to restore from the repository. */
export interface SearchRestoreArgs {
  /** `"latest"` or the name of a snapshot in the repository. @default "latest" */
  snapshot?: string;
  /**
   * Comma-separated index patterns (`*` any characters; a leading `-` excludes). System indices
   * (names starting with `.`) are never restored. @default "*"
   */
  indices?: string;
}

/** OpenSearch snapshot names: lowercase, none of `\ / * ? " < > | , #` or spaces, not `_` first. */
const SNAPSHOT_NAME = /^[a-z0-9][a-z0-9._+-]{0,254}$/;
/** One index pattern: index-name characters and `*`, optionally excluded with `-`. */
const INDEX_PATTERN = /^-?[a-z0-9*][a-z0-9*._+-]{0,254}$/;

/** Checks the restore settings; throws naming the field, the value and the rule. */
export function validateSearchRestore(args: SearchRestoreArgs, field = "searchRestore"): void {
  const snapshot = args.snapshot ?? LATEST_SNAPSHOT;
  if (!SNAPSHOT_NAME.test(snapshot)) {
    throw new Error(
      `${field}.snapshot "${snapshot}" must be "latest" or a snapshot name (lowercase letters, digits, . _ + -), as GET _snapshot/<repository>/_all lists them`,
    );
  }
  const indices = args.indices ?? "*";
  const items = indices.split(",").map((s) => s.trim());
  for (const item of items) {
    if (item.startsWith(".") || item.startsWith("-.")) {
      throw new Error(
        `${field}.indices "${indices}": "${item}" names system indices, which are never restored (the new domain has its own); leave it out`,
      );
    }
    if (!INDEX_PATTERN.test(item)) {
      throw new Error(
        `${field}.indices "${indices}": "${item}" is not an index pattern (lowercase index-name characters and *, a leading - to exclude), comma-separated`,
      );
    }
  }
  if (items.every((i) => i.startsWith("-"))) {
    throw new Error(
      `${field}.indices "${indices}" only excludes; name the indices to restore first, e.g. "*,${items[0]}"`,
    );
  }
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  );
}

/** Does `index` match the patterns: some inclusion and no exclusion? System indices never do. */
export function indexMatches(patterns: string, index: string): boolean {
  if (index.startsWith(".")) {
    return false;
  }
  const items = patterns.split(",").map((s) => s.trim());
  const included = items.filter((i) => !i.startsWith("-")).some((i) => globToRegExp(i).test(index));
  const excluded = items.filter((i) => i.startsWith("-")).some((i) => globToRegExp(i.slice(1)).test(index));
  return included && !excluded;
}

/** A snapshot as `GET _snapshot/<repository>/_all` lists it. */
export interface ListedSnapshot {
  snapshot: string;
  state: string;
  indices?: string[];
  start_time_in_millis?: number;
}

/**
 * The snapshot to restore: the named one (it must exist and be SUCCESS), or for "latest" the
 * newest SUCCESS snapshot holding at least one matching index. A snapshot of an empty domain (the
 * scheduled run's first, on a new domain) holds none, so it is never the one chosen.
 */
export function chooseSnapshot(
  snapshots: ListedSnapshot[],
  wanted: string,
  patterns: string,
  repository: string,
): ListedSnapshot {
  const inOrder = snapshots
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.start_time_in_millis ?? 0) - (b.s.start_time_in_millis ?? 0) || a.i - b.i)
    .map(({ s }) => s);
  if (wanted !== LATEST_SNAPSHOT) {
    const named = inOrder.find((s) => s.snapshot === wanted);
    if (named === undefined) {
      const newest = inOrder.slice(-5).map((s) => s.snapshot);
      throw new Error(
        `snapshot "${wanted}" is not in repository ${repository}; ` +
          (newest.length > 0
            ? `its newest are ${newest.join(", ")} (GET _snapshot/${repository}/_all lists all): set searchRestore.snapshot to one of them, or "latest"`
            : `the repository holds no snapshot: check that the backup bucket replicated (objects under its base path)`),
      );
    }
    if (named.state !== "SUCCESS") {
      throw new Error(
        `snapshot "${wanted}" in repository ${repository} is ${named.state}, not SUCCESS: choose another, or "latest"`,
      );
    }
    return named;
  }
  const candidates = inOrder.filter(
    (s) => s.state === "SUCCESS" && (s.indices ?? []).some((i) => indexMatches(patterns, i)),
  );
  const chosen = candidates.at(-1);
  if (chosen === undefined) {
    throw new Error(
      `no successful snapshot in repository ${repository} holds indices matching "${patterns}" (${snapshots.length} snapshots listed): ` +
        "check that the backup bucket replicated (objects under its base path), or name a snapshot in searchRestore.snapshot",
    );
  }
  return chosen;
}

/** What to do with each of a snapshot's indices. */
export interface RestorePlan {
  /** Matching indices the domain lacks: restored. */
  restore: string[];
  /** Matching indices the domain has already (restored before, or written since): left alone. */
  existing: string[];
  /** System indices in the snapshot: never restored. */
  system: string[];
}

/** Splits a snapshot's indices into those to restore, those present already and system ones. */
export function planRestore(snapshotIndices: string[], patterns: string, present: Set<string>): RestorePlan {
  const plan: RestorePlan = { restore: [], existing: [], system: [] };
  for (const index of [...snapshotIndices].sort()) {
    if (index.startsWith(".")) {
      plan.system.push(index);
    } else if (!indexMatches(patterns, index)) {
      continue;
    } else if (present.has(index)) {
      plan.existing.push(index);
    } else {
      plan.restore.push(index);
    }
  }
  return plan;
}
