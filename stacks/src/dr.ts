import type { StackContext } from "./context";

/** The DR account and region: the targets the primary stack replicates into. Returns the outputs. */
export async function deployDr(ctx: StackContext): Promise<Record<string, unknown>> {
  return { accountId: ctx.config.platform.accountId };
}
