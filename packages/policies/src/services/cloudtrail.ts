import { absent, knownText } from "../conditions";
import { resourcePolicy } from "../define";
import { asArray, get, isFalse, isPending, isTrue } from "../props";

export const TRAIL_TYPES = ["aws:cloudtrail/trail:Trail"];

const SATISFIED_BY = ["packages/data/src/cloudtrail.ts"];

function label(resource: { name: string; props: Record<string, unknown> }): string {
  return `trail ${knownText(resource.props["name"]) ?? resource.name}`;
}

export const cloudtrailKmsEncryption = resourcePolicy({
  name: "cloudtrail-kms-encryption",
  satisfiedBy: [...SATISFIED_BY, "packages/data/src/keys.ts"],
  description:
    "Every trail encrypts its log files with a customer-managed KMS key (SSE-KMS), so reading the account's audit record needs the key policy's consent too.",
  module: "cloudtrail",
  controls: { fsbp: ["CloudTrail.2"], checkov: ["CKV_AWS_35"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set kmsKeyId on the trail to a customer-managed key whose policy lets cloudtrail.amazonaws.com encrypt for this trail (@tdp/data's AuditTrail does)",
  types: TRAIL_TYPES,
  check(resource, report) {
    if (absent(resource.props["kmsKeyId"]))
      report(`${label(resource)} writes its log files with S3's default encryption, not a KMS key`);
  },
});

export const cloudtrailLogFileValidation = resourcePolicy({
  name: "cloudtrail-log-file-validation",
  satisfiedBy: SATISFIED_BY,
  description:
    "Every trail has log file validation on: CloudTrail signs digest files, so a deleted or altered log file is detected.",
  module: "cloudtrail",
  controls: { fsbp: ["CloudTrail.4"], checkov: ["CKV_AWS_36"] },
  enforcementLevel: "mandatory",
  remediation: "Set enableLogFileValidation true on the trail",
  types: TRAIL_TYPES,
  check(resource, report) {
    const validation = resource.props["enableLogFileValidation"];
    if (!isPending(validation) && !isTrue(validation))
      report(`${label(resource)} does not validate its log files`);
  },
});

export const cloudtrailMultiRegion = resourcePolicy({
  name: "cloudtrail-multi-region",
  satisfiedBy: SATISFIED_BY,
  description:
    "Every trail is multi-region, logging, records global service events (IAM, STS) and keeps management events (read and write).",
  module: "cloudtrail",
  controls: { fsbp: ["CloudTrail.1"], checkov: ["CKV_AWS_67"] },
  enforcementLevel: "advisory",
  remediation:
    "Set isMultiRegionTrail true, includeGlobalServiceEvents true and enableLogging true on the trail; leave management events in (eventSelectors includeManagementEvents true, readWriteType All)",
  types: TRAIL_TYPES,
  check(resource, report) {
    const p = resource.props;
    if (!isPending(p["isMultiRegionTrail"]) && !isTrue(p["isMultiRegionTrail"]))
      report(`${label(resource)} records one region only`);
    if (isFalse(p["enableLogging"])) report(`${label(resource)} has logging turned off`);
    if (isFalse(p["includeGlobalServiceEvents"]))
      report(`${label(resource)} leaves out global service events (IAM, STS)`);
    for (const selector of asArray(p["eventSelectors"])) {
      if (isFalse(get(selector, "includeManagementEvents")))
        report(`${label(resource)} has an event selector without management events`);
      const readWrite = get(selector, "readWriteType");
      if (readWrite !== undefined && !isPending(readWrite) && readWrite !== "All")
        report(`${label(resource)} records only ${String(readWrite)} management events`);
    }
  },
});

export const cloudtrailPolicies = [
  cloudtrailKmsEncryption,
  cloudtrailLogFileValidation,
  cloudtrailMultiRegion,
];
