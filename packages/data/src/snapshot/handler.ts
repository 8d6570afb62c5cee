import type { AuditLoggingResult } from "./audit-logging";
import { reconcileAuditLogging } from "./audit-logging";
import type { Credentials } from "./client";
import { DomainClient, credentialsFromEnvironment } from "./client";
import type { SnapshotInfo } from "./names";
import { snapshotName, snapshotsToDelete } from "./names";
import type { ParameterReader } from "./parameters";
import { ensureRepository, repositoryPath } from "./repository";
import type { RestoreRequest, RestoreResult } from "./restore";
import { parseRestoreEvent, runRestore } from "./restore";
import { ParameterStoreClient } from "./parameters";
import type { RoleMappingResult } from "./role-mappings";
import { parseRoleMappingDocument, reconcileRoleMappings } from "./role-mappings";
import type { SnapshotSettings } from "./settings";
import { readSnapshotSettings } from "./settings";
import type { SlowLogResult } from "./slow-logs";
import { reconcileSlowLogs } from "./slow-logs";

/** What one run did (also the function's return value). */
export interface SnapshotRunResult {
  repositoryRegistered: boolean;
  /** The snapshot started, or undefined when another snapshot was still running. */
  snapshot?: string;
  deleted: string[];
  /** What the role mapping step did; absent when no mapping parameter is configured. */
  roleMappings?: RoleMappingResult;
  /** What the audit logging step did; absent when the function leaves audit logging alone. */
  auditLogging?: AuditLoggingResult;
  /** What the slow-log step did; absent when no thresholds are configured. */
  slowLogs?: SlowLogResult;
}

/** What a run talks to besides the domain; tests replace it. */
export interface SnapshotDependencies {
  /** SSM GetParameter. @default a signed request to the region's SSM endpoint */
  readParameter?: ParameterReader;
}

/** One JSON line per event: CloudWatch Logs Insights reads the fields. */
export function log(event: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ event, ...fields }));
}

/** Indices not snapshotted: the security plugin's index is restored only by an administrator. */
export const SNAPSHOT_INDICES = "*,-.opendistro_security";

/**
 * Registers the S3 repository if the domain lacks it, starts a snapshot named by the time, and
 * deletes our snapshots past the retention (keeping the newest `minimumSnapshots`); then, each
 * when configured, reconciles the role mappings, the audit logging configuration and the
 * slow-log thresholds of the non-system indices.
 */
