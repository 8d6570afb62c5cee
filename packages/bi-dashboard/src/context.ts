import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { IamSettings, NameKind, Naming } from "@tdp/core";

import type { BiDashboardArgs } from "./args";
import type { ResolvedBiDashboard } from "./validation";

/**
 * What every part of the dashboard is created with: the component (each child's parent), its
 * names and the resolved settings. The parts are functions, not components, so every resource
 * keeps the URN it had when the whole dashboard was one constructor.
 */
export interface DashboardContext {
  /** The BiDashboard component: the parent of every child. */
  parent: pulumi.ComponentResource;
  /** `{ parent }`: the options of a child that needs no others. */
  child: { parent: pulumi.ComponentResource };
  /** The component's name: children are `${name}-<role>`. */
  name: string;
  args: BiDashboardArgs;
  /** The settings with their defaults applied (validateBiDashboardArgs). */
  s: ResolvedBiDashboard;
  naming: Naming;
  iam: IamSettings;
  /** The deployment name, part of every physical name. */
  d: string;
  region: string;
  account: pulumi.Output<string>;
  partition: pulumi.Output<string>;
  /** A physical name of this deployment within AWS's limits for `kind`. */
  physical: (kind: NameKind, purpose: string) => string;
  /** Names fixed up front: some go into policies before their resources exist. */
  names: {
    syncFunction: string;
    rotationFunction: string;
    dbIdentifier: string;
    syncLogGroup: string;
    rotationLogGroup: string;
    instanceLogGroup: string;
  };
}

/** The context once the deployment's key exists: the parts after it encrypt with it. */
export interface KeyedContext extends DashboardContext {
  keyArn: pulumi.Output<string>;
}

export function dashboardContext(
  parent: pulumi.ComponentResource,
  name: string,
  args: BiDashboardArgs,
  s: ResolvedBiDashboard,
): DashboardContext {
  const naming = args.naming;
  const d = s.deploymentName;
  const child = { parent };
  const physical = (kind: NameKind, purpose: string) => naming.name(kind, `${d}-${purpose}`);
  const identity = aws.getCallerIdentityOutput({}, child);
  const partition = aws.getPartitionOutput({}, child).partition;
  return {
    parent,
    child,
    name,
    args,
    s,
    naming,
    iam: args.iam ?? {},
    d,
    region: s.region,
    account: identity.accountId,
    partition,
    physical,
    names: {
      syncFunction: physical("lambdaFunction", "efs-sync"),
      rotationFunction: physical("lambdaFunction", "db-rotation"),
      dbIdentifier: physical("rdsIdentifier", "db"),
      syncLogGroup: naming.logGroupName(`${d}/efs-sync`),
      rotationLogGroup: naming.logGroupName(`${d}/db-rotation`),
      instanceLogGroup: naming.logGroupName(`${d}/instances`),
    },
  };
}
