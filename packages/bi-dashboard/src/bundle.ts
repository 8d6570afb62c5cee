import * as path from "node:path";

import type * as pulumi from "@pulumi/pulumi";
import { bundleLambdaHandler, findPackageRoot, lambdaArchive } from "@tdp/core";

/** The package root (the folder of this package's package.json), from src/ or from dist/. */
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

/**
 * The sync function's deployment package: the folder holding `index.js` (handler `index.handler`),
 * bundled from src/sync/handler.ts (prebuilt in dist/bundles/sync when the package is installed).
 */
export function syncFunctionCode(): pulumi.asset.FileArchive {
  return lambdaArchive("@tdp/bi-dashboard", __dirname, "sync");
}

/** The rotation function's deployment package, from src/rotation/handler.ts (see syncFunctionCode). */
export function rotationFunctionCode(): pulumi.asset.FileArchive {
  return lambdaArchive("@tdp/bi-dashboard", __dirname, "rotation");
}
