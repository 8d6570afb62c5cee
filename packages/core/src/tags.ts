import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

import type { Naming } from "./naming";

/** AWS tag keys and values: at most 128 and 256 characters, no `aws:` prefix. */
export function validateTags(tags: Record<string, string>): void {
  for (const [key, value] of Object.entries(tags)) {
    if (key.length === 0 || key.length > 128) {
      throw new Error(`tag key "${key}" is invalid: tag keys are 1 to 128 characters`);
    }
    if (key.toLowerCase().startsWith("aws:")) {
      throw new Error(`tag key "${key}" is invalid: the aws: prefix is reserved by AWS`);
    }
    if (value.length > 256) {
      throw new Error(`tag "${key}" is invalid: tag values are at most 256 characters (got ${value.length})`);
    }
  }
}

/** The tags every taggable resource of a deployment carries. */
export function defaultTags(naming: Naming, extra: Record<string, string> = {}): Record<string, string> {
  const tags = {
    Project: "tdp",
    InfrastructureName: naming.infrastructureName,
    Environment: naming.environment,
    ManagedBy: "pulumi",
    ...extra,
  };
  validateTags(tags);
  return tags;
}

export interface AwsProviderArgs {
  /** The region every resource of this provider lives in. */
  region: pulumi.Input<string>;
  /** Tags applied by the provider to every taggable resource. */
  tags: Record<string, string>;
  /** Restrict the provider to these account ids, so a wrong credential cannot touch another account. */
  allowedAccountIds?: string[];
  /**
   * Other provider settings, by their `aws:` config name (profile, assumeRoles, endpoints, …), as
   * the stack file gives them: an explicit provider does not read `aws:` config itself. `region`,
   * `tags` and `allowedAccountIds` above take precedence; `defaultTags.tags` given here are kept
   * under `tags`.
   */
  settings?: Record<string, unknown>;
}

/**
 * The AWS provider a stack passes to every component. Tags are the provider's default tags, so a
 * resource cannot forget them.
 */
export function createAwsProvider(
  name: string,
  args: AwsProviderArgs,
  opts?: pulumi.CustomResourceOptions,
): aws.Provider {
  const settings = { ...args.settings };
  const configured = (settings["defaultTags"] ?? {}) as { tags?: Record<string, string> };
  delete settings["region"];
  delete settings["defaultTags"];
  const allowedAccountIds = args.allowedAccountIds ?? (settings["allowedAccountIds"] as string[] | undefined);
  delete settings["allowedAccountIds"];
  return new aws.Provider(
    name,
    {
      ...(settings as aws.ProviderArgs),
      region: args.region as pulumi.Input<aws.Region>,
      defaultTags: { ...configured, tags: { ...configured.tags, ...args.tags } },
      allowedAccountIds,
    },
    opts,
  );
}
