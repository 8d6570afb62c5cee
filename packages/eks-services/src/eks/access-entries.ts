import type * as eks from "@pulumi/eks";

/** Cluster administrators get the EKS cluster-admin access policy on the whole cluster. */
const CLUSTER_ADMIN_POLICY = "cluster-access-policy/AmazonEKSClusterAdminPolicy";

/**
 * Access-entry keys of the admin roles: `admin-<role name>` (path dropped, lowercased), with the
 * position appended only when two roles of different accounts or paths share a name.
 */
export function accessEntryKeys(roleArns: readonly string[]): Record<string, string> {
  const keys: Record<string, string> = {};
  roleArns.forEach((arn, i) => {
    const roleName = (arn.split("/").pop() ?? arn).toLowerCase().replace(/[^a-z0-9-]/g, "-");
    const key = Object.hasOwn(keys, `admin-${roleName}`) ? `admin-${roleName}-${i}` : `admin-${roleName}`;
    keys[key] = arn;
  });
  return keys;
}

/** The cluster's access entries (authentication mode API): cluster-admin for each admin role. */
export function adminAccessEntries(
  adminRoleArns: readonly string[],
  partition: string,
): Record<string, eks.types.input.AccessEntryArgs> {
  const accessEntries: Record<string, eks.types.input.AccessEntryArgs> = {};
  // Keyed by role name (not position), so reordering the list replaces nothing.
  for (const [key, principalArn] of Object.entries(accessEntryKeys(adminRoleArns))) {
    accessEntries[key] = {
      principalArn,
      type: "STANDARD",
      accessPolicies: {
        clusterAdmin: {
          policyArn: `arn:${partition}:eks::aws:${CLUSTER_ADMIN_POLICY}`,
          accessScope: { type: "cluster" },
        },
      },
    };
  }
  return accessEntries;
}
