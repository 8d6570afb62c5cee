import {
  kmsDecryptNotOnAllKeys,
  kmsKeyPolicy,
  kmsKeyRotation,
  kmsKeyUseThroughServices,
} from "../../src/services/kms";
import { ACCOUNT, KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;

/** The statements @tdp/data's DataKey writes: administration, and use through named services. */
const ADMINISTER = {
  Sid: "AccountAdministersTheKey",
  Effect: "Allow",
  Principal: { AWS: ROOT },
  Action: [
    "kms:Create*",
    "kms:Describe*",
    "kms:Enable*",
    "kms:Put*",
    "kms:Disable*",
    "kms:ScheduleKeyDeletion",
  ],
  Resource: "*",
};
const USE_THROUGH_SERVICES = {
  Sid: "AccountPrincipalsUseTheKeyThroughServices",
  Effect: "Allow",
  Principal: { AWS: ROOT },
  Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
  Resource: "*",
  Condition: {
    StringEquals: { "kms:CallerAccount": ACCOUNT, "kms:ViaService": ["s3.us-east-1.amazonaws.com"] },
  },
};
/** AWS's default key policy statement ("Enable IAM User Permissions"). */
const ENABLE_IAM = {
  Sid: "EnableIamUserPermissions",
  Effect: "Allow",
  Principal: { AWS: ROOT },
  Action: "kms:*",
  Resource: "*",
};

function policy(...statements: object[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

function key(name: string, inputs: Record<string, unknown> = {}) {
  return res(
    "aws:kms/key:Key",
    name,
    {
      customerMasterKeySpec: "SYMMETRIC_DEFAULT",
      keyUsage: "ENCRYPT_DECRYPT",
      enableKeyRotation: true,
      rotationPeriodInDays: 365,
      deletionWindowInDays: 30,
      policy: policy(ADMINISTER, USE_THROUGH_SERVICES),
      ...inputs,
    },
    { protect: true },
  );
}

function rolePolicy(statement: object) {
  return res("aws:iam/rolePolicy:RolePolicy", "app-role-read", { role: "app", policy: policy(statement) });
}

export const kmsCases: PolicyCase[] = [
  {
    policy: kmsKeyRotation,
    passes: [
      [key("data")],
      // AWS cannot rotate asymmetric keys: nothing to ask.
      [
        key("signing", {
          customerMasterKeySpec: "RSA_2048",
          keyUsage: "SIGN_VERIFY",
          enableKeyRotation: false,
        }),
      ],
    ],
    fails: [
      {
        fixture: [key("data", { enableKeyRotation: false })],
        message: /key data does not rotate its key material/,
      },
      {
        fixture: [key("data", { enableKeyRotation: undefined, keyUsage: undefined })],
        message: /does not rotate/,
      },
      {
        fixture: [key("data", { rotationPeriodInDays: 730 })],
        message: /rotates every 730 days, less often than yearly/,
      },
    ],
  },
  {
    policy: kmsKeyPolicy,
    passes: [
      [key("data")],
      [key("flow-logs", { policy: policy(ENABLE_IAM) })],
      [
        key("topic", {
          policy: policy(ADMINISTER, {
            Sid: "AnyoneOfThisAccount",
            Effect: "Allow",
            Principal: "*",
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT } },
          }),
        }),
      ],
      [key("pending", { policy: "[unknown]" })],
    ],
    fails: [
      { fixture: [key("data", { policy: undefined })], message: /key data has no key policy of its own/ },
      {
        fixture: [
          key("data", {
            policy: policy(ADMINISTER, {
              Sid: "Open",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: "kms:Decrypt",
              Resource: "*",
            }),
          }),
        ],
        message: /statement Open allows kms:Decrypt to anyone/,
      },
      {
        fixture: [key("data", { bypassPolicyLockoutSafetyCheck: true })],
        message: /bypasses the policy lock-out safety check/,
      },
    ],
  },
  {
    policy: kmsKeyUseThroughServices,
    passes: [
      [key("data")],
      [
        key("cluster", {
          policy: policy(ADMINISTER, {
            Sid: "ClusterRole",
            Effect: "Allow",
            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:role/cluster` },
            Action: ["kms:Encrypt", "kms:Decrypt"],
            Resource: "*",
          }),
        }),
      ],
    ],
    fails: [
      {
        fixture: [key("flow-logs", { policy: policy(ENABLE_IAM) })],
        message: /statement EnableIamUserPermissions lets every principal of arn:aws:iam::111111111111:root/,
      },
      {
        fixture: [
          key("data", {
            policy: policy(ADMINISTER, {
              ...USE_THROUGH_SERVICES,
              Condition: undefined,
              Principal: { AWS: ACCOUNT },
            }),
          }),
        ],
        message: /AccountPrincipalsUseTheKeyThroughServices lets every principal of 111111111111/,
      },
    ],
  },
  {
    policy: kmsDecryptNotOnAllKeys,
    passes: [
      [rolePolicy({ Effect: "Allow", Action: "kms:Decrypt", Resource: KEY_ARN })],
      [
        rolePolicy({
          Effect: "Allow",
          Action: ["kms:Decrypt"],
          Resource: "*",
          Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
        }),
      ],
      [rolePolicy({ Effect: "Allow", Action: "kms:Encrypt", Resource: "*" })],
      [rolePolicy({ Effect: "Deny", Action: "kms:*", Resource: "*" })],
    ],
    fails: [
      {
        fixture: [rolePolicy({ Sid: "All", Effect: "Allow", Action: "kms:Decrypt", Resource: "*" })],
        message: /app-role-read: statement All allows kms:Decrypt on every KMS key/,
      },
      {
        fixture: [
          res("aws:iam/role:Role", "app", {
            assumeRolePolicy: "{}",
            inlinePolicies: [
              {
                name: "x",
                policy: policy({
                  Sid: "Wild",
                  Effect: "Allow",
                  Action: "kms:*",
                  Resource: "arn:aws:kms:us-east-1:111111111111:key/*",
                }),
              },
            ],
          }),
        ],
        message: /statement Wild allows kms:\* on every KMS key/,
      },
      {
        fixture: [
          res("aws:iam/policy:Policy", "admin", {
            policy: policy({ Sid: "Star", Effect: "Allow", Action: "*", Resource: "*" }),
          }),
        ],
        message: /statement Star allows \* on every KMS key/,
      },
    ],
  },
];
