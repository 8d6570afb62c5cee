import {
  lambdaConcurrencyLimit,
  lambdaEnvironmentEncrypted,
  lambdaFailureDestination,
  lambdaPermissionScoped,
  lambdaSupportedRuntime,
  lambdaVpcMultiAz,
} from "../../src/services/lambda";
import { ACCOUNT, KEY_ARN } from "../fixtures";
import { res, urnOf, type PolicyCase } from "../harness";

const FUNCTION_TYPE = "aws:lambda/function:Function";
const INVOKE_CONFIG_TYPE = "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig";
const DLQ = `arn:aws:sqs:us-east-1:${ACCOUNT}:sync-dlq`;

/** A function as the BI dashboard's sync function is registered. */
function fn(inputs: Record<string, unknown> = {}) {
  return res(FUNCTION_TYPE, "sync", {
    name: "tdp-sync",
    runtime: "nodejs22.x",
    handler: "index.handler",
    role: `arn:aws:iam::${ACCOUNT}:role/sync`,
    deadLetterConfig: { targetArn: DLQ },
    reservedConcurrentExecutions: 5,
    kmsKeyArn: KEY_ARN,
    environment: { variables: { BUCKET_NAME: "resources" } },
    vpcConfig: { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: ["sg-1"] },
    ...inputs,
  });
}

function permission(inputs: Record<string, unknown>) {
  return [
    res("aws:lambda/permission:Permission", "sync-from-s3", {
      action: "lambda:InvokeFunction",
      function: "tdp-sync",
      ...inputs,
    }),
  ];
}

function invokeConfig(inputs: Record<string, unknown>, dependencies: string[] = []) {
  return res(INVOKE_CONFIG_TYPE, "sync-retries", { maximumRetryAttempts: 2, ...inputs }, { dependencies });
}

const ON_FAILURE = { destinationConfig: { onFailure: { destination: DLQ } } };

export const lambdaCases: PolicyCase[] = [
  {
    policy: lambdaPermissionScoped,
    passes: [
      permission({
        principal: "s3.amazonaws.com",
        sourceAccount: ACCOUNT,
        sourceArn: "arn:aws:s3:::resources",
      }),
      permission({
        principal: "events.amazonaws.com",
        sourceArn: `arn:aws:events:us-east-1:${ACCOUNT}:rule/snapshots`,
      }),
      permission({ principal: "secretsmanager.amazonaws.com", sourceAccount: ACCOUNT }),
      permission({ principal: `arn:aws:iam::${ACCOUNT}:role/caller` }),
    ],
    fails: [
      {
        fixture: permission({ principal: "*" }),
        message: /permission sync-from-s3 lets anyone invoke tdp-sync/,
      },
      {
        fixture: permission({ principal: "s3.amazonaws.com", sourceArn: "arn:aws:s3:::resources" }),
        message: /lets s3.amazonaws.com of any account invoke tdp-sync \(no sourceAccount\)/,
      },
      {
        fixture: permission({ principal: "events.amazonaws.com" }),
        message: /lets events.amazonaws.com invoke tdp-sync on behalf of any resource/,
      },
    ],
  },
  {
    policy: lambdaSupportedRuntime,
    passes: [[fn()], [fn({ runtime: "python3.12" })], [fn({ runtime: undefined, packageType: "Image" })]],
    fails: [
      {
        fixture: [fn({ runtime: "nodejs18.x" })],
        message: /function tdp-sync runs on nodejs18.x, which AWS no longer supports/,
      },
      { fixture: [fn({ runtime: "python3.8" })], message: /runs on python3.8/ },
      { fixture: [fn({ runtime: "nodejs20.x" })], message: /runs on nodejs20.x/ },
      { fixture: [fn({ runtime: undefined })], message: /function tdp-sync names no runtime/ },
    ],
  },
  {
    policy: lambdaFailureDestination,
    passes: [
      [fn()],
      [fn({ deadLetterConfig: undefined }), invokeConfig({ functionName: "tdp-sync", ...ON_FAILURE })],
      [
        fn({ deadLetterConfig: undefined }),
        invokeConfig({
          functionName: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:tdp-sync:live`,
          ...ON_FAILURE,
        }),
      ],
      [
        fn({ deadLetterConfig: undefined }),
        invokeConfig({ functionName: "[unknown]", ...ON_FAILURE }, [urnOf(FUNCTION_TYPE, "sync")]),
      ],
    ],
    fails: [
      {
        // The invoke configuration only sets retries, as the dashboard's does: nowhere to keep failures.
        fixture: [fn({ deadLetterConfig: undefined }), invokeConfig({ functionName: "tdp-sync" })],
        message: /function tdp-sync drops the asynchronous events it fails to process/,
      },
      {
        fixture: [
          fn({ deadLetterConfig: undefined }),
          invokeConfig({ functionName: "tdp-other", ...ON_FAILURE }),
        ],
        message: /function tdp-sync drops/,
      },
    ],
  },
  {
    policy: lambdaConcurrencyLimit,
    passes: [[fn()], [fn({ reservedConcurrentExecutions: 0 })]],
    fails: [
      {
        fixture: [fn({ reservedConcurrentExecutions: undefined })],
        message: /function tdp-sync reserves no concurrency/,
      },
      { fixture: [fn({ reservedConcurrentExecutions: -1 })], message: /reserves no concurrency/ },
    ],
  },
  {
    policy: lambdaEnvironmentEncrypted,
    passes: [
      [fn()],
      [fn({ kmsKeyArn: undefined, environment: undefined })],
      [fn({ kmsKeyArn: "[unknown]" })],
    ],
    fails: [
      {
        fixture: [fn({ kmsKeyArn: undefined })],
        message: /function tdp-sync encrypts its environment variables with the AWS-managed key/,
      },
    ],
  },
  {
    policy: lambdaVpcMultiAz,
    passes: [
      [fn()],
      [fn({ vpcConfig: undefined })],
      [fn({ vpcConfig: { subnetIds: [], securityGroupIds: [] } })],
      [fn({ vpcConfig: { subnetIds: ["[unknown]", "[unknown]"], securityGroupIds: ["[unknown]"] } })],
    ],
    fails: [
      {
        fixture: [fn({ vpcConfig: { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] } })],
        message: /function tdp-sync runs in one subnet of its VPC/,
      },
      {
        fixture: [fn({ vpcConfig: { subnetIds: ["subnet-a", "subnet-a"], securityGroupIds: ["sg-1"] } })],
        message: /one Availability Zone/,
      },
    ],
  },
];
