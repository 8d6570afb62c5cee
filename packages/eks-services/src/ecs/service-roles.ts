import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";
import { ServiceRole, allow, policyDocument } from "@tdp/core";

import type { ServiceContext } from "./args";
import { iamUserStatements } from "./iam-users";
import type { PlatformServiceSpec } from "./validation";
import { ecrRepositoryArn } from "./validation";

/** A service's two roles: ECS starts the task with the first, the app runs as the second. */
export interface ServiceRoles {
  executionRole: ServiceRole;
  taskRole: ServiceRole;
}

/**
 * The execution role (its image, its log group, its own SSM path and the key of its
 * SecureStrings) and the least-privilege task role of one service.
 */
export function createServiceRoles(
  parent: pulumi.Resource,
  prefix: string,
  spec: PlatformServiceSpec,
  ctx: ServiceContext,
  own: { ssmPath: string; logGroupArn: pulumi.Output<string> },
): ServiceRoles {
  const { args, accountId, partition } = ctx;
  const naming = args.naming;
  const child = { parent };
  const svc = spec.name;

  const ownParameters = pulumi.interpolate`arn:${partition}:ssm:${args.region}:${accountId}:parameter${own.ssmPath}/*`;
  const repositories = [
    ...new Set(
      [spec.image].map((image) => ecrRepositoryArn(image)).filter((arn): arn is string => arn !== undefined),
    ),
  ];
  const executionStatements: PolicyStatement[] = [
    allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${own.logGroupArn}:*`, {
      Sid: "OwnLogGroup",
    }),
    allow("ssm:GetParameters", ownParameters, { Sid: "OwnParameters" }),
    allow("kms:Decrypt", args.secretsKmsKeyArn, {
      Sid: "DecryptOwnSecureStrings",
      Condition: { StringEquals: { "kms:ViaService": `ssm.${args.region}.amazonaws.com` } },
    }),
  ];
  if (repositories.length > 0) {
    executionStatements.push(
      // GetAuthorizationToken has no resource-level permissions: AWS requires "*" for it.
      allow("ecr:GetAuthorizationToken", "*", { Sid: "EcrLogin" }),
      allow(
        ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        repositories,
        {
          Sid: "PullOwnImage",
        },
      ),
    );
  }
  const executionRole = new ServiceRole(
    `${prefix}-execution-role`,
    {
      naming,
      iam: args.iam,
      purpose: `${svc}-exec`,
      services: ["ecs-tasks.amazonaws.com"],
      sourceAccount: accountId,
      description: `ECS execution role of ${svc}: its image, its log group, its own SSM path`,
      inlinePolicies: { execution: policyDocument(...executionStatements) },
    },
    child,
  );

  const taskStatements: PolicyStatement[] = [
    ...iamUserStatements(svc, args.iamUserCreation ?? {}, accountId, partition),
    ...(args.taskRoleStatements?.[svc] ?? []),
  ];
  if ((args.settingsParameterArns ?? []).length > 0) {
    taskStatements.push(
      allow(["ssm:GetParameter", "ssm:GetParameters"], args.settingsParameterArns!, {
        Sid: "PlatformSettings",
      }),
    );
  }
  if (args.auditLogGroupArn !== undefined) {
    taskStatements.push(
      allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${args.auditLogGroupArn}:*`, {
        Sid: "UserAuditLog",
      }),
    );
  }
  const taskRole = new ServiceRole(
    `${prefix}-task-role`,
    {
      naming,
      iam: args.iam,
      purpose: `${svc}-task`,
      services: ["ecs-tasks.amazonaws.com"],
      sourceAccount: accountId,
      description: `ECS task role of ${svc}: least privilege`,
      inlinePolicies: { task: policyDocument(...taskStatements) },
    },
    child,
  );
  return { executionRole, taskRole };
}
