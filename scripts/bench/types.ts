/** One timed entry of `pnpm bench`. */
export interface BenchEntry {
  /** What is measured, as printed in the table. */
  name: string;
  /** The target, as printed, e.g. "≤ 3 s". */
  target: string;
  /** The target's figure, in the entry's unit, when it has one: the ratio column is median / limit. */
  limit?: number;
  /** Runs by default (the median is taken); `--runs` overrides it. Default 3. */
  runs?: number;
  /** A long run (the test suites): measured only with `--full`. */
  full?: boolean;
  /** Runs the measured work once and returns its figures (seconds unless `unit` says otherwise). */
  run(): Promise<BenchFigure>;
  /** Prepares what every run needs (once), e.g. a large object on a local server. */
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** Checks the figures of all runs against the target. */
  meets(figures: BenchFigure[]): boolean;
}

export interface BenchFigure {
  /** The main figure: wall time in seconds, or a ratio. */
  value: number;
  unit: "s" | "ratio" | "MiB";
  /** Extra figures printed beside it (CPU time, peak RSS, sizes). */
  details?: Record<string, number | string>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
