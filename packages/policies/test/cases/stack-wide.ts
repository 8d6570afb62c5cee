import {
  logRetention,
  noForeignAccounts,
  noIamUsers,
  noPlaintextSecrets,
  rolesBoundedAndPrefixed,
  statefulProtected,
} from "../../src/services/stack-wide";
import { PREVIEW_UNKNOWN } from "../../src/props";
import { ACCOUNT, KEY_ARN, secureBucket } from "../fixtures";
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
const lambdaPermission = (inputs: Record<string, unknown>) =>
  res("aws:lambda/permission:Permission", "invoke", {
    action: "lambda:InvokeFunction",
    function: "tdp-fn",
    ...inputs,
  });
const kmsGrant = (inputs: Record<string, unknown>) =>
  res("aws:kms/grant:Grant", "grant", {
    keyId: KEY_ARN,
    granteePrincipal: `arn:aws:iam::${ACCOUNT}:role/app`,
    operations: ["Decrypt"],
    ...inputs,
  });
const ramShare = (principal: string) =>
  res("aws:ram/principalAssociation:PrincipalAssociation", "share", {
    principal,
    resourceShareArn: `arn:aws:ram:us-east-1:${ACCOUNT}:resource-share/x`,
  });
/** A topic policy granting anyone (Principal "*") under a condition naming an account. */
const conditionedTopic = (key: string, value: string, operator = "StringEquals") =>
  res("aws:sns/topicPolicy:TopicPolicy", "topic", {
    arn: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
    policy: JSON.stringify({
      Statement: [
        {
          Sid: "Publish",
          Effect: "Allow",
          Principal: "*",
          Action: "sns:Publish",
          Resource: `arn:aws:sns:us-east-1:${ACCOUNT}:alerts`,
          Condition: { [operator]: { [key]: value } },
        },
      ],
    }),
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
      {
        // Auto-named (neither name nor namePrefix): Pulumi names it app-1a2b3c4, without the prefix.
        fixture: [role("tdp-app", { name: undefined })],
        message: /role tdp-app has neither name nor namePrefix, so it is auto-named without the prefix tdp-/,
      },
    ],
  },
  {
    // Without a configured prefix, an auto-named role is not a prefix violation.
    policy: rolesBoundedAndPrefixed,
    config: { permissionsBoundaryArn: BOUNDARY },
    passes: [
      [role("tdp-app", { name: undefined })],
      [role("tdp-app", { name: undefined, namePrefix: "x-" })],
    ],
    fails: [
      { fixture: [role("tdp-app", { permissionsBoundary: undefined })], message: /no permissions boundary/ },
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
      {
        fixture: [lambdaPermission({ principal: "999999999999" })],
        message: /invoke.principal names account 999999999999/,
      },
      {
        fixture: [lambdaPermission({ principal: "arn:aws:iam::999999999999:role/caller" })],
        message: /invoke.principal names account 999999999999 \(arn:aws:iam::999999999999:role\/caller\)/,
      },
      {
        fixture: [lambdaPermission({ sourceAccount: "999999999999" })],
        message: /invoke.sourceAccount names account 999999999999/,
      },
      {
        fixture: [kmsGrant({ granteePrincipal: "arn:aws:iam::999999999999:role/reader" })],
        message: /grant.granteePrincipal names account 999999999999/,
      },
      {
        fixture: [kmsGrant({ retiringPrincipal: "arn:aws:iam::888888888888:root" })],
        message: /grant.retiringPrincipal names account 888888888888/,
      },
      {
        fixture: [ramShare("999999999999")],
        message: /share.principal names account 999999999999/,
      },
      {
        fixture: [ramShare("arn:aws:organizations::999999999999:organization/o-abcdef1234")],
        message: /share.principal names account 999999999999/,
      },
      {
        fixture: [conditionedTopic("aws:SourceAccount", "999999999999")],
        message: /topic.policy statement Publish lets in account 999999999999 \(aws:SourceAccount\)/,
      },
      {
        fixture: [conditionedTopic("aws:PrincipalAccount", "999999999999")],
        message: /lets in account 999999999999 \(aws:PrincipalAccount\)/,
      },
      {
        fixture: [conditionedTopic("aws:SourceOwner", "999999999999")],
        message: /lets in account 999999999999 \(aws:SourceOwner\)/,
      },
    ],
  },
  {
    // Lambda permissions, grants, shares and conditions that stay within the allowed accounts.
    policy: noForeignAccounts,
    config: { allowedAccountIds: [ACCOUNT, "222222222222"] },
    passes: [
      [
        lambdaPermission({ principal: "s3.amazonaws.com", sourceAccount: ACCOUNT }),
        lambdaPermission({ principal: ACCOUNT }),
        kmsGrant({ granteePrincipal: "arn:aws:iam::222222222222:role/dr-restore" }),
        kmsGrant({ granteePrincipal: "[unknown]", retiringPrincipal: PREVIEW_UNKNOWN }),
        ramShare("222222222222"),
        conditionedTopic("aws:SourceAccount", ACCOUNT),
        conditionedTopic("aws:PrincipalAccount", "222222222222"),
        // A negated condition names who is kept out, not who is let in.
        conditionedTopic("aws:SourceAccount", "999999999999", "StringNotEquals"),
        // The Elastic Load Balancing log writer (us-east-1) is AWS's, not a foreign account.
        conditionedTopic("aws:SourceAccount", "127311923021"),
      ],
    ],
    fails: [
      {
        fixture: [
          conditionedTopic("aws:SourceArn", "arn:aws:s3:us-east-1:999999999999:accesspoint/x", "ArnLike"),
        ],
        message: /lets in account 999999999999 \(aws:SourceArn\)/,
      },
    ],
  },
  {
    policy: logRetention,
    passes: [
      [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 90 })],
      // A retention a real preview does not know yet (computed from another resource), and the plan's.
      [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: PREVIEW_UNKNOWN })],
      [res("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: "[unknown]" })],
    ],
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
      [res("aws:cognito/userPool:UserPool", "users", { deletionProtection: "ACTIVE" }, { protect: true })],
      // retainOnDelete alone is a deletion guard too (issue 3: "protect or retain-on-delete").
      [
        {
          ...res("aws:efs/fileSystem:FileSystem", "efs", {}),
          retainOnDelete: true,
        },
      ],
      [
        {
          ...res("aws:rds/instance:Instance", "db", { deletionProtection: true, skipFinalSnapshot: false }),
          retainOnDelete: true,
        },
      ],
    ],
    fails: [
      {
        fixture: secureBucket("data", { Bucket: { forceDestroy: true } }),
        message: /Bucket data-bucket lacks forceDestroy off/,
      },
      {
        fixture: [res("aws:efs/fileSystem:FileSystem", "efs", {})],
        message: /FileSystem efs is not protected from deletion \(neither protect nor retainOnDelete\)/,
      },
      {
        // retainOnDelete does not replace the service's own guard.
        fixture: [
          {
            ...res("aws:rds/instance:Instance", "db", { deletionProtection: false }),
            retainOnDelete: true,
          },
        ],
        message: /Instance db lacks deletionProtection on and a final snapshot/,
      },
      {
        fixture: [res("aws:rds/instance:Instance", "db", { deletionProtection: false }, { protect: true })],
        message: /Instance db lacks deletionProtection on and a final snapshot/,
      },
      {
        fixture: [res("aws:kms/key:Key", "key", { deletionWindowInDays: 7 }, { protect: true })],
        message: /lacks a 30-day deletion window/,
      },
      {
        fixture: [res("aws:cognito/userPool:UserPool", "users", { deletionProtection: "ACTIVE" })],
        message: /UserPool users is not protected from deletion/,
      },
      {
        fixture: [
          res(
            "aws:cognito/userPool:UserPool",
            "users",
            { deletionProtection: "INACTIVE" },
            { protect: true },
          ),
        ],
        message: /UserPool users lacks deletionProtection ACTIVE/,
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
      // Names that reference a secret by ARN, and names that only look like the short words.
      [
        res("aws:lambda/function:Function", "fn", {
          environment: {
            variables: {
              DB_PASSWORD_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:db`,
              API_KEY_SECRET_ARN: `arn:aws:secretsmanager:us-east-1:${ACCOUNT}:secret:api`,
              BYPASS_CACHE: "true",
              COMPASS_URL: "https://compass.example.com",
              PASSTHROUGH: "on",
            },
          },
        }),
      ],
      // Passwords from Pulumi secrets, still unknown, or managed by the service.
      [
        res("aws:rds/instance:Instance", "db", { username: "tdpadmin", password: "[secret]" }),
        res("aws:rds/instance:Instance", "db2", { username: "tdpadmin", manageMasterUserPassword: true }),
        res("aws:rds/cluster:Cluster", "cluster", { masterPassword: "[unknown]" }),
        res("aws:opensearch/domain:Domain", "search", {
          advancedSecurityOptions: {
            enabled: true,
            masterUserOptions: { masterUserArn: "arn:aws:iam::1:role/m" },
          },
        }),
        res("aws:secretsmanager/secretVersion:SecretVersion", "v", {
          secretId: "x",
          secretString: "[secret]",
        }),
        res("aws:elasticache/user:User", "u", { passwords: ["[secret]"] }),
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
      ...[
        "DB_PASS",
        "PASSWD",
        "PWD",
        "TOKEN",
        "PRIVATE_KEY",
        "API_KEY",
        "CLIENT_SECRET",
        "dbPass",
        "SMTP_PW",
      ].map((name) => ({
        fixture: [
          res("aws:lambda/function:Function", "fn", { environment: { variables: { [name]: "value-123" } } }),
        ],
        message: new RegExp(`environment variable ${name} holds a plaintext secret`),
      })),
      {
        fixture: [
          res("aws:rds/instance:Instance", "db", { username: "tdpadmin", password: "hunter2hunter2" }),
        ],
        message: /db: password is set in plain text \(not a Pulumi secret\)/,
      },
      {
        fixture: [res("aws:rds/cluster:Cluster", "cluster", { masterPassword: "hunter2hunter2" })],
        message: /cluster: masterPassword is set in plain text/,
      },
      {
        fixture: [
          res("aws:opensearch/domain:Domain", "search", {
            advancedSecurityOptions: {
              enabled: true,
              masterUserOptions: { masterUserName: "admin", masterUserPassword: "Hunter2!Hunter2" },
            },
          }),
        ],
        message: /search: advancedSecurityOptions.masterUserOptions.masterUserPassword is set in plain text/,
      },
      {
        fixture: [
          res("aws:secretsmanager/secretVersion:SecretVersion", "v", {
            secretId: "x",
            secretString: JSON.stringify({ username: "a", password: "b" }),
          }),
        ],
        message: /v: secretString is set in plain text/,
      },
      {
        fixture: [
          res("aws:secretsmanager/secretVersion:SecretVersion", "v", {
            secretId: "x",
            secretBinary: "c2VjcmV0",
          }),
        ],
        message: /v: secretBinary is set in plain text/,
      },
      {
        fixture: [
          res("aws:elasticache/replicationGroup:ReplicationGroup", "cache", {
            authToken: "tok-1234567890abcdef",
          }),
        ],
        message: /cache: authToken is set in plain text/,
      },
      {
        fixture: [res("aws:docdb/cluster:Cluster", "docs", { masterPassword: "hunter2hunter2" })],
        message: /docs: masterPassword is set in plain text/,
      },
      {
        fixture: [res("aws:elasticache/user:User", "u", { passwords: ["[secret]", "plain-password-1"] })],
        message: /u: passwords.\* is set in plain text/,
      },
    ],
  },
];