export async function runSnapshot(
  settings: SnapshotSettings,
  credentials: Credentials,
  now: Date = new Date(),
  deps: SnapshotDependencies = {},
): Promise<SnapshotRunResult> {
  const client = new DomainClient(settings.endpoint, settings.region, credentials);
  const repoPath = repositoryPath(settings);

  // 1. The repository (registered when missing or changed).
  const repositoryRegistered = await ensureRepository(client, settings, log);

  // 2. The snapshot, unless one is running (the domain runs one at a time, its own hourly ones included).
  const status = await client.request("GET", "/_snapshot/_status");
  const running = ((status.json as { snapshots?: { snapshot: string }[] } | undefined)?.snapshots ?? []).map(
    (s) => s.snapshot,
  );
  let snapshot: string | undefined;
  if (running.length > 0) {
    log("snapshot-skipped", { reason: "another snapshot is in progress", running });
  } else {
    const name = snapshotName(settings.snapshotPrefix, now);
    const started = await client.request(
      "PUT",
      `${repoPath}/${name}`,
      { indices: SNAPSHOT_INDICES, include_global_state: false },
      // The domain's own hourly snapshot may have started since the status check.
      (s, body) =>
        (s >= 200 && s < 300) || (s === 503 && body.includes("concurrent_snapshot_execution_exception")),
    );
    if (started.status === 503) {
      log("snapshot-skipped", {
        reason: "another snapshot started meanwhile",
        answer: started.body.slice(0, 500),
      });
    } else {
      snapshot = name;
      log("snapshot-started", { repository: settings.repository, snapshot });
    }
  }

  // 3. Pruning.
  const listing = await client.request("GET", `${repoPath}/_all`);
  const snapshots = ((listing.json as { snapshots?: SnapshotInfo[] } | undefined)?.snapshots ?? []).map(
    (s) => ({
      snapshot: s.snapshot,
      state: s.state,
    }),
  );
  const deleted: string[] = [];
  for (const name of snapshotsToDelete(
    snapshots,
    {
      prefix: settings.snapshotPrefix,
      retentionDays: settings.retentionDays,
      minimumSnapshots: settings.minimumSnapshots,
    },
    now,
  )) {
    await client.request("DELETE", `${repoPath}/${name}`);
    deleted.push(name);
    log("snapshot-deleted", { repository: settings.repository, snapshot: name });
  }

  // 4. Reconciling steps, after the snapshot: a fault in one never costs a snapshot, nor stops
  // the others; the run still fails (the function's error alarm) once all have been tried.
  const failures: Error[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await run();
    } catch (err) {
      failures.push(err as Error);
      log(`${name}-failed`, { error: (err as Error).message });
      return undefined;
    }
  };
  const parameter = settings.roleMappingsParameter;
  const roleMappings =
    parameter === undefined
      ? undefined
      : await step("role-mappings", () =>
          applyRoleMappings(
            client,
            settings,
            parameter,
            deps.readParameter ??
              ((name: string) =>
                ParameterStoreClient.regional(settings.region, credentials).getParameter(name)),
          ),
        );
  const audit = settings.auditLogging;
  const auditLogging =
    audit === undefined
      ? undefined
      : await step("audit-logging", () => reconcileAuditLogging(client, audit, log));
  const thresholds = settings.slowLogThresholds;
  const slowLogs =
    thresholds === undefined
      ? undefined
      : await step("slow-logs", () => reconcileSlowLogs(client, thresholds, log));
  if (failures.length === 1) {
    throw failures[0]!;
  }
  if (failures.length > 1) {
    throw new Error(failures.map((f) => f.message).join("; "));
  }
  log("run-finished", { repositoryRegistered, snapshot: snapshot ?? null, deleted: deleted.length });
  return {
    repositoryRegistered,
    snapshot,
    deleted,
    ...(roleMappings ? { roleMappings } : {}),
    ...(auditLogging ? { auditLogging } : {}),
    ...(slowLogs ? { slowLogs } : {}),
  };
}

/**
 * Reads the mapping document and reconciles it. A missing parameter means nothing to map (the
 * service layer is not deployed yet); a bad document is logged and left unapplied. Errors of the
 * SSM read or of the domain's security API throw (the function's error alarm).
 */
async function applyRoleMappings(
  client: DomainClient,
  settings: SnapshotSettings,
  parameter: string,
  readParameter: ParameterReader,
): Promise<RoleMappingResult> {
  const empty: RoleMappingResult = { created: [], updated: [], unchanged: [], skipped: [], invalid: false };
  const text = await readParameter(parameter);
  if (text === undefined) {
    log("role-mappings-absent", { parameter });
    return empty;
  }
  let document;
  try {
    document = parseRoleMappingDocument(text, settings.mappableRoles);
  } catch (err) {
    log("role-mappings-invalid", { parameter, error: (err as Error).message });
    return { ...empty, invalid: true };
  }
  return reconcileRoleMappings(client, document, settings.masterRoleArn, log);
}

/**
 * The Lambda entry point. The EventBridge schedule (and the role mapping parameter's change) send
 * their own events: a snapshot run. `{"action": "restore", ...}` (the stack's one-time invocation
 * in a DR recovery) restores indices instead. Settings and credentials come from the environment.
 */
export async function handler(event?: unknown): Promise<SnapshotRunResult | RestoreResult> {
  try {
    const restore: RestoreRequest | undefined = parseRestoreEvent(event);
    const settings = readSnapshotSettings();
    const credentials = credentialsFromEnvironment();
    return restore === undefined
      ? await runSnapshot(settings, credentials)
      : await runRestore(settings, credentials, restore, log);
  } catch (err) {
    log("run-failed", { error: (err as Error).message });
    throw err;
  }
}
