import { ANYLINK_SERVICE, LINK_FILE_SERVICE, WEB_SERVICE, isServiceDisabled } from "@tdp/eks-services";
import { z } from "zod";

import { ecsSchema } from "./services/ecs";
import { eksSchema } from "./services/eks";
import { integrationsSchema } from "./services/integrations";
import { servicesSearchSchema } from "./services/search";
import { webSchema } from "./services/web";
import { windowsSchema } from "./services/windows";

/** The services an integration's SecureStrings are injected into (seed "Service Parameters"). */
const INTEGRATION_SERVICES = {
  box: [LINK_FILE_SERVICE, WEB_SERVICE],
  egnyte: [WEB_SERVICE],
} as const;

/**
 * `tdp:services`: the service layer (seed 001 Service Layer, package `@tdp/eks-services`): the
 * EKS cluster, the ECS platform services, the web entry point, the SSM integrations and the
 * Windows workers. A primary stack needs `web.publicDomain`; a dr stack leaves the section out.
 */
export const servicesSchema = z
  .strictObject({
    eks: eksSchema.prefault({}),
    ecs: ecsSchema.prefault({}),
    /** Optional in the schema because a dr stack has no service layer; a primary stack requires it. */
    web: webSchema.optional(),
    integrations: integrationsSchema.prefault({}),
    windows: windowsSchema.prefault({}),
    /** The service roles mapped to an OpenSearch role (the search domain's role mapping parameter). */
    search: servicesSearchSchema.prefault({}),
  })
  .superRefine((services, ctx) => {
    // Rules across subsections: an enabled integration's parameters are injected into its
    // services, which must therefore run.
    const running = new Set(services.ecs.services.filter((s) => !isServiceDisabled(s)).map((s) => s.name));
    for (const [integration, needed] of Object.entries(INTEGRATION_SERVICES)) {
      if (!services.integrations[integration as keyof typeof INTEGRATION_SERVICES].enabled) {
        continue;
      }
      for (const service of needed) {
        if (!running.has(service)) {
          ctx.addIssue({
            code: "custom",
            path: ["integrations", integration, "enabled"],
            message: `the ${integration} integration's parameters are read by ${service}, which is not an enabled service in ecs.services; add it (minCapacity 1 or more) or disable the integration`,
          });
        }
      }
    }
    // Anylink: the ANYLINK_ENABLED setting tells the platform the service is there, so the two must
    // agree in both directions.
    const anylinkEnabled = services.integrations.anylink.enabled;
    const anylink = services.ecs.services.find((s) => s.name === ANYLINK_SERVICE);
    const anylinkState =
      anylink === undefined
        ? "is not in ecs.services"
        : `has minCapacity ${anylink.minCapacity} and maxCapacity ${anylink.maxCapacity}`;
    if (anylinkEnabled && !running.has(ANYLINK_SERVICE)) {
      ctx.addIssue({
        code: "custom",
        path: ["integrations", "anylink", "enabled"],
        message: `integrations.anylink.enabled is true (ANYLINK_ENABLED "true") but ${ANYLINK_SERVICE} ${anylinkState}, so it does not run; the setting and the service must agree: run ${ANYLINK_SERVICE} in ecs.services (minCapacity 1 or more) or set integrations.anylink.enabled: false`,
      });
    }
    if (!anylinkEnabled && running.has(ANYLINK_SERVICE)) {
      ctx.addIssue({
        code: "custom",
        path: ["integrations", "anylink", "enabled"],
        message: `integrations.anylink.enabled is false (ANYLINK_ENABLED "false") but ecs.services ${ANYLINK_SERVICE} ${anylinkState}, so it runs; the setting and the service must agree: set integrations.anylink.enabled: true, or minCapacity 0 and maxCapacity 0 for ${ANYLINK_SERVICE}`,
      });
    }
    const athena = services.integrations.athenaCreateIamUser;
    if (athena.enabled) {
      athena.services.forEach((service, i) => {
        if (!running.has(service)) {
          ctx.addIssue({
            code: "custom",
            path: ["integrations", "athenaCreateIamUser", "services", i],
            message: `"${service}" is not an enabled service in ecs.services; only a running service's task role can be allowed to create the Athena users`,
          });
        }
      });
    }
    const routed = services.ecs.services.filter((s) => s.routing && !isServiceDisabled(s));
    if (services.web === undefined && routed.length > 0) {
      ctx.addIssue({
        code: "custom",
        path: ["web"],
        message: `ecs.services ${routed.map((s) => s.name).join(", ")} have routing, which needs the web entry point: set web.publicDomain`,
      });
    }
  });

export type ServicesConfig = z.output<typeof servicesSchema>;
