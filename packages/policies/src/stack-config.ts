import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { parse } from "yaml";

import type { TdpPolicyConfig } from "./types";

type Section = Record<string, unknown>;

function readStackFile(dir: string, stack: string): Record<string, unknown> | undefined {
  const file = join(dir, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) return undefined;
  const doc = parse(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return doc?.config ?? {};
}

function platformOf(config: Record<string, unknown> | undefined): Section {
  const platform = config?.["tdp:platform"];
  return platform !== null && typeof platform === "object" ? (platform as Section) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * The policy settings of a stack, read from its stack file (`tdp:platform`): the role prefix and
 * boundary the stack applies, and the accounts grants may name (its own and its DR stack's). The
 * same values feed `pulumi preview --policy-pack-config` (`pnpm policy --print-config <stack>`).
 */
export function policyConfigFromStack(projectDir: string, stack: string): TdpPolicyConfig | undefined {
  const config = readStackFile(projectDir, stack);
  if (!config) return undefined;
  const platform = platformOf(config);
  const accounts = new Set<string>();
  const own = text(platform["accountId"]);
  if (own) accounts.add(own);
  const drStack = text(platform["drStack"]);
  if (drStack) {
    const drAccount = text(
      platformOf(readStackFile(projectDir, drStack.split("/").pop() ?? drStack))["accountId"],
    );
    if (drAccount) accounts.add(drAccount);
  }
  const prefix = text(platform["iamRolePrefix"]);
  const boundary = text(platform["iamBoundaryPolicyArn"]);
  return {
    ...(prefix ? { iamRolePrefix: prefix } : {}),
    ...(boundary ? { permissionsBoundaryArn: boundary } : {}),
    ...(accounts.size > 0 ? { allowedAccountIds: [...accounts] } : {}),
    allowIamUsers: false,
  };
}
