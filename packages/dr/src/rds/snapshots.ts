import type { DbSnapshot, RdsClient } from "./client";
import { RdsError } from "./client";

/** What one run did, for the function's log and its tests. */
export interface RunReport {
  copied: string[];
  shared: string[];
  skipped: string[];
  deleted: string[];
}

export const emptyReport = (): RunReport => ({ copied: [], shared: [], skipped: [], deleted: [] });

/** `2026-12-06-01-05`: a snapshot's time as an identifier part (RDS allows letters, digits, hyphens). */
export function stamp(time: Date): string {
  return time.toISOString().slice(0, 16).replace(/[T:]/g, "-");
}

/** The identifier of a snapshot: a shared one is named by its ARN, the name is the last part. */
export function snapshotName(snapshot: Pick<DbSnapshot, "identifier">): string {
  const i = snapshot.identifier.lastIndexOf(":snapshot:");
  return i < 0 ? snapshot.identifier : snapshot.identifier.slice(i + ":snapshot:".length);
}

/** True when the snapshot is older than `days` at `now`. */
export function olderThan(snapshot: DbSnapshot, days: number, now: Date): boolean {
  return (
    snapshot.createTime !== undefined && now.getTime() - snapshot.createTime.getTime() > days * 86_400_000
  );
}

/** Runs `fn`, treating the RDS error codes in `done` as "already so" (a repeated event). */
export async function idempotent(fn: () => Promise<unknown>, done: string[]): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (error) {
    if (error instanceof RdsError && done.includes(error.code)) {
      return false;
    }
    throw error;
  }
}

/** Deletes each snapshot; one already gone counts as deleted. */
export async function deleteSnapshots(
  client: RdsClient,
  snapshots: DbSnapshot[],
  report: RunReport,
): Promise<void> {
  for (const snapshot of snapshots) {
    await idempotent(
      () => client.call("DeleteDBSnapshot", { DBSnapshotIdentifier: snapshot.identifier }),
      ["DBSnapshotNotFound"],
    );
    report.deleted.push(snapshot.identifier);
  }
}

/** A required environment variable of the function. */
export function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value) {
    throw new Error(`the function's environment lacks ${name}`);
  }
  return value;
}

/** A whole number of days from the environment. */
export function days(env: NodeJS.ProcessEnv, name: string): number {
  const value = Number(required(env, name));
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${name} "${env[name]}" must be a whole number of days, at least 1`);
  }
  return value;
}
