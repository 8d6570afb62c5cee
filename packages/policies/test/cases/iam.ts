import {
  iamNoAdministratorAccess,
  iamNoAdminStatements,
  iamNoPassRoleOnAny,
  iamTrustNotPublic,
} from "../../src/services/iam";
import { ACCOUNT } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const doc = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
const rolePolicy = (...statements: object[]) =>
  res("aws:iam/rolePolicy:RolePolicy", "app-policy", { role: "tdp-app", policy: doc(...statements) });

const readBucket = {
  Sid: "ReadData",
  Effect: "Allow",
  Action: ["s3:GetObject"],
  Resource: "arn:aws:s3:::tdp-data/*",
};
const passAutomationRole = {
  Effect: "Allow",
  Action: "iam:PassRole",
  Resource: `arn:aws:iam::${ACCOUNT}:role/tdp-refresh-automation`,
  Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
};
const OIDC = `arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC`;

const role = (trust: object[], inputs: Record<string, unknown> = {}) =>
  res("aws:iam/role:Role", "app-role", { name: "tdp-app", assumeRolePolicy: doc(...trust), ...inputs });
const serviceTrust = {
  Effect: "Allow",
  Principal: { Service: "ecs-tasks.amazonaws.com" },
  Action: "sts:AssumeRole",
};

export const iamCases: PolicyCase[] = [
  {
    policy: iamNoAdminStatements,
    passes: [
      [rolePolicy(readBucket)],
      // kms:Decrypt-style service actions on "*" are other policies' business, and Deny * is fine.
      [
        rolePolicy({
          Effect: "Deny",
          Action: "*",
          Resource: "*",
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        }),
      ],
      [res("aws:iam/policy:Policy", "p", { policy: "[unknown]" })],
    ],
    fails: [
      {
        fixture: [rolePolicy(readBucket, { Sid: "Everything", Effect: "Allow", Action: "*", Resource: "*" })],
        message: /app-policy policy statement Everything allows "\*" on "\*"/,
      },
      {
        fixture: [
          res("aws:iam/policy:Policy", "admin", {
            policy: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
          }),
        ],
        message: /admin policy statement \(no Sid\) allows everything but NotAction on "\*"/,
      },
      {
        fixture: [
          role([serviceTrust], {
            inlinePolicies: [
              { name: "all", policy: doc({ Effect: "Allow", Action: ["*:*"], Resource: ["*"] }) },
            ],
          }),
        ],
        message: /app-role inline policy all statement \(no Sid\) allows "\*" on "\*"/,
      },
    ],
  },
  {
    policy: iamNoPassRoleOnAny,
    passes: [[rolePolicy(passAutomationRole)], [rolePolicy(readBucket)]],
    fails: [
      {
        fixture: [rolePolicy({ Sid: "Pass", Effect: "Allow", Action: "iam:PassRole", Resource: "*" })],
        message: /app-policy policy statement Pass allows iam:PassRole on every role/,
      },
      {
        fixture: [
          rolePolicy({ Effect: "Allow", Action: ["iam:Pass*"], Resource: `arn:aws:iam::${ACCOUNT}:role/*` }),
        ],
        message: /allows iam:Pass\* on every role/,
      },
    ],
  },
  {
    policy: iamTrustNotPublic,
    passes: [
      [role([serviceTrust])],
      [
        role([
          {
            Effect: "Allow",
            Principal: { Federated: OIDC },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                "oidc.eks.us-east-1.amazonaws.com/id/ABC:aud": "sts.amazonaws.com",
                "oidc.eks.us-east-1.amazonaws.com/id/ABC:sub": "system:serviceaccount:tdp:api",
              },
            },
          },
        ]),
      ],
      [
        role([
          {
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalOrgID": "o-123" } },
          },
        ]),
      ],
    ],
    fails: [
      {
        fixture: [
          role([{ Sid: "Open", Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }]),
        ],
        message: /role app-role statement Open lets anyone assume it/,
      },
      {
        fixture: [role([{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }])],
        message: /lets anyone assume it/,
      },
      {
        fixture: [
          role([
            { Effect: "Allow", Principal: { Federated: OIDC }, Action: "sts:AssumeRoleWithWebIdentity" },
          ]),
        ],
        message:
          /lets every identity of arn:aws:iam::111111111111:oidc-provider\/.* assume it \(no condition\)/,
      },
    ],
  },
  {
    policy: iamNoAdministratorAccess,
    passes: [
      [
        res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ssm", {
          role: "tdp-node",
          policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
        }),
      ],
    ],
    fails: [
      {
        fixture: [
          res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "admin", {
            role: "tdp-node",
            policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
          }),
        ],
        message: /admin attaches AdministratorAccess/,
      },
      {
        fixture: [role([serviceTrust], { managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] })],
        message: /app-role attaches PowerUserAccess/,
      },
    ],
  },
];
