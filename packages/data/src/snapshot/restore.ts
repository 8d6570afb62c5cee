import type { Credentials } from "./client";
import { DomainClient } from "./client";
import { ensureRepository, repositoryPath } from "./repository";
import type { ListedSnapshot, RestorePlan } from "./restore-choice";
import { LATEST_SNAPSHOT, chooseSnapshot, planRestore, validateSearchRestore } from "./restore-choice";
import type { SnapshotSettings } from "./settings";

/** The restore action's event: `{"action": "restore", "snapshot": "latest", "indices": "*"}`. */
export interface RestoreRequest {
  snapshot: string;
  indices: string;
}

/** What the restore action started (also the function's return value, which the stack records). */
export interface RestoreResult extends RestorePlan {
  action: "restore";
  repositoryRegistered: boolean;
  /** The snapshot restored from. */
  snapshot: string;
}

/**
 * The restore request in a function event, or undefined for the schedule's events (no `action`).
 * An unknown action or bad settings throw: the invocation fails with the reason.
 */
export function parseRestoreEvent(event: unknown): RestoreRequest | undefined {
  if (typeof event !== "object" || event === null || !("action" in event)) {
    return undefined;
  }
  const e = event as Record<string, unknown>;
  if (e["action"] !== "restore") {
    throw new Error(`event action ${JSON.stringify(e["action"])} is not one this function knows ("restore")`);
  }
  for (const field of ["snapshot", "indices"] as const) {
    if (e[field] !== undefined && typeof e[field] !== "string") {
      throw new Error(`restore event: ${field} must be a string, not ${JSON.stringify(e[field])}`);
    }
  }
  const request = {
    snapshot: (e["snapshot"] as string | undefined) ?? LATEST_SNAPSHOT,
    indices: (e["indices"] as string | undefined) ?? "*",
  };
  validateSearchRestore(request, "restore event");
  return request;
}

/**
 * Restores indices from the repository: registers it if needed (the scheduled run may not have
 * yet), picks the snapshot, leaves out system indices and those the domain has already, and
 * starts `_restore` of the rest without waiting (a restore takes longer than a function may run;
 * `GET _cat/recovery?active_only=true` follows it). Run again, it restores only what is missing.
 */
export async function runRestore(
  settings: SnapshotSettings,
  credentials: Credentials,
  request: RestoreRequest,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Promise<RestoreResult> {
  const client = new DomainClient(settings.endpoint, settings.region, credentials);
  const repoPath = repositoryPath(settings);
  const repositoryRegistered = await ensureRepository(client, settings, log);

  const listing = await client.request("GET", `${repoPath}/_all`);
  const snapshots = (listing.json as { snapshots?: ListedSnapshot[] } | undefined)?.snapshots ?? [];
  const where = `${settings.repository} (s3://${settings.bucket}/${settings.basePath})`;
  const chosen = chooseSnapshot(snapshots, request.snapshot, request.indices, where);

  // Every index, open or closed, system ones included: none of them may be restored over.
  const cat = await client.request("GET", "/_cat/indices?format=json&h=index&expand_wildcards=all");
  const present = new Set(((cat.json as { index: string }[] | undefined) ?? []).map((i) => i.index));
  const plan = planRestore(chosen.indices ?? [], request.indices, present);

  if (plan.restore.length === 0) {
    log("restore-nothing-to-do", { snapshot: chosen.snapshot, existing: plan.existing });
  } else {
    await client.request(
      "POST",
      `${repoPath}/${encodeURIComponent(chosen.snapshot)}/_restore?wait_for_completion=false`,
      // The global state would bring the snapshot's templates, pipelines and persistent settings
      // over the new domain's: the indices only.
      { indices: plan.restore.join(","), include_global_state: false },
    );
    log("restore-started", {
      repository: settings.repository,
      snapshot: chosen.snapshot,
      indices: plan.restore,
      existing: plan.existing,
    });
  }
  return { action: "restore", repositoryRegistered, snapshot: chosen.snapshot, ...plan };
}
