import { logGroupKms } from "../../src/services/logs";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

function logGroup(inputs: Record<string, unknown> = {}) {
  return [
    res("aws:cloudwatch/logGroup:LogGroup", "api-logs", {
      name: "/tdp/prod/ecs/api",
      retentionInDays: 90,
      kmsKeyId: KEY_ARN,
      ...inputs,
    }),
  ];
}

export const logsCases: PolicyCase[] = [
  {
    policy: logGroupKms,
    passes: [logGroup(), logGroup({ kmsKeyId: "[unknown]" })],
    fails: [
      {
        fixture: logGroup({ kmsKeyId: undefined }),
        message: /log group \/tdp\/prod\/ecs\/api is not encrypted with a customer-managed key/,
      },
      {
        fixture: logGroup({ kmsKeyId: "", name: undefined }),
        message: /log group api-logs is not encrypted/,
      },
    ],
  },
];
