/**
 * Slow-log thresholds the snapshot function keeps on every non-system index. The domain publishes
 * index-slow and search-slow logs to CloudWatch, but OpenSearch writes none until an index has
 * thresholds (`index.search.slowlog.threshold.*`, `index.indexing.slowlog.threshold.*`, off by
 * default). Pure parts here; the requests are in {@link reconcileSlowLogs}.
 */
import type { DomainClient } from "./client";

/** The thresholds, by argument name, and the index setting each one sets. */
export const SLOW_LOG_SETTINGS = {
  searchQueryWarn: "index.search.slowlog.threshold.query.warn",
  searchQueryInfo: "index.search.slowlog.threshold.query.info",
  searchFetchWarn: "index.search.slowlog.threshold.fetch.warn",
  searchFetchInfo: "index.search.slowlog.threshold.fetch.info",
  indexingWarn: "index.indexing.slowlog.threshold.index.warn",
  indexingInfo: "index.indexing.slowlog.threshold.index.info",
} as const;
export type SlowLogThreshold = keyof typeof SLOW_LOG_SETTINGS;

/** Defaults: searches over 5 s warn, over 2 s inform; fetches over 1 s warn; indexing like searches. */
export const DEFAULT_SLOW_LOG_THRESHOLDS: Readonly<Partial<Record<SlowLogThreshold, string>>> = {
  searchQueryWarn: "5s",
  searchQueryInfo: "2s",
  searchFetchWarn: "1s",
  indexingWarn: "5s",
  indexingInfo: "2s",
};

/** The user-facing arguments (`SearchDomainArgs.slowLogs`, `tdp:data.search.slowLogs`). */
export interface SlowLogArgs {
  /** The function sets the thresholds on each run. false: indices are left as they are. @default true */
  enabled?: boolean;
  /**
   * Thresholds, each a duration (`500ms`, `2s`, `1m`) or `-1` (that level off); merged over
   * {@link DEFAULT_SLOW_LOG_THRESHOLDS}. A level left out of both is not managed.
   */
  thresholds?: Partial<Record<SlowLogThreshold, string>>;
}

const DURATION = /^(\d+)(nanos|micros|ms|s|m|h|d)$/;
const UNIT_MS: Record<string, number> = {
  nanos: 1e-6,
  micros: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A threshold in milliseconds (-1 for off), or undefined when it is not an OpenSearch duration. */
export function durationMs(text: unknown): number | undefined {
  if (text === "-1" || text === -1) {
    return -1;
  }
  const match = typeof text === "string" ? DURATION.exec(text) : null;
  return match ? Number(match[1]) * UNIT_MS[match[2]!]! : undefined;
}

/** Each problem of the thresholds, with the threshold's name and the rule. */
export function slowLogThresholdProblems(
  thresholds: Partial<Record<string, unknown>> = {},
): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  const names = Object.keys(SLOW_LOG_SETTINGS);
  for (const [name, value] of Object.entries(thresholds)) {
    if (!names.includes(name)) {
      problems.push({
        path: name,
        message: `${name} is not a slow-log threshold (known: ${names.join(", ")})`,
      });
      continue;
    }
    const ms = durationMs(value);
    if (ms === undefined || ms === 0 || ms > 3_600_000) {
      problems.push({
        path: name,
        message: `${name} ${JSON.stringify(value)} must be a duration from 1ms to 1h such as 500ms, 2s or 1m, or -1 (that level off)`,
      });
    }
  }
  const merged = { ...DEFAULT_SLOW_LOG_THRESHOLDS, ...thresholds } as Record<string, unknown>;
  for (const phase of ["searchQuery", "searchFetch", "indexing"]) {
    const warn = durationMs(merged[`${phase}Warn`]);
    const info = durationMs(merged[`${phase}Info`]);
    if (warn !== undefined && info !== undefined && warn > 0 && info > 0 && info > warn) {
      problems.push({
        path: `${phase}Info`,
        message: `${phase}Info ${String(merged[`${phase}Info`])} must not exceed ${phase}Warn ${String(merged[`${phase}Warn`])} (info logs requests slower than it, warn the slowest)`,
      });
    }
  }
  return problems;
}

