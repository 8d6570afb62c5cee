import { absent, knownText, numberOf } from "../conditions";
import { type CheckedResource, resourcePolicy } from "../define";
import { isFalse, isTrue, strings, isPending } from "../props";

export const INSTANCE_TYPES = ["aws:rds/instance:Instance"];
export const CLUSTER_TYPES = ["aws:rds/cluster:Cluster"];
/** An Aurora cluster's members: public access, monitoring and Performance Insights are set per member. */
export const CLUSTER_INSTANCE_TYPES = ["aws:rds/clusterInstance:ClusterInstance"];

function isCluster(resource: CheckedResource): boolean {
  return CLUSTER_TYPES.includes(resource.type);
}

function label(resource: CheckedResource): string {
  const id = knownText(resource.props[isCluster(resource) ? "clusterIdentifier" : "identifier"]);
  return `${isCluster(resource) ? "cluster" : "database"} ${id ?? resource.name}`;
}

/** A read replica takes encryption, backups and the master user from its source. */
function isReplica(resource: CheckedResource): boolean {
  return (
    !absent(resource.props["replicateSourceDb"]) || !absent(resource.props["replicationSourceIdentifier"])
  );
}

function engineOf(resource: CheckedResource): string {
  return (knownText(resource.props["engine"]) ?? "").toLowerCase();
}

export const rdsNotPublic = resourcePolicy({
  name: "rds-not-public",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description:
    "No database instance is publicly accessible: it has no public address, whatever its security groups say.",
  module: "rds",
  controls: { fsbp: ["RDS.2"], checkov: ["CKV_AWS_17"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set publiclyAccessible false and reach the database from inside the VPC (private subnets, security groups)",
  types: [...INSTANCE_TYPES, ...CLUSTER_INSTANCE_TYPES],
  check(resource, report) {
    if (isTrue(resource.props["publiclyAccessible"])) report(`${label(resource)} is publicly accessible`);
  },
});

export const rdsEncrypted = resourcePolicy({
  name: "rds-encrypted",
  satisfiedBy: [
    "packages/data/src/database.ts",
    "packages/bi-dashboard/src/database.ts",
    "packages/data/src/keys.ts",
  ],
  description:
    "Every database and cluster encrypts its storage (and so its snapshots and backups) with a customer-managed KMS key.",
  module: "rds",
  controls: { fsbp: ["RDS.3", "RDS.4", "RDS.27"], checkov: ["CKV_AWS_16", "CKV_AWS_96"] },
  enforcementLevel: "mandatory",
  remediation:
    "Set storageEncrypted true and kmsKeyId to the database key (@tdp/data's DataKeys database key)",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES],
  check(resource, report) {
    // A replica's encryption follows its source; it may still name a key of its own region.
    if (!isReplica(resource) && !isTrue(resource.props["storageEncrypted"]))
      report(`${label(resource)} does not encrypt its storage`);
    if (absent(resource.props["kmsKeyId"]))
      report(`${label(resource)} uses no customer-managed KMS key (kmsKeyId)`);
  },
});

export const rdsBackups = resourcePolicy({
  name: "rds-backups",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description: "Every database keeps automated backups (point-in-time recovery) for at least 7 days.",
  module: "rds",
  controls: { fsbp: ["RDS.11"], checkov: ["CKV_AWS_133"] },
  enforcementLevel: "mandatory",
  remediation: "Set backupRetentionPeriod to 7 or more (the database component's pointInTimeRecoveryDays)",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES],
  check(resource, report) {
    // Replicas are restored from their source's backups; a cluster member from its cluster's.
    if (isReplica(resource)) return;
    const days = resource.props["backupRetentionPeriod"];
    const retention = numberOf(days);
    if (retention === undefined && !isPending(days)) {
      report(`${label(resource)} keeps the default backup retention (1 day), under 7 days`);
    } else if (retention !== undefined && retention < 7) {
      report(`${label(resource)} keeps automated backups ${retention} days, under 7`);
    }
  },
});

export const rdsMultiAz = resourcePolicy({
  name: "rds-multi-az",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description:
    "Every database instance runs with a standby in a second Availability Zone (a cluster spans at least two zones).",
  module: "rds",
  controls: { fsbp: ["RDS.5", "RDS.15"], checkov: ["CKV_AWS_157"] },
  // Mandatory: without a standby, losing the instance's zone loses the writes since the last backup.
  enforcementLevel: "mandatory",
  remediation: "Set multiAz true on the instance (the database component's multiAz, true by default)",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES],
  check(resource, report) {
    if (isCluster(resource)) {
      const zones = strings(resource.props["availabilityZones"]);
      if (zones.length === 1) report(`${label(resource)} lists one Availability Zone`);
      return;
    }
    if (isReplica(resource)) return;
    if (!isTrue(resource.props["multiAz"])) report(`${label(resource)} has no Multi-AZ standby`);
  },
});

/** The log types each engine must export (RDS.9 and RDS.36 name them per engine). */
const REQUIRED_LOGS: [RegExp, string[]][] = [
  [/^(aurora-)?postgres/, ["postgresql"]],
  [/^(mariadb|mysql|aurora-mysql|aurora)$/, ["audit", "error"]],
];

/** Classes on which RDS for MariaDB and MySQL offer no Performance Insights. */
const NO_PERFORMANCE_INSIGHTS_CLASSES = [
  "db.t2.micro",
  "db.t2.small",
  "db.t3.micro",
  "db.t3.small",
  "db.t4g.micro",
  "db.t4g.small",
];

