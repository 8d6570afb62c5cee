import { absent, knownText, numberOf } from "../conditions";
import { type CheckedResource, resourcePolicy } from "../define";
import { asArray, get, isFalse, isTrue, isPending } from "../props";

/** OpenSearch Service domains, under both of the provider's resource types. */
export const DOMAIN_TYPES = ["aws:opensearch/domain:Domain", "aws:elasticsearch/domain:Domain"];

/** Endpoint policies that refuse anything older than TLS 1.2. */
export const TLS_12_POLICIES = ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"];

function label(resource: CheckedResource): string {
  return `domain ${knownText(resource.props["domainName"]) ?? resource.name}`;
}

const SATISFIED_BY = ["packages/data/src/search.ts"];

export const opensearchEncryptedAtRest = resourcePolicy({
  name: "opensearch-encrypted-at-rest",
  satisfiedBy: [...SATISFIED_BY, "packages/data/src/keys.ts"],
  description:
    "Every domain encrypts its data, indices and snapshots at rest with a customer-managed KMS key.",
  module: "opensearch",
  controls: { fsbp: ["Opensearch.1", "ES.1"], checkov: ["CKV_AWS_5", "CKV_AWS_247"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set encryptAtRest.enabled true with encryptAtRest.kmsKeyId the search key (@tdp/data's DataKeys search key)",
  types: DOMAIN_TYPES,
  check(resource, report) {
    const encryption = resource.props["encryptAtRest"];
    if (isPending(encryption)) return;
    if (!isTrue(get(encryption, "enabled"))) report(`${label(resource)} does not encrypt at rest`);
    else if (absent(get(encryption, "kmsKeyId")))
      report(`${label(resource)} encrypts at rest with the AWS-managed key, not a customer-managed key`);
  },
});

export const opensearchInVpc = resourcePolicy({
  name: "opensearch-in-vpc",
  satisfiedBy: SATISFIED_BY,
  description: "Every domain has its endpoint in the VPC's private subnets, not on the internet.",
  module: "opensearch",
  controls: { fsbp: ["Opensearch.2", "ES.2"], checkov: ["CKV_AWS_137"] },
  enforcementLevel: "mandatory",
  remediation: "Set vpcOptions with the private subnets (one per zone) and the domain's security group",
  types: DOMAIN_TYPES,
  check(resource, report) {
    const vpc = resource.props["vpcOptions"];
    if (isPending(vpc)) return;
    const subnets = get(vpc, "subnetIds");
    if (isPending(subnets)) return;
    if (asArray(subnets).length === 0)
      report(`${label(resource)} has a public endpoint (no vpcOptions subnets)`);
  },
});

export const opensearchEncryptedInTransit = resourcePolicy({
  name: "opensearch-encrypted-in-transit",
  satisfiedBy: SATISFIED_BY,
  description:
    "Every domain encrypts traffic between its nodes, accepts HTTPS only and refuses TLS older than 1.2 on its endpoint.",
  module: "opensearch",
  controls: {
    fsbp: ["Opensearch.3", "Opensearch.8", "ES.3", "ES.8"],
    checkov: ["CKV_AWS_6", "CKV_AWS_83", "CKV_AWS_228"],
  },
  enforcementLevel: "mandatory",
  remediation: `Set nodeToNodeEncryption.enabled true, domainEndpointOptions.enforceHttps true and domainEndpointOptions.tlsSecurityPolicy ${TLS_12_POLICIES[1]}`,
  types: DOMAIN_TYPES,
  check(resource, report) {
    if (!isTrue(get(resource.props, "nodeToNodeEncryption.enabled")))
      report(`${label(resource)} does not encrypt node-to-node traffic`);
    const endpoint = resource.props["domainEndpointOptions"];
    if (!isTrue(get(endpoint, "enforceHttps"))) report(`${label(resource)} accepts plain HTTP`);
    const policy = get(endpoint, "tlsSecurityPolicy");
    // The service's default policy (absent) is Policy-Min-TLS-1-0-2019-07.
    if (!isPending(policy) && !TLS_12_POLICIES.includes(String(policy)))
      report(
        `${label(resource)} accepts TLS older than 1.2 (${String(policy ?? "the default Policy-Min-TLS-1-0-2019-07")})`,
      );
  },
});

/** The log types a domain must publish: errors (Opensearch.4) and the audit trail (Opensearch.5). */
const REQUIRED_LOG_TYPES = ["ES_APPLICATION_LOGS", "AUDIT_LOGS"];

export const opensearchLogging = resourcePolicy({
  name: "opensearch-logging",
  satisfiedBy: SATISFIED_BY,
  description: "Every domain publishes its error (application) logs and audit logs to CloudWatch Logs.",
  module: "opensearch",
  controls: {
    fsbp: ["Opensearch.4", "Opensearch.5", "ES.4", "ES.5"],
    checkov: ["CKV_AWS_84", "CKV_AWS_317"],
  },
  enforcementLevel: "advisory",
  remediation:
    "Add logPublishingOptions for ES_APPLICATION_LOGS and AUDIT_LOGS, each enabled with a cloudwatchLogGroupArn (audit logs need fine-grained access control)",
  types: DOMAIN_TYPES,
  check(resource, report) {
    const options = resource.props["logPublishingOptions"];
    if (isPending(options)) return;
    const published = asArray(options)
      .filter((o) => !isFalse(get(o, "enabled")) && !absent(get(o, "cloudwatchLogGroupArn")))
      .map((o) => get(o, "logType"));
    const missing = REQUIRED_LOG_TYPES.filter((t) => !published.includes(t));
    if (missing.length > 0) report(`${label(resource)} does not publish ${missing.join(", ")}`);
  },
});

export const opensearchFineGrainedAccess = resourcePolicy({
  name: "opensearch-fine-grained-access",
  satisfiedBy: SATISFIED_BY,
  description:
    "Every domain has fine-grained access control on, with anonymous access off, so each request is authorised per index and document.",
  module: "opensearch",
  controls: { fsbp: ["Opensearch.7"], checkov: ["CKV2_AWS_59"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set advancedSecurityOptions.enabled true, anonymousAuthEnabled false, and a master user (masterUserOptions.masterUserArn, an IAM role)",
  types: DOMAIN_TYPES,
  check(resource, report) {
    const security = resource.props["advancedSecurityOptions"];
    if (isPending(security)) return;
    if (!isTrue(get(security, "enabled"))) report(`${label(resource)} has no fine-grained access control`);
    if (isTrue(get(security, "anonymousAuthEnabled"))) report(`${label(resource)} allows anonymous access`);
  },
});

export const opensearchHighAvailability = resourcePolicy({
  name: "opensearch-high-availability",
  satisfiedBy: SATISFIED_BY,
  description:
    "Every domain has at least three data nodes spread over Availability Zones (zone awareness) and three dedicated master nodes, so losing a node or a zone loses no data and keeps a quorum.",
  module: "opensearch",
  controls: { fsbp: ["Opensearch.6", "Opensearch.11", "ES.6", "ES.7"], checkov: [] },
  // Mandatory: with one data node or one zone, losing it loses the indices written since the last snapshot.
  enforcementLevel: "mandatory",
  remediation:
    "Set clusterConfig.instanceCount 3 or more with zoneAwarenessEnabled and zoneAwarenessConfig.availabilityZoneCount 2 or 3, dedicatedMasterEnabled with dedicatedMasterCount 3",
  types: DOMAIN_TYPES,
  check(resource, report) {
    const config = resource.props["clusterConfig"];
    if (isPending(config)) return;
    const count = numberOf(get(config, "instanceCount")) ?? 1;
    if (count < 3) report(`${label(resource)} has ${count} data node(s), fewer than 3`);
    if (!isTrue(get(config, "zoneAwarenessEnabled")))
      report(`${label(resource)} does not spread its nodes over zones`);
    const masters = numberOf(get(config, "dedicatedMasterCount"));
    if (!isTrue(get(config, "dedicatedMasterEnabled"))) {
      report(`${label(resource)} has no dedicated master nodes`);
    } else if (masters !== undefined && masters < 3) {
      report(`${label(resource)} has ${masters} dedicated master node(s), fewer than 3`);
    }
  },
});

export const opensearchPolicies = [
  opensearchEncryptedAtRest,
  opensearchInVpc,
  opensearchEncryptedInTransit,
  opensearchLogging,
  opensearchFineGrainedAccess,
  opensearchHighAvailability,
];
