import type { DomainClient } from "./client";
import type { SnapshotSettings } from "./settings";

/** The snapshot API path of the repository. */
export function repositoryPath(settings: Pick<SnapshotSettings, "repository">): string {
  return `/_snapshot/${encodeURIComponent(settings.repository)}`;
}

/**
 * Registers the S3 repository when the domain lacks it, or when its settings differ from ours (a
 * new bucket, prefix or role after a change). Registering needs iam:PassRole on the snapshot role,
 * so it is done only then. Returns whether it registered.
 */
export async function ensureRepository(
  client: DomainClient,
  settings: SnapshotSettings,
  log: (event: string, fields?: Record<string, unknown>) => void,
): Promise<boolean> {
  const repoPath = repositoryPath(settings);
  const wanted = {
    bucket: settings.bucket,
    base_path: settings.basePath,
    region: settings.region,
    role_arn: settings.snapshotRoleArn,
  };
  const existing = await client.request(
    "GET",
    repoPath,
    undefined,
    (s) => (s >= 200 && s < 300) || s === 404,
  );
  const current = (
    existing.json as Record<string, { type?: string; settings?: Record<string, unknown> }> | undefined
  )?.[settings.repository];
  const differs =
    existing.status !== 404 &&
    (current?.type !== "s3" ||
      (["bucket", "base_path", "role_arn"] as const).some((k) => current.settings?.[k] !== wanted[k]));
  if (existing.status !== 404 && !differs) {
    return false;
  }
  await client.request("PUT", repoPath, { type: "s3", settings: wanted });
  log(differs ? "repository-updated" : "repository-registered", {
    repository: settings.repository,
    bucket: settings.bucket,
    basePath: settings.basePath,
  });
  return true;
}
