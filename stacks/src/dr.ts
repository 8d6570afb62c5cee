import type { StackContext } from "./context";
import { buildNetwork, networkOutputs } from "./network";

/** The DR account and region: the targets the primary stack replicates into. Returns the outputs. */
export async function deployDr(ctx: StackContext): Promise<Record<string, unknown>> {
  // The DR region's own VPC (its tdp:network block), where the platform is restored after a disaster.
  const network = await buildNetwork(ctx);
  return { accountId: ctx.config.platform.accountId, network: networkOutputs(network) };
}
