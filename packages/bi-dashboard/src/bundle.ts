import * as path from "node:path";

import * as pulumi from "@pulumi/pulumi";
import { bundleLambdaHandler, findPackageRoot } from "@tdp/core";

/** The package root (the folder of this package's package.json), from src/ or from dist/src/. */
export function packageRoot(): string {
  return findPackageRoot("@tdp/bi-dashboard", __dirname);
}

/** The sync handler's source, bundled into the function's package. */
export function syncHandlerEntry(): string {
  return path.join(packageRoot(), "src", "sync", "handler.ts");
}

/**
 * Bundles a Lambda handler with esbuild into one CommonJS file for the nodejs22.x runtime, with
 * the AWS SDK inside (its version is ours, not the runtime's). Returns the code text.
 */
export function bundleHandler(entry: string): string {
  return bundleLambdaHandler(entry, { missingHint: "pass sync.code or add the handler" });
}

/** The sync function's deployment package: `index.js` (handler `index.handler`). */
export function syncFunctionCode(entry: string = syncHandlerEntry()): pulumi.asset.AssetArchive {
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) });
}

/** The rotation function's deployment package: `index.js` bundled from src/rotation/handler.ts. */
export function rotationFunctionCode(): pulumi.asset.AssetArchive {
  const entry = path.join(packageRoot(), "src", "rotation", "handler.ts");
  return new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundleHandler(entry)) });
}
