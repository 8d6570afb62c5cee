import {
  DEFAULT_WINDOWS_AMI_PARAMETER,
  DEFAULT_WINDOWS_INSTANCE_TYPE,
  DEFAULT_WINDOWS_SIZES,
  DEFAULT_WINDOWS_VOLUME_GIB,
  validateWindowsWorkersArgs,
} from "@tdp/eks-services";
import { z } from "zod";

import { check } from "./check";

/** Stands in for the isolated subnets while the section alone is checked (see requireServicesConfig). */
const SUBNETS_CHECKED_LATER = ["isolated subnets: checked against tdp:network"];

/**
 * `tdp:services.windows`: the Windows task-script workers (seed 001 Service Layer
 * EnableWinTaskScriptService, WindowsInstanceType), in the network's isolated subnets. The seed's
 * LogsEndpoint, MonitoringEndpoint, SqsEndpoint and CloudformationEndpoint are
 * `tdp:network.serviceEndpoints`.
 */
export const windowsSchema = z
  .strictObject({
    /** Seed EnableWinTaskScriptService. */
    enabled: z.boolean().default(true),
    /** Seed WindowsInstanceType: x86_64 with 4 GiB or more. */
    instanceType: z.string().default(DEFAULT_WINDOWS_INSTANCE_TYPE),
    /** Further types the group may launch, in order of preference (FSBP AutoScaling.6). */
    additionalInstanceTypes: z.array(z.string()).default([]),
    minSize: z.number().default(DEFAULT_WINDOWS_SIZES.minSize),
    maxSize: z.number().default(DEFAULT_WINDOWS_SIZES.maxSize),
    desiredSize: z.number().default(DEFAULT_WINDOWS_SIZES.desiredSize),
    /** Encrypted gp3 root volume (GiB), 30 or more. */
    volumeSizeGiB: z.number().default(DEFAULT_WINDOWS_VOLUME_GIB),
    /** AWS's public SSM parameter of the Windows Server image (read at every deployment). */
    amiParameterName: z.string().default(DEFAULT_WINDOWS_AMI_PARAMETER),
  })
  .superRefine((windows, ctx) => {
    const { enabled: _enabled, ...settings } = windows;
    check(
      ctx,
      [],
      () => validateWindowsWorkersArgs({ ...settings, isolatedSubnetIds: SUBNETS_CHECKED_LATER }),
      {
        // The package names the group's sizes `windowsWorkers.<size>`; here they are the section's own keys.
        windowsWorkers: [],
      },
    );
  });

export type WindowsConfig = z.output<typeof windowsSchema>;
