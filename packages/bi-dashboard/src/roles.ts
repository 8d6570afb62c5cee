import type { ServiceRoleArgs } from "@tdp/core";
import { ServiceRole } from "@tdp/core";

import type { DashboardContext } from "./context";

export interface AccountServiceRoleArgs extends Pick<
  ServiceRoleArgs,
  "managedPolicyArns" | "inlinePolicies"
> {
  /** What the role is for, after the deployment name: `${d}-${purpose}`. */
  purpose: string;
  /** The one service principal that assumes the role. */
  service: string;
  description: string;
}

/**
 * A role a service assumes for this deployment, trusted only when it acts for the deployment's
 * account (confused-deputy guard); ServiceRole adds the prefix and permissions boundary.
 */
export function accountServiceRole(
  ctx: DashboardContext,
  role: string,
  { purpose, service, description, ...policies }: AccountServiceRoleArgs,
): ServiceRole {
  const { name, naming, iam, d, account, child } = ctx;
  return new ServiceRole(
    `${name}-${role}`,
    {
      naming,
      iam,
      purpose: `${d}-${purpose}`,
      services: [service],
      sourceAccount: account,
      description,
      ...policies,
    },
    child,
  );
}
