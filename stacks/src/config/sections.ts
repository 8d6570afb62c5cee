import type { z } from "zod";

import { biDashboardSchema } from "./bi-dashboard";
import { dataSchema } from "./data";
import { drSchema } from "./dr";
import { networkSchema } from "./network";
import { organizationsSchema } from "./organizations";
import { platformSchema } from "./platform";
import { servicesSchema } from "./services";

/**
 * Every `tdp:<section>` key a stack file may hold. A section that is absent is parsed from `{}`
 * so its defaults apply; `required` sections must be present.
 */
export const SECTIONS = {
  platform: { schema: platformSchema, required: true },
  network: { schema: networkSchema, required: false },
  biDashboard: { schema: biDashboardSchema, required: false },
  data: { schema: dataSchema, required: false },
  services: { schema: servicesSchema, required: false },
  organizations: { schema: organizationsSchema, required: false },
  dr: { schema: drSchema, required: false },
} as const satisfies Record<string, { schema: z.ZodType; required: boolean }>;

export type SectionName = keyof typeof SECTIONS;

/** The validated config of a stack, one typed object per section. */
export type StackConfig = { [K in SectionName]: z.output<(typeof SECTIONS)[K]["schema"]> };
