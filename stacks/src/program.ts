import * as pulumi from "@pulumi/pulumi";
import { Naming, createAwsProvider, defaultTags, iamRoleTransformation } from "@tdp/core";

import { loadStackConfig } from "./config/load";
import type { StackContext } from "./context";
import { deployDr } from "./dr";
import { deployPrimary } from "./primary";

/**
 * The TDP program. It validates the whole stack config first (a bad value stops the run before
 * any resource is registered), then assembles the primary platform or the DR targets.
 */
export async function program(): Promise<Record<string, unknown>> {
  const { region, sections: config } = loadStackConfig(pulumi.runtime.allConfig());
  const platform = config.platform;
  const naming = new Naming({
    infrastructureName: platform.infrastructureName,
    environment: platform.environment,
    iamRolePrefix: platform.iamRolePrefix,
  });
  const iam = { rolePrefix: platform.iamRolePrefix, permissionsBoundaryArn: platform.iamBoundaryPolicyArn };

  // A safety net under the ServiceRole component: roles made by code we do not own (awsx, eks)
  // get the boundary too.
  pulumi.runtime.registerStackTransformation(iamRoleTransformation(iam));

  const provider = createAwsProvider("aws", {
    region,
    tags: defaultTags(naming, { ...platform.tags, Stack: pulumi.getStack() }),
    allowedAccountIds: platform.accountId ? [platform.accountId] : undefined,
  });
  const ctx: StackContext = {
    config,
    region,
    naming,
    iam,
    provider,
    componentOptions: { providers: [provider] },
  };

  const outputs = platform.role === "primary" ? await deployPrimary(ctx) : await deployDr(ctx);
  return {
    ...outputs,
    region,
    infrastructureName: platform.infrastructureName,
    environment: platform.environment,
    role: platform.role,
  };
}
