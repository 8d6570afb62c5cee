import {
  rdsBackups,
  rdsCustomAdminName,
  rdsEncrypted,
  rdsIamAuthentication,
  rdsMaintenance,
  rdsMultiAz,
  rdsNotPublic,
  rdsObservability,
} from "../../src/services/rds";
import { KEY_ARN } from "../fixtures";
import { res, type PolicyCase } from "../harness";

/** An instance as @tdp/data's Database registers it. */
function postgres(inputs: Record<string, unknown> = {}) {
  return [
    res(
      "aws:rds/instance:Instance",
      "database-instance",
      {
        identifier: "tdp-db",
        engine: "postgres",
        engineVersion: "16.4",
        instanceClass: "db.m7g.large",
        multiAz: true,
        publiclyAccessible: false,
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        username: "tdpadmin",
        manageMasterUserPassword: true,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: 7,
        copyTagsToSnapshot: true,
        deletionProtection: true,
        autoMinorVersionUpgrade: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        monitoringInterval: 60,
        monitoringRoleArn: "arn:aws:iam::111111111111:role/monitoring",
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: KEY_ARN,
        ...inputs,
      },
      { protect: true },
    ),
  ];
}

/** The BI dashboard's MariaDB on a class without Performance Insights. */
const mariadb = postgres({
  identifier: "bi-db",
  engine: "mariadb",
  instanceClass: "db.t3.small",
  username: "pi_admin",
  enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"],
  performanceInsightsEnabled: false,
  performanceInsightsKmsKeyId: undefined,
});

function cluster(inputs: Record<string, unknown> = {}) {
  return [
    res(
      "aws:rds/cluster:Cluster",
      "aurora",
      {
        clusterIdentifier: "tdp-aurora",
        engine: "aurora-postgresql",
        availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        masterUsername: "tdpadmin",
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: 14,
        copyTagsToSnapshot: true,
        enabledCloudwatchLogsExports: ["postgresql"],
        ...inputs,
      },
      { protect: true },
    ),
  ];
}

const member = (inputs: Record<string, unknown>) =>
  res("aws:rds/clusterInstance:ClusterInstance", "aurora-1", {
    identifier: "tdp-aurora-1",
    clusterIdentifier: "tdp-aurora",
    engine: "aurora-postgresql",
    instanceClass: "db.r7g.large",
    monitoringInterval: 60,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: KEY_ARN,
    ...inputs,
  });

export const rdsCases: PolicyCase[] = [
  {
    policy: rdsNotPublic,
    passes: [postgres(), mariadb, [member({ publiclyAccessible: false })]],
    fails: [
      { fixture: postgres({ publiclyAccessible: true }), message: /database tdp-db is publicly accessible/ },
      {
        fixture: [member({ publiclyAccessible: "true" })],
        message: /database tdp-aurora-1 is publicly accessible/,
      },
    ],
  },
  {
    policy: rdsEncrypted,
    passes: [
      postgres(),
      cluster(),
      postgres({ kmsKeyId: "[unknown]" }),
      // A cross-region replica inherits encryption and names its region's key.
      postgres({
        storageEncrypted: undefined,
        replicateSourceDb: "arn:aws:rds:us-west-2:111111111111:db:tdp-db",
      }),
    ],
    fails: [
      {
        fixture: postgres({ storageEncrypted: false }),
        message: /database tdp-db does not encrypt its storage/,
      },
      {
        fixture: postgres({ kmsKeyId: undefined }),
        message: /database tdp-db uses no customer-managed KMS key/,
      },
      {
        fixture: cluster({ storageEncrypted: undefined }),
        message: /cluster tdp-aurora does not encrypt its storage/,
      },
    ],
  },
  {
    policy: rdsBackups,
    passes: [postgres(), cluster(), postgres({ backupRetentionPeriod: "[unknown]" })],
    fails: [
      {
        fixture: postgres({ backupRetentionPeriod: 3 }),
        message: /database tdp-db keeps automated backups 3 days, under 7/,
      },
      {
        fixture: cluster({ backupRetentionPeriod: undefined }),
        message: /cluster tdp-aurora keeps the default backup retention/,
      },
    ],
  },
  {
    policy: rdsMultiAz,
    passes: [postgres(), cluster(), mariadb],
    fails: [
      { fixture: postgres({ multiAz: false }), message: /database tdp-db has no Multi-AZ standby/ },
      {
        fixture: cluster({ availabilityZones: ["us-east-1a"] }),
        message: /cluster tdp-aurora lists one Availability Zone/,
      },
    ],
  },
  {
    policy: rdsObservability,
    passes: [postgres(), mariadb, cluster(), [member({})]],
    fails: [
      {
        fixture: postgres({ enabledCloudwatchLogsExports: [] }),
        message: /database tdp-db exports no logs to CloudWatch Logs/,
      },
      {
        fixture: postgres({ engine: "mariadb", enabledCloudwatchLogsExports: ["error", "slowquery"] }),
        message: /does not export the audit log/,
      },
      { fixture: postgres({ monitoringInterval: 0 }), message: /has no enhanced monitoring/ },
      {
        fixture: postgres({ performanceInsightsEnabled: false }),
        message: /tdp-db does not run Performance Insights/,
      },
      {
        fixture: [member({ performanceInsightsKmsKeyId: undefined })],
        message: /Performance Insights with the AWS-managed key/,
      },
    ],
  },
  {
    policy: rdsIamAuthentication,
    passes: [
      postgres(),
      mariadb,
      cluster(),
      postgres({ engine: "sqlserver-se", iamDatabaseAuthenticationEnabled: false }),
    ],
    fails: [
      {
        fixture: postgres({ iamDatabaseAuthenticationEnabled: undefined }),
        message: /database tdp-db does not accept IAM database authentication/,
      },
      {
        fixture: cluster({ iamDatabaseAuthenticationEnabled: false }),
        message: /cluster tdp-aurora does not accept IAM database authentication/,
      },
    ],
  },
  {
    policy: rdsMaintenance,
    passes: [postgres(), postgres({ autoMinorVersionUpgrade: undefined }), cluster(), [member({})]],
    fails: [
      {
        fixture: postgres({ autoMinorVersionUpgrade: false }),
        message: /turns automatic minor version upgrades off/,
      },
      {
        fixture: cluster({ copyTagsToSnapshot: undefined }),
        message: /cluster tdp-aurora does not copy its tags to snapshots/,
      },
    ],
  },
  {
    policy: rdsCustomAdminName,
    passes: [
      postgres(),
      mariadb,
      cluster(),
      postgres({ username: undefined, snapshotIdentifier: "tdp-db-final" }),
    ],
    fails: [
      {
        fixture: postgres({ username: "postgres" }),
        message: /uses the default administrator name postgres/,
      },
      {
        fixture: cluster({ masterUsername: "Admin" }),
        message: /cluster tdp-aurora uses the default administrator name Admin/,
      },
    ],
  },
];
