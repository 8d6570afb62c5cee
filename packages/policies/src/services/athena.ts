import { absent, knownText } from "../conditions";
import { resourcePolicy } from "../define";
import { get, isFalse, isPending } from "../props";

export const WORKGROUP_TYPES = ["aws:athena/workgroup:Workgroup"];

/** Encryption options that use a KMS key (SSE_S3 does not let a key policy gate the results). */
const KMS_OPTIONS = ["SSE_KMS", "CSE_KMS"];

function label(resource: { name: string; props: Record<string, unknown> }): string {
  return `workgroup ${knownText(resource.props["name"]) ?? resource.name}`;
}

export const athenaWorkgroupEnforced = resourcePolicy({
  name: "athena-workgroup-enforced",
  satisfiedBy: [],
  description:
    "Every Athena workgroup enforces its configuration, so a client cannot override the result location or turn result encryption off.",
  module: "athena",
  controls: { fsbp: [], checkov: ["CKV_AWS_82"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set configuration.enforceWorkgroupConfiguration true on the workgroup (the provider's default)",
  types: WORKGROUP_TYPES,
  check(resource, report) {
    const configuration = resource.props["configuration"];
    if (isPending(configuration)) return;
    if (isFalse(get(configuration, "enforceWorkgroupConfiguration")))
      report(`${label(resource)} lets clients override its configuration`);
  },
});

export const athenaResultsEncrypted = resourcePolicy({
  name: "athena-results-encrypted",
  satisfiedBy: [],
  description:
    "Every Athena workgroup encrypts its query results with a customer-managed KMS key (SSE_KMS or CSE_KMS).",
  module: "athena",
  controls: { fsbp: [], checkov: ["CKV_AWS_159"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set configuration.resultConfiguration.encryptionConfiguration to encryptionOption SSE_KMS with kmsKeyArn the purpose's key",
  types: WORKGROUP_TYPES,
  check(resource, report) {
    const encryption = get(resource.props["configuration"], "resultConfiguration.encryptionConfiguration");
    if (isPending(resource.props["configuration"]) || isPending(encryption)) return;
    const option = get(encryption, "encryptionOption");
    if (isPending(option)) return;
    if (option === undefined || option === null) {
      report(`${label(resource)} does not encrypt its query results`);
    } else if (!KMS_OPTIONS.includes(String(option))) {
      report(`${label(resource)} encrypts its query results with ${String(option)}, not a KMS key`);
    } else if (absent(get(encryption, "kmsKeyArn"))) {
      report(`${label(resource)} names no KMS key for its query results`);
    }
  },
});

export const athenaPolicies = [athenaWorkgroupEnforced, athenaResultsEncrypted];
