import { athenaResultsEncrypted, athenaWorkgroupEnforced } from "../../src/services/athena";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

function workgroup(configuration: Record<string, unknown> | undefined, encryption?: Record<string, unknown>) {
  return [
    res("aws:athena/workgroup:Workgroup", "analytics", {
      name: "tdp-analytics",
      configuration: configuration && {
        enforceWorkgroupConfiguration: true,
        resultConfiguration: {
          outputLocation: "s3://acme-tdp-production-athena-results/",
          encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: KEY_ARN, ...encryption },
        },
        ...configuration,
      },
    }),
  ];
}

export const athenaCases: PolicyCase[] = [
  {
    policy: athenaWorkgroupEnforced,
    passes: [workgroup({}), workgroup({ enforceWorkgroupConfiguration: undefined }), workgroup(undefined)],
    fails: [
      {
        fixture: workgroup({ enforceWorkgroupConfiguration: false }),
        message: /workgroup tdp-analytics lets clients override its configuration/,
      },
    ],
  },
  {
    policy: athenaResultsEncrypted,
    passes: [
      workgroup({}),
      workgroup({}, { encryptionOption: "CSE_KMS" }),
      workgroup({}, { kmsKeyArn: "[unknown]" }),
    ],
    fails: [
      {
        fixture: workgroup(undefined),
        message: /workgroup tdp-analytics does not encrypt its query results/,
      },
      {
        fixture: workgroup({}, { encryptionOption: "SSE_S3", kmsKeyArn: undefined }),
        message: /encrypts its query results with SSE_S3, not a KMS key/,
      },
      {
        fixture: workgroup({}, { kmsKeyArn: undefined }),
        message: /names no KMS key for its query results/,
      },
    ],
  },
];
