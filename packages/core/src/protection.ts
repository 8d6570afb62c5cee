import type * as pulumi from "@pulumi/pulumi";

/**
 * Options for a resource that holds data (bucket, database, domain, file system, key, vault):
 * `pulumi destroy` and a replacing change stop at it, and a deletion leaves it in the account.
 */
export function statefulResourceOptions<T extends pulumi.CustomResourceOptions>(opts: T): T {
  return { ...opts, protect: true, retainOnDelete: true };
}
