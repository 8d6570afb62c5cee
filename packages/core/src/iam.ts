import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

import { IAM_POLICY_ARN_PATTERN } from "./config";
import type { Naming } from "./naming";
import { shortHash } from "./naming";
import type { PolicyDocument } from "./policy-document";
import { policyJson, serviceTrustPolicy } from "./policy-document";

/** Seed 001 `IAMRolePrefix` and `IAMBoundaryPolicy`: applied to every IAM role the project creates. */
export interface IamSettings {
  /** Prepended to every role name. @default "" */
  rolePrefix?: string;
  /** ARN of a permissions boundary attached to every role. @default none */
  permissionsBoundaryArn?: string;
}

export function validateIamSettings(settings: IamSettings): void {
  if (settings.permissionsBoundaryArn && !IAM_POLICY_ARN_PATTERN.test(settings.permissionsBoundaryArn)) {
    throw new Error(
      `iamBoundaryPolicyArn "${settings.permissionsBoundaryArn}" is invalid: expected an IAM policy ARN, ` +
        "arn:aws:iam::<account>:policy/<name>",
    );
  }
}

export interface ServiceRoleArgs {
  /** Naming of the deployment; the role is named `IAMRolePrefix<base>-<purpose>`. */
  naming: Naming;
  /** What the role is for; becomes the end of its name. */
  purpose: string;
  /** Prefix and boundary for the role (seed 001 IAMRolePrefix, IAMBoundaryPolicy). */
  iam: IamSettings;
  /** AWS service principals allowed to assume the role, e.g. `lambda.amazonaws.com`. */
  services?: string[];
  /** A complete trust policy, instead of `services`. */
  assumeRolePolicy?: PolicyDocument;
  /** Limit the service trust to principals acting for this account (confused-deputy guard). */
  sourceAccount?: pulumi.Input<string>;
  description?: string;
  /** AWS-managed or customer policy ARNs attached to the role. @default [] */
  managedPolicyArns?: string[];
  /** Inline policies by name. @default {} */
  inlinePolicies?: Record<string, PolicyDocument>;
}

/**
 * An IAM role with the deployment's name prefix and permissions boundary, its managed-policy
 * attachments and inline policies as children (after pulumi-eks's ServiceRole).
 */
export class ServiceRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly arn: pulumi.Output<string>;
  readonly roleName: pulumi.Output<string>;

  constructor(name: string, args: ServiceRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("tdp:core:ServiceRole", name, {}, opts);
    validateServiceRoleArgs(args);
    validateIamSettings(args.iam);

    const trust = args.assumeRolePolicy ?? serviceTrustPolicy(args.services ?? [], args.sourceAccount);
    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: args.naming.roleName(args.purpose),
        description: args.description,
        assumeRolePolicy: policyJson(trust),
        permissionsBoundary: args.iam.permissionsBoundaryArn || undefined,
      },
      { parent: this },
    );
    for (const policyArn of args.managedPolicyArns ?? []) {
      new aws.iam.RolePolicyAttachment(
        `${name}-${shortHash(policyArn, 8)}`,
        { role: this.role.name, policyArn },
        { parent: this },
      );
    }
    for (const [policyName, document] of Object.entries(args.inlinePolicies ?? {})) {
      new aws.iam.RolePolicy(
        `${name}-${policyName}`,
        { role: this.role.name, name: policyName, policy: policyJson(document) },
        { parent: this },
      );
    }
    this.arn = this.role.arn;
    this.roleName = this.role.name;
    this.registerOutputs({ arn: this.arn, roleName: this.roleName });
  }
}

export function validateServiceRoleArgs(args: ServiceRoleArgs): void {
  const hasServices = (args.services?.length ?? 0) > 0;
  if (hasServices === (args.assumeRolePolicy !== undefined)) {
    throw new Error(`ServiceRole "${args.purpose}": give exactly one of services or assumeRolePolicy`);
  }
  for (const service of args.services ?? []) {
    if (!/^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$/.test(service)) {
      throw new Error(`ServiceRole "${args.purpose}": "${service}" is not an AWS service principal`);
    }
  }
}

/**
 * A resource transformation that holds every `aws.iam.Role` registered under the stack to the
 * deployment's IAM settings, including roles made by code we do not own: it sets the permissions
 * boundary where missing and refuses a role whose explicit name lacks the prefix.
 */
export function iamRoleTransformation(settings: IamSettings): pulumi.ResourceTransformation {
  return (args) => {
    if (args.type !== "aws:iam/role:Role") {
      return undefined;
    }
    const props = { ...args.props };
    if (settings.permissionsBoundaryArn && !props["permissionsBoundary"]) {
      props["permissionsBoundary"] = settings.permissionsBoundaryArn;
    }
    const explicitName = props["name"];
    if (
      settings.rolePrefix &&
      typeof explicitName === "string" &&
      !explicitName.startsWith(settings.rolePrefix)
    ) {
      throw new Error(
        `IAM role "${args.name}" is named "${explicitName}", which lacks the iamRolePrefix "${settings.rolePrefix}"`,
      );
    }
    if (settings.rolePrefix && explicitName === undefined && props["namePrefix"] === undefined) {
      props["namePrefix"] = settings.rolePrefix;
    }
    return { props, opts: args.opts };
  };
}
