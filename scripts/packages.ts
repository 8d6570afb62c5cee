import { readFileSync, readdirSync, existsSync } from "node:fs";
import * as path from "node:path";

/** The repository root. */
export const REPO_ROOT = path.resolve(__dirname, "..");

export interface WorkspacePackage {
  name: string;
  version: string;
  dir: string;
  manifest: Record<string, unknown>;
}

/** Every package under packages/ that is not private: the ones the release publishes. */
export function publishablePackages(): WorkspacePackage[] {
  const base = path.join(REPO_ROOT, "packages");
  return readdirSync(base)
    .sort()
    .map((folder) => path.join(base, folder))
    .filter((dir) => existsSync(path.join(dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<
        string,
        unknown
      >;
      return { name: String(manifest["name"]), version: String(manifest["version"]), dir, manifest };
    })
    .filter((pkg) => pkg.manifest["private"] !== true);
}
