import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, Naming, createAwsProvider, defaultTags, iamRoleTransformation } from "@tdp/core";
import type { AvailabilityZonesError } from "@tdp/network";

import { loadStackConfig } from "./config/load";
import type { StackContext } from "./context";
import { deployDr } from "./dr";
import { deployPrimary } from "./primary";

/**
 * The TDP program. It validates the whole stack config first (a bad value stops the run before
 * any resource is registered), then assembles the primary platform or the DR targets.
 */
export async function program(): Promise<Record<string, unknown>> {
  const { region, sections: config, awsSettings } = loadStackConfig(pulumi.runtime.allConfig());
  const platform = config.platform;
  const naming = new Naming({
    infrastructureName: platform.infrastructureName,
    environment: platform.environment,
    iamRolePrefix: platform.iamRolePrefix,
  });
  const iam = { rolePrefix: platform.iamRolePrefix, permissionsBoundaryArn: platform.iamBoundaryPolicyArn };

  // Every role of ours is made by the ServiceRole component, which sets the prefix and the
  // boundary. This legacy stack transformation is a guard under it for roles registered in this
  // process some other way (a package calling aws.iam.Role directly): it adds a missing boundary
  // and refuses a name without the prefix. It does NOT reach the children of the multi-language
  // components (awsx VPC, eks Cluster): those run in their provider plugins. What holds there is
  // explicit: the awsx VPC creates no roles, and the eks Cluster is given its service role (a
  // ServiceRole) with no default node group and no instance role of its own (tested in
  // stacks/test/iam-boundary.test.ts; the policy pack checks every role of the preview).
  pulumi.runtime.registerStackTransformation(iamRoleTransformation(iam));

  const providerArgs = {
    tags: defaultTags(naming, { ...platform.tags, Stack: pulumi.getStack() }),
    allowedAccountIds: platform.accountId ? [platform.accountId] : undefined,
    settings: awsSettings,
  };
  const provider = createAwsProvider("aws", { region, ...providerArgs });
  const regional = new Map<string, aws.Provider>([[region, provider]]);
  const ctx: StackContext = {
    config,
    region,
    naming,
    iam,
    provider,
    componentOptions: { providers: [provider] },
    providerFor: (other) => {
      let found = regional.get(other);
      if (found === undefined) {
        found = createAwsProvider(`aws-${other}`, { region: other, ...providerArgs });
        regional.set(other, found);
      }
      return found;
    },
  };

  let outputs: Record<string, unknown>;
  try {
    outputs = platform.role === "primary" ? await deployPrimary(ctx) : await deployDr(ctx);
  } catch (error) {
    throw asConfigError(error, region) ?? error;
  }
  return {
    ...outputs,
    region,
    infrastructureName: platform.infrastructureName,
    environment: platform.environment,
    role: platform.role,
  };
}

/**
 * A look-up that shows the config cannot work in this account and region, as the config error it
 * is: the zone look-up runs before any resource but the provider is registered, and its failure
 * names the tdp: key, the value and the zones the region has.
 */
function asConfigError(error: unknown, region: string): ConfigError | undefined {
  if (!(error instanceof Error) || error.name !== "AvailabilityZonesError") {
    return undefined;
  }
  const { requested, wanted, available } = error as AvailabilityZonesError;
  const zones = `${available.length} (${available.join(", ") || "none"})`;
  const fix =
    available.length >= 2
      ? `set it to ${available.length} or leave it unset (3 zones where the region has them, else 2)`
      : "the platform needs at least 2: deploy to another region";
  return new ConfigError([
    {
      key: "tdp:network.availabilityZoneCount",
      value: requested,
      rule: `asks for ${wanted} availability zones but the region ${region} offers ${zones}; ${fix}`,
    },
  ]);
}
