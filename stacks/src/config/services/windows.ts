import { validateInstanceType } from "@tdp/eks-services";
import { z } from "zod";

import { check } from "./check";

/**
 * `tdp:services.windows`: the Windows task-script workers (seed 001 Service Layer
 * EnableWinTaskScriptService, WindowsInstanceType), in the network's isolated subnets.
 */
export const windowsSchema = z
  .strictObject({
    /** Seed EnableWinTaskScriptService. */
    enabled: z.boolean().default(true),
    /** Seed WindowsInstanceType. */
    instanceType: z.string().default("t3.medium"),
  })
  .superRefine((windows, ctx) => {
    check(ctx, [], () => validateInstanceType(windows.instanceType));
  });

export type WindowsConfig = z.output<typeof windowsSchema>;
