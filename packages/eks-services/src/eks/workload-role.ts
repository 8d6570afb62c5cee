import type * as pulumi from "@pulumi/pulumi";
import * as pulumiSdk from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyDocument } from "@tdp/core";
import { ServiceRole, policyDocument } from "@tdp/core";

import { validateKubernetesName } from "./validation";

/** What one workload's IAM role (IRSA) is for. */
export interface WorkloadRoleArgs {
  /** Namespace of the workload's service account. */
  namespace: string;
  /** Name of the workload's service account. */
  serviceAccount: string;
  /** What the workload may do; least privilege, no `*` actions. */
  policy: PolicyDocument;
  /** @default "IRSA role for <namespace>/<serviceAccount>" */
  description?: string;
}

/** The cluster's OIDC identity provider, as the roles' trust needs it. */
export interface OidcProvider {
  /** ARN of the IAM OpenID Connect provider of the cluster. */
  arn: pulumi.Input<string>;
  /** The issuer host and path, without `https://` (`oidc.eks.<region>.amazonaws.com/id/<id>`). */
  issuer: pulumi.Input<string>;
}

export function validateWorkloadName(workload: string): void {
  if (!/^[a-z][a-z0-9-]{0,30}[a-z0-9]$/.test(workload)) {
    throw new Error(
      `workloadRole name "${workload}" must be 2 to 32 lowercase letters, digits and hyphens (it ends the role name)`,
    );
  }
}

export function validateWorkloadRoleArgs(name: string, args: WorkloadRoleArgs): void {
  validateKubernetesName(args.namespace, `workloadRole(${name}).namespace`);
  validateKubernetesName(args.serviceAccount, `workloadRole(${name}).serviceAccount`);
  if (args.policy.Statement.length === 0) {
    throw new Error(
      `workloadRole(${name}).policy has no statements; a role that may do nothing is not needed`,
    );
  }
  for (const statement of args.policy.Statement) {
    const actions = [statement.Action ?? []].flat();
    if (actions.includes("*") || statement.NotAction !== undefined) {
      throw new Error(
        `workloadRole(${name}).policy grants every action ("*" or NotAction); list the actions the workload needs`,
      );
    }
  }
}

/**
 * The trust policy of an IRSA role: only the given service account of the given namespace, with
 * tokens issued for STS, may assume it (conditions on `sub` and `aud`).
 */
export function webIdentityTrustPolicy(
  provider: OidcProvider,
  namespace: string,
  serviceAccount: string,
): PolicyDocument {
  // The condition keys begin with the issuer, which is known only once the cluster exists, so the
  // whole map is an output; policyJson resolves nested outputs like any other input.
  const conditions = pulumiSdk.output(provider.issuer).apply((issuer) => ({
    [`${issuer}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
    [`${issuer}:aud`]: "sts.amazonaws.com",
  }));
  return policyDocument({
    Effect: "Allow",
    Principal: { Federated: provider.arn },
    Action: "sts:AssumeRoleWithWebIdentity",
    Condition: { StringEquals: conditions as unknown as Record<string, pulumi.Input<string>> },
  });
}

/**
 * An IAM role for a Kubernetes service account (IRSA), made through the core ServiceRole so the
 * IAMRolePrefix and the permissions boundary apply. The resource is `resourceName`; the role's
 * physical name is `<IAMRolePrefix><base>-irsa-<workload>`.
 */
export function createWorkloadRole(
  resourceName: string,
  workload: string,
  context: { naming: Naming; iam: IamSettings; oidc: OidcProvider },
  args: WorkloadRoleArgs,
  opts: pulumi.ComponentResourceOptions,
): ServiceRole {
  validateWorkloadName(workload);
  validateWorkloadRoleArgs(workload, args);
  return new ServiceRole(
    resourceName,
    {
      naming: context.naming,
      purpose: `irsa-${workload}`,
      iam: context.iam,
      assumeRolePolicy: webIdentityTrustPolicy(context.oidc, args.namespace, args.serviceAccount),
      description: args.description ?? `IRSA role for ${args.namespace}/${args.serviceAccount}`,
      inlinePolicies: { workload: args.policy },
    },
    opts,
  );
}
