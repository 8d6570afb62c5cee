import {
  awsAccountId,
  environmentName,
  iamPolicyArn,
  iamRolePrefix,
  infrastructureName,
  logRetentionDays,
} from "@tdp/core";
import { z } from "zod";

/** A bare stack name, or `<org>/<project>/<stack>`: the stack-name characters Pulumi accepts. */
export const STACK_REFERENCE = /^(?:[\w.-]+\/[\w.-]+\/)?[\w.-]+$/;

/**
 * The name a StackReference needs on every backend: a bare stack name gets the running stack's
 * organization and project (DIY backends name every stack `organization/<project>/<stack>`;
 * Pulumi Cloud uses the real organization), a qualified `<org>/<project>/<stack>` is kept.
 */
export function qualifiedStackName(name: string, organization: string, project: string): string {
  return name.includes("/") ? name : `${organization}/${project}/${name}`;
}

/**
 * `tdp:platform`: the settings every package shares (seed 001 Data Layer: InfrastructureName,
 * Environment, IAMRolePrefix, IAMBoundaryPolicy, LogRetentionDays; Service Layer: ExposedOnInternet).
 */
export const platformSchema = z.strictObject({
  /** Seed InfrastructureName: root of every physical name. */
  infrastructureName,
  /** Seed Environment. */
  environment: environmentName.default("production"),
  /** What this stack deploys: the whole platform (primary) or the DR-account targets (dr). */
  role: z.enum(["primary", "dr"], { message: 'must be "primary" or "dr"' }).default("primary"),
  /** The only AWS account this stack may touch; the provider refuses credentials for any other. */
  accountId: awsAccountId.optional(),
  /** Seed IAMRolePrefix. */
  iamRolePrefix: iamRolePrefix.default(""),
  /**
   * Seed IAMBoundaryPolicy: permissions boundary attached to every role. Checked here as a policy
   * ARN, so a role's ARN stops the run before anything is registered (the role helper would
   * refuse it only once roles are being made).
   */
  iamBoundaryPolicyArn: iamPolicyArn.optional(),
  /** Seed LogRetentionDays: retention of every log group the project creates. */
  logRetentionDays: logRetentionDays.default(90),
  /** Seed ExposedOnInternet: whether the platform is reachable from the internet. */
  exposedOnInternet: z.boolean().default(false),
  /**
   * The DR stack whose outputs the primary stack reads (customer-specific): a bare stack name
   * (`dr`), qualified at run time with the running stack's organization and project (see
   * {@link qualifiedStackName}), or a fully qualified `<org>/<project>/<stack>`.
   */
  drStack: z
    .string()
    .regex(
      STACK_REFERENCE,
      "must be a bare stack name (dr), qualified at run time with this stack's organization and project, or a fully qualified <org>/<project>/<stack>; a two-part <project>/<stack> is ambiguous across backends",
    )
    .optional(),
  /** Extra tags on every taggable resource, on top of Project, InfrastructureName, Environment. */
  tags: z.record(z.string(), z.string()).default({}),
});

export type PlatformConfig = z.output<typeof platformSchema>;
