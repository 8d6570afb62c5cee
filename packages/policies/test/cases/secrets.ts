import { secretsCmk, secretsRotation, secretsRotationInterval } from "../../src/services/secrets";
import { KEY_ARN } from "../fixtures";
import { res, urnOf, type PolicyCase } from "../harness";

const SECRET_TYPE = "aws:secretsmanager/secret:Secret";
const ROTATION_TYPE = "aws:secretsmanager/secretRotation:SecretRotation";

function secret(name: string, inputs: Record<string, unknown> = {}) {
  return res(SECRET_TYPE, `${name}-secret`, { name, kmsKeyId: KEY_ARN, recoveryWindowInDays: 7, ...inputs });
}

function rotation(name: string, inputs: Record<string, unknown> = {}, dependencies: string[] = []) {
  return res(
    ROTATION_TYPE,
    `${name}-rotation`,
    {
      rotationLambdaArn: "arn:aws:lambda:us-east-1:111111111111:function:rotate",
      rotationRules: { automaticallyAfterDays: 30 },
      ...inputs,
    },
    { dependencies },
  );
}

export const secretsCases: PolicyCase[] = [
  {
    policy: secretsRotation,
    passes: [
      // The plan: secretId is the secret's ARN (name plus AWS's 6-character suffix).
      [
        secret("tdp-db"),
        rotation("db", { secretId: "arn:aws:secretsmanager:us-east-1:111111111111:secret:tdp-db-c4b336" }),
      ],
      [secret("tdp-db"), rotation("db", { secretId: "tdp-db" })],
      // A preview of a new secret: secretId unknown, the dependency tells.
      [secret("tdp-db"), rotation("db", { secretId: "[unknown]" }, [urnOf(SECRET_TYPE, "tdp-db-secret")])],
    ],
    fails: [
      { fixture: [secret("tdp-licence")], message: /secret tdp-licence does not rotate/ },
      {
        fixture: [
          secret("tdp-db"),
          secret("tdp-db-admin"),
          rotation("db", { secretId: "arn:aws:secretsmanager:us-east-1:111111111111:secret:tdp-db-c4b336" }),
        ],
        message: /secret tdp-db-admin does not rotate/,
      },
    ],
  },
  {
    policy: secretsRotationInterval,
    passes: [
      [rotation("db")],
      [rotation("db", { rotationRules: { scheduleExpression: "rate(10 days)" } })],
      [rotation("db", { rotationRules: { scheduleExpression: "cron(0 4 1 * ? *)" } })],
    ],
    fails: [
      {
        fixture: [rotation("db", { rotationRules: { automaticallyAfterDays: 365 } })],
        message: /rotation db-rotation runs every 365 days, more than 90/,
      },
      {
        fixture: [rotation("db", { rotationRules: { scheduleExpression: "rate(120 days)" } })],
        message: /runs on rate\(120 days\), less often than every 90 days/,
      },
      {
        fixture: [rotation("db", { rotationRules: undefined })],
        message: /rotation db-rotation has no schedule/,
      },
    ],
  },
  {
    policy: secretsCmk,
    passes: [[secret("tdp-db")], [secret("tdp-db", { kmsKeyId: "[unknown]" })]],
    fails: [
      {
        fixture: [secret("tdp-db", { kmsKeyId: undefined })],
        message: /secret tdp-db is encrypted with the AWS-managed aws\/secretsmanager key/,
      },
      {
        fixture: [secret("tdp-db", { kmsKeyId: "alias/aws/secretsmanager" })],
        message: /AWS-managed aws\/secretsmanager key/,
      },
    ],
  },
];