export const rdsObservability = resourcePolicy({
  name: "rds-observability",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description:
    "Every database exports its engine's logs to CloudWatch Logs (PostgreSQL: postgresql; MariaDB/MySQL: audit and error), has enhanced monitoring, and runs Performance Insights encrypted with a customer-managed key where the class offers it.",
  module: "rds",
  controls: {
    fsbp: ["RDS.6", "RDS.9", "RDS.36"],
    checkov: ["CKV_AWS_118", "CKV_AWS_129", "CKV_AWS_353", "CKV_AWS_354"],
  },
  enforcementLevel: "advisory",
  remediation:
    "Set enabledCloudwatchLogsExports to the engine's logs, monitoringInterval (60) with a monitoringRoleArn, and performanceInsightsEnabled with performanceInsightsKmsKeyId",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES, ...CLUSTER_INSTANCE_TYPES],
  check(resource, report) {
    const engine = engineOf(resource);
    const member = CLUSTER_INSTANCE_TYPES.includes(resource.type);
    if (!member) {
      const exports = strings(resource.props["enabledCloudwatchLogsExports"]);
      if (exports.length === 0) {
        report(`${label(resource)} exports no logs to CloudWatch Logs`);
      } else {
        const required = REQUIRED_LOGS.find(([pattern]) => pattern.test(engine))?.[1] ?? [];
        const missing = required.filter((log) => !exports.includes(log));
        if (missing.length > 0) report(`${label(resource)} does not export the ${missing.join(", ")} log`);
      }
    }
    if (isCluster(resource)) return;
    const interval = numberOf(resource.props["monitoringInterval"]);
    if (!isPending(resource.props["monitoringInterval"]) && (interval === undefined || interval <= 0))
      report(`${label(resource)} has no enhanced monitoring (monitoringInterval 0)`);
    const instanceClass = knownText(resource.props["instanceClass"]) ?? "";
    const offered = !(
      /^(mariadb|mysql)$/.test(engine) && NO_PERFORMANCE_INSIGHTS_CLASSES.includes(instanceClass)
    );
    if (!offered) return;
    if (!isTrue(resource.props["performanceInsightsEnabled"])) {
      report(`${label(resource)} does not run Performance Insights`);
    } else if (absent(resource.props["performanceInsightsKmsKeyId"])) {
      report(
        `${label(resource)} encrypts Performance Insights with the AWS-managed key, not a customer-managed key`,
      );
    }
  },
});

/** Engines with IAM database authentication (SQL Server, Oracle and Db2 have none). */
const IAM_AUTH_ENGINES = /^(postgres|mysql|mariadb|aurora|aurora-mysql|aurora-postgresql)$/;

export const rdsIamAuthentication = resourcePolicy({
  name: "rds-iam-authentication",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description:
    "Every database whose engine offers it accepts IAM database authentication, so people and tools sign in with short-lived tokens instead of shared passwords.",
  module: "rds",
  controls: { fsbp: ["RDS.10", "RDS.12"], checkov: ["CKV_AWS_161", "CKV_AWS_162"] },
  enforcementLevel: "advisory",
  remediation: "Set iamDatabaseAuthenticationEnabled true",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES],
  check(resource, report) {
    const engine = engineOf(resource);
    if (engine !== "" && !IAM_AUTH_ENGINES.test(engine)) return;
    if (!isTrue(resource.props["iamDatabaseAuthenticationEnabled"]))
      report(`${label(resource)} does not accept IAM database authentication`);
  },
});

export const rdsMaintenance = resourcePolicy({
  name: "rds-maintenance",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description:
    "Every database takes the engine's minor versions (security fixes) in its maintenance window and copies its tags to its snapshots, so the snapshots stay found by tag-based backup, access and cost rules.",
  module: "rds",
  controls: { fsbp: ["RDS.13", "RDS.35", "RDS.16", "RDS.17"], checkov: ["CKV_AWS_226"] },
  enforcementLevel: "advisory",
  remediation: "Leave autoMinorVersionUpgrade true (its default) and set copyTagsToSnapshot true",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES, ...CLUSTER_INSTANCE_TYPES],
  check(resource, report) {
    if (!isCluster(resource) && isFalse(resource.props["autoMinorVersionUpgrade"]))
      report(`${label(resource)} turns automatic minor version upgrades off`);
    // Cluster members take their snapshots' tags from the cluster.
    if (!CLUSTER_INSTANCE_TYPES.includes(resource.type) && !isTrue(resource.props["copyTagsToSnapshot"]))
      report(`${label(resource)} does not copy its tags to snapshots`);
  },
});

/** The engines' well-known administrator names, the first ones an attacker tries. */
const DEFAULT_ADMIN_NAMES = [
  "postgres",
  "admin",
  "root",
  "administrator",
  "sa",
  "master",
  "mysql",
  "rdsadmin",
  "dbadmin",
];

export const rdsCustomAdminName = resourcePolicy({
  name: "rds-custom-admin-name",
  satisfiedBy: ["packages/data/src/database.ts", "packages/bi-dashboard/src/database.ts"],
  description: "No database uses its engine's default administrator name (postgres, admin, root…).",
  module: "rds",
  controls: { fsbp: ["RDS.24", "RDS.25"], checkov: [] },
  enforcementLevel: "advisory",
  remediation:
    "Choose a deployment-specific master username (the database component's masterUsername, tdpadmin by default)",
  types: [...INSTANCE_TYPES, ...CLUSTER_TYPES],
  check(resource, report) {
    const username = knownText(resource.props[isCluster(resource) ? "masterUsername" : "username"]);
    if (username !== undefined && DEFAULT_ADMIN_NAMES.includes(username.toLowerCase()))
      report(`${label(resource)} uses the default administrator name ${username}`);
  },
});

export const rdsPolicies = [
  rdsNotPublic,
  rdsEncrypted,
  rdsBackups,
  rdsMultiAz,
  rdsObservability,
  rdsIamAuthentication,
  rdsMaintenance,
  rdsCustomAdminName,
];
