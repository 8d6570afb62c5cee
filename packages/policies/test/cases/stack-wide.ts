import {
  logRetention,
  noForeignAccounts,
  noIamUsers,
  noPlaintextSecrets,
  rolesBoundedAndPrefixed,
  statefulProtected,
} from "../../src/services/stack-wide";
import { ACCOUNT, secureBucket } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/tdp-boundary`;
const trust = JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const role = (name: string, inputs: Record<string, unknown> = {}) =>
  res("aws:iam/role:Role", name, { name, assumeRolePolicy: trust, permissionsBoundary: BOUNDARY, ...inputs });
const provider = res("pulumi:providers:aws", "aws", { allowedAccountIds: JSON.stringify([ACCOUNT]) });
const keyPolicy = (account: string) =>
  JSON.stringify({
    Statement: [
      { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
    ],
  });
const userData = (script: string) => Buffer.from(script, "utf8").toString("base64");

export const stackWideCases: PolicyCase[] = [
  {
    policy: noIamUsers,
    passes: [[role("tdp-app")]],
    fails: [
      {
        fixture: [res("aws:iam/user:User", "athena", { name: "athena" })],
        message: /User athena is an IAM user credential/,
      },
      { fixture: [res("aws:iam/accessKey:AccessKey", "key", { user: "athena" })], message: /AccessKey key/ },
    ],
  },
  {
    policy: rolesBoundedAndPrefixed,
    config: { iamRolePrefix: "tdp-", permissionsBoundaryArn: BOUNDARY },
    passes: [[role("tdp-app")], [role("tdp-app", { name: "[unknown]" })]],
    fails: [
      {
        fixture: [role("tdp-app", { permissionsBoundary: undefined })],
        message: /role tdp-app has no permissions boundary/,
      },
      {
        fixture: [role("tdp-app", { permissionsBoundary: `arn:aws:iam::${ACCOUNT}:policy/other` })],
        message: /has boundary .*other, not/,
      },
      { fixture: [role("app")], message: /named app, without the prefix tdp-/ },
    ],
  },
  {
    policy: noForeignAccounts,
    config: { allowedAccountIds: [ACCOUNT, "222222222222"] },
    passes: [
      [provider, res("aws:kms/key:Key", "key", { policy: keyPolicy(ACCOUNT) })],
      [res("aws:kms/key:Key", "dr", { policy: keyPolicy("222222222222") })],
      // The us-east-1 Elastic Load Balancing account writing ALB logs is AWS, not a foreign account.
      [res("aws:s3/bucketPolicy:BucketPolicy", "logs", { policy: keyPolicy("127311923021") })],
    ],
    fails: [
      {
        fixture: [provider, res("aws:kms/key:Key", "key", { policy: keyPolicy("999999999999") })],
        message: /key.policy grants to account 999999999999/,
      },
      {
        fixture: [
          res("aws:iam/role:Role", "r", {
            assumeRolePolicy: JSON.stringify({
              Statement: [{ Effect: "Allow", Principal: { AWS: "333333333333" }, Action: "sts:AssumeRole" }],
            }),
          }),
        ],
        message: /r.assumeRolePolicy grants to account 333333333333/,
      },
    ],
  },
  {
    policy: logRetention,
    passes: [[res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 90 })]],
    fails: [
      {
        fixture: [res("aws:cloudwatch/logGroup:LogGroup", "logs", {})],
        message: /log group logs keeps its events forever/,
      },
      {
        fixture: [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 0 })],
        message: /keeps its events forever/,
      },
    ],
  },
  {
    policy: statefulProtected,
    passes: [
      secureBucket("data"),
      [
        res(
          "aws:rds/instance:Instance",
          "db",
          { deletionProtection: true, skipFinalSnapshot: false },
          { protect: true },
        ),
      ],
      [res("aws:kms/key:Key", "key", { deletionWindowInDays: 30 }, { protect: true })],
    ],
    fails: [
      {
        fixture: secureBucket("data", { Bucket: { forceDestroy: true } }),
        message: /Bucket data-bucket lacks forceDestroy off/,
      },
      {
        fixture: [res("aws:efs/fileSystem:FileSystem", "efs", {})],
        message: /FileSystem efs is not protected from deletion/,
      },
      {
        fixture: [res("aws:rds/instance:Instance", "db", { deletionProtection: false }, { protect: true })],
        message: /Instance db lacks deletionProtection on and a final snapshot/,
      },
      {
        fixture: [res("aws:kms/key:Key", "key", { deletionWindowInDays: 7 }, { protect: true })],
        message: /lacks a 30-day deletion window/,
      },
    ],
  },
  {
    policy: noPlaintextSecrets,
    passes: [
      [
        res("aws:lambda/function:Function", "fn", {
          environment: {
            variables: {
              SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:x`,
              TOKEN: "[secret]",
              LOG_LEVEL: "info",
            },
          },
        }),
      ],
      [
        res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
          userData: userData(
            '#!/bin/bash\nPI_DB_PASSWORD="$(aws secretsmanager get-secret-value --secret-id x)"\n',
          ),
        }),
      ],
      [
        res("aws:ssm/parameter:Parameter", "p", {
          name: "/tdp/BOX_CLIENT_SECRET",
          type: "SecureString",
          value: "[secret]",
        }),
      ],
    ],
    fails: [
      {
        fixture: [
          res("aws:lambda/function:Function", "fn", {
            environment: { variables: { DB_PASSWORD: "hunter2" } },
          }),
        ],
        message: /environment variable DB_PASSWORD holds a plaintext secret/,
      },
      {
        fixture: [
          res("aws:ec2/launchTemplate:LaunchTemplate", "lt", {
            userData: userData("#!/bin/bash\nexport PI_LICENCE=ABCD-1234\n"),
          }),
        ],
        message: /user data PI_LICENCE holds a plaintext secret/,
      },
      {
        fixture: [
          res("aws:ecs/taskDefinition:TaskDefinition", "td", {
            containerDefinitions: JSON.stringify([
              { name: "web", environment: [{ name: "API_KEY", value: "k-123" }] },
            ]),
          }),
        ],
        message: /container environment API_KEY/,
      },
      {
        fixture: [
          res("aws:ssm/parameter:Parameter", "p", {
            name: "/tdp/BOX_CLIENT_SECRET",
            type: "String",
            value: "s3cr3t",
          }),
        ],
        message: /String parameter \/tdp\/BOX_CLIENT_SECRET/,
      },
      {
        fixture: [
          res("aws:lambda/function:Function", "fn", {
            environment: { variables: { CONFIG: "AKIAABCDEFGHIJKLMNOP" } },
          }),
        ],
        message: /CONFIG holds a plaintext secret/,
      },
    ],
  },
];
