import { absent, knownText } from "../conditions";
import { resourcePolicy } from "../define";
import { LOG_GROUP_TYPES } from "./stack-wide";

/**
 * Mandatory, not advisory: the project's log groups hold the user-action audit log, RDS audit and
 * general logs, VPC flow logs and application output, any of which can carry personal data or
 * credentials by mistake. CloudWatch Logs' own encryption lets every principal with logs:Get* read
 * them; a customer-managed key adds the key policy (logs key: kms:EncryptionContext limited to this
 * deployment's groups) as a second gate, and the key can be disabled to cut access at once.
 */
export const logGroupKms = resourcePolicy({
  name: "log-group-kms",
  satisfiedBy: [
    "packages/data/src/log-group.ts",
    "packages/data/src/keys.ts",
    "packages/bi-dashboard/src/log-groups.ts",
    "packages/eks-services/src/eks/control-plane.ts",
    "packages/eks-services/src/ecs/service.ts",
    "packages/eks-services/src/ssm/platform-integrations.ts",
    "packages/network/src/network.ts",
  ],
  description:
    "Every log group is encrypted with a customer-managed KMS key (audit, database, flow and application logs can hold personal data).",
  module: "logs",
  controls: { fsbp: [], checkov: ["CKV_AWS_158"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set kmsKeyId on the log group to the logs key (@tdp/data's createLogGroup does), whose policy lets logs.<region>.amazonaws.com use it for this deployment's groups",
  types: LOG_GROUP_TYPES,
  check(resource, report) {
    if (absent(resource.props["kmsKeyId"]))
      report(
        `log group ${knownText(resource.props["name"]) ?? resource.name} is not encrypted with a customer-managed key`,
      );
  },
});

export const logsPolicies = [logGroupKms];