/** The index settings the function applies for these arguments; undefined when it leaves them alone. */
export function slowLogSettingsFor(args: SlowLogArgs = {}): Record<string, string> | undefined {
  if (args.enabled === false) {
    return undefined;
  }
  const merged = { ...DEFAULT_SLOW_LOG_THRESHOLDS, ...args.thresholds };
  return Object.fromEntries(
    (Object.keys(SLOW_LOG_SETTINGS) as SlowLogThreshold[])
      .filter((k) => merged[k] !== undefined)
      .map((k) => [SLOW_LOG_SETTINGS[k], merged[k]!]),
  );
}

/** Checks the index settings the function read from its environment; throws naming the fault. */
export function parseSlowLogSettings(name: string, text: string): Record<string, string> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${name} is not JSON: ${(err as Error).message}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw) || Object.keys(raw).length === 0) {
    throw new Error(
      `${name} must be a non-empty object {"index.search.slowlog.threshold.query.warn": "5s", ...}`,
    );
  }
  const known = Object.values(SLOW_LOG_SETTINGS) as string[];
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!known.includes(key)) {
      throw new Error(`${name}: "${key}" is not a slow-log threshold setting (known: ${known.join(", ")})`);
    }
    const ms = durationMs(value);
    if (typeof value !== "string" || ms === undefined || ms === 0) {
      throw new Error(`${name}: ${key} ${JSON.stringify(value)} must be a duration such as 2s, or "-1"`);
    }
    settings[key] = value;
  }
  return settings;
}

/** What the slow-log step did. */
export interface SlowLogResult {
  /** Indices whose thresholds were written. */
  updated: string[];
  /** Indices already as wanted. */
  unchanged: number;
}

/** Index names per PUT: keeps the request line well under the domain's 4 KB limit. */
const PATH_BUDGET = 3000;

/**
 * Reads the thresholds of every open index (`GET _settings/<the threshold settings>`,
 * flat), skips the system ones (names starting with `.`: the security, Dashboards and plugin
 * indices) and writes the wanted thresholds (`PUT /<indices>/_settings`) to those where any
 * differs (durations compare by value: `2000ms` is `2s`). Several indices go in one request.
 * Levels not in `wanted` are left alone. Any non-2xx answer throws.
 */
export async function reconcileSlowLogs(
  client: DomainClient,
  wanted: Record<string, string>,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Promise<SlowLogResult> {
  const names = Object.keys(wanted).join(",");
  const response = await client.request(
    "GET",
    `/_settings/${names}?flat_settings=true&expand_wildcards=open`,
  );
  const indices = (response.json ?? {}) as Record<string, { settings?: Record<string, unknown> }>;
  const differing: string[] = [];
  let unchanged = 0;
  for (const [index, entry] of Object.entries(indices).sort(([a], [b]) => a.localeCompare(b))) {
    if (index.startsWith(".")) {
      continue;
    }
    const current = entry.settings ?? {};
    if (Object.entries(wanted).some(([key, value]) => durationMs(current[key]) !== durationMs(value))) {
      differing.push(index);
    } else {
      unchanged += 1;
    }
  }
  const batches: string[][] = [];
  for (const index of differing) {
    const batch = batches[batches.length - 1];
    const length = batch ? batch.reduce((n, i) => n + encodeURIComponent(i).length + 1, 0) : Infinity;
    if (batch && length + encodeURIComponent(index).length < PATH_BUDGET) {
      batch.push(index);
    } else {
      batches.push([index]);
    }
  }
  for (const batch of batches) {
    // ignore_unavailable: an index deleted since the read is no fault.
    await client.request(
      "PUT",
      `/${batch.map(encodeURIComponent).join(",")}/_settings?ignore_unavailable=true`,
      wanted,
    );
  }
  if (differing.length > 0) {
    log("slow-logs-updated", { indices: differing, thresholds: wanted });
  }
  return { updated: differing, unchanged };
}
