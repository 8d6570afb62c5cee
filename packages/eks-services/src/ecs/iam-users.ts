import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "@tdp/core";

/**
 * Seed AthenaCreateIamUser: "Leaving false will restrict service permissions so that IAM users
 * cannot be created from the platform at runtime."
 */
export interface IamUserCreationArgs {
  /** Seed AthenaCreateIamUser. @default false */
  enabled?: boolean;
  /** The services whose task role may create the Athena users. @default ["ts-service-user-org"] */
  services?: string[];
  /** IAM path the users are created under; nothing outside it may be touched. @default "/tdp-athena/" */
  userPath?: string;
  /** The permissions boundary every created user must carry; required when enabled. @default none */
  permissionsBoundaryArn?: string;
}

export const DEFAULT_IAM_USER_SERVICES = ["ts-service-user-org"];
export const DEFAULT_IAM_USER_PATH = "/tdp-athena/";

/** Every action by which a task could mint or empower an IAM user. */
export const IAM_USER_ACTIONS = [
  "iam:CreateUser",
  "iam:CreateAccessKey",
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:AttachUserPolicy",
  "iam:PutUserPolicy",
  "iam:AddUserToGroup",
  "iam:PutUserPermissionsBoundary",
  "iam:DeleteUserPermissionsBoundary",
  "iam:UpdateUser",
];

const IAM_POLICY_ARN = /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/[\w+=,.@/-]+$/;

export function validateIamUserCreation(args: IamUserCreationArgs): void {
  const path = args.userPath ?? DEFAULT_IAM_USER_PATH;
  if (!/^\/([\w+=,.@-]+\/)+$/.test(path) || path.length > 512) {
    throw new Error(
      `athenaCreateIamUser.userPath ${JSON.stringify(path)}: must be an IAM path such as /tdp-athena/ (starts and ends with /, not the root /)`,
    );
  }
  if (args.permissionsBoundaryArn !== undefined && !IAM_POLICY_ARN.test(args.permissionsBoundaryArn)) {
    throw new Error(
      `athenaCreateIamUser.permissionsBoundaryArn ${JSON.stringify(args.permissionsBoundaryArn)}: must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>)`,
    );
  }
  if (args.enabled === true && args.permissionsBoundaryArn === undefined) {
    throw new Error(
      "athenaCreateIamUser.permissionsBoundaryArn (missing): required when athenaCreateIamUser is enabled, so every user the platform creates at runtime carries a permissions boundary (give it, or set tdp:platform.iamBoundaryPolicyArn)",
    );
  }
  if (args.enabled === true && (args.services ?? DEFAULT_IAM_USER_SERVICES).length === 0) {
    throw new Error(
      "athenaCreateIamUser.services []: name at least one service that creates the Athena users",
    );
  }
}

/**
 * The statements for `service`'s task role: an explicit Deny of every user action when creation is
 * off or the service is not one of the creators (a Deny cannot be overridden by any later grant);
 * otherwise user actions only under `userPath`, CreateUser only with the boundary attached, and the
 * boundary never removable.
 */
export function iamUserStatements(
  service: string,
  args: IamUserCreationArgs,
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): PolicyStatement[] {
  const creators = args.services ?? DEFAULT_IAM_USER_SERVICES;
  if (args.enabled !== true || !creators.includes(service)) {
    return [{ Sid: "DenyIamUserCreation", Effect: "Deny", Action: IAM_USER_ACTIONS, Resource: "*" }];
  }
  const path = args.userPath ?? DEFAULT_IAM_USER_PATH;
  const users = pulumi.interpolate`arn:${partition}:iam::${accountId}:user${path}*`;
  const boundary = args.permissionsBoundaryArn!;
  return [
    {
      Sid: "CreateAthenaUsersWithBoundary",
      Effect: "Allow",
      Action: "iam:CreateUser",
      Resource: users,
      Condition: { StringEquals: { "iam:PermissionsBoundary": boundary } },
    },
    {
      Sid: "ManageAthenaUsers",
      Effect: "Allow",
      Action: [
        "iam:GetUser",
        "iam:TagUser",
        "iam:DeleteUser",
        "iam:CreateAccessKey",
        "iam:DeleteAccessKey",
        "iam:ListAccessKeys",
        "iam:PutUserPolicy",
        "iam:DeleteUserPolicy",
      ],
      Resource: users,
    },
    {
      Sid: "KeepTheBoundary",
      Effect: "Deny",
      Action: [
        "iam:DeleteUserPermissionsBoundary",
        "iam:PutUserPermissionsBoundary",
        "iam:CreateLoginProfile",
      ],
      Resource: "*",
    },
  ];
}
