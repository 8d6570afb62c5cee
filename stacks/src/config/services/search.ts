import { openSearchRoleProblem } from "@tdp/data";
import { z } from "zod";

/** The EKS workloads (IRSA roles of `PlatformCluster`) that may be mapped to the search role. */
export const SEARCH_EKS_WORKLOADS = ["dataProcessing"] as const;

/**
 * `tdp:services.search`: how the service layer's roles reach the OpenSearch domain. The service
 * step writes the role mapping parameter (`/tetrascience/<environment>/search/role-mappings`)
 * mapping every ECS task role and the listed EKS workload roles to `openSearchRole`; the search
 * domain's snapshot function applies it on each run (docs/operations.md).
 */
export const servicesSearchSchema = z.strictObject({
  /**
   * The OpenSearch role the services are mapped to. A custom role an operator defines once
   * (its index permissions); a built-in such as `readall` works at once. Never `all_access`.
   */
  openSearchRole: z
    .string()
    .default("tdp_platform")
    .superRefine((role, ctx) => {
      const problem = openSearchRoleProblem(role);
      if (problem) {
        ctx.addIssue({ code: "custom", message: problem });
      }
    }),
  /** EKS workloads whose IRSA role is mapped too (when the workload is enabled). */
  eksWorkloads: z.array(z.enum(SEARCH_EKS_WORKLOADS)).default(["dataProcessing"]),
});

export type ServicesSearchConfig = z.output<typeof servicesSearchSchema>;
