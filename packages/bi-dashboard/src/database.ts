import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulResourceOptions } from "@tdp/core";

import type { KeyedContext } from "./context";
import { DASHBOARD_SCHEMA, MARIADB_PARAMETERS, NO_PERFORMANCE_INSIGHTS_CLASSES } from "./defaults";
import { DB_LOG_EXPORTS } from "./log-groups";
import { accountServiceRole } from "./roles";
import type { DashboardSecrets } from "./secrets";

export interface DashboardDatabase {
  db: aws.rds.Instance;
  /** The credentials secret's first value; instances and the rotation wait for it. */
  secretValue: aws.secretsmanager.SecretVersion;
}

/** RDS MariaDB (Multi-AZ, KMS, enhanced monitoring, logs exported) and its credentials secret's value. */
export function createDatabase(
  ctx: KeyedContext,
  dbSecurityGroupId: pulumi.Input<string>,
  dbLogGroups: aws.cloudwatch.LogGroup[],
  secrets: DashboardSecrets,
): DashboardDatabase {
  const { parent, name, args, s, child, physical, names, keyArn } = ctx;
  const { password } = secrets;
  const dbIdentifier = names.dbIdentifier;
  const monitoringRole = accountServiceRole(ctx, "db-monitoring", {
    purpose: "db-monitoring",
    service: "monitoring.rds.amazonaws.com",
    description: "RDS enhanced monitoring of the Panintelligence database",
    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
  });
  const subnetGroup = new aws.rds.SubnetGroup(
    `${name}-db-subnets`,
    { name: physical("rdsIdentifier", "db-subnets"), subnetIds: args.privateSubnetIds },
    child,
  );
  const parameterGroup = new aws.rds.ParameterGroup(
    `${name}-db-parameters`,
    {
      name: physical("rdsIdentifier", `db-${s.database.parameterGroupFamily.replace(".", "-")}`),
      family: s.database.parameterGroupFamily,
      description: "Panintelligence dashboard settings (reference parameter group)",
      parameters: Object.entries(MARIADB_PARAMETERS).map(([parameterName, value]) => ({
        name: parameterName,
        value,
        // lower_case_table_names is static: it applies at the first boot (before any table exists).
        applyMethod: "pending-reboot",
      })),
    },
    { parent, deleteBeforeReplace: false },
  );
  const optionGroup = new aws.rds.OptionGroup(
    `${name}-db-options`,
    {
      name: physical("rdsIdentifier", `db-options-${s.database.engineVersion.replace(".", "-")}`),
      optionGroupDescription: "MariaDB audit plugin, so the exported audit log has content",
      engineName: "mariadb",
      majorEngineVersion: s.database.engineVersion,
      options: [{ optionName: "MARIADB_AUDIT_PLUGIN" }],
    },
    child,
  );
  const performanceInsights = !NO_PERFORMANCE_INSIGHTS_CLASSES.includes(s.database.instanceClass);
  const db = new aws.rds.Instance(
    `${name}-db`,
    {
      identifier: dbIdentifier,
      engine: "mariadb",
      engineVersion: s.database.engineVersion,
      instanceClass: s.database.instanceClass,
      allocatedStorage: s.database.allocatedStorageGiB,
      maxAllocatedStorage: s.database.maxAllocatedStorageGiB,
      storageType: "gp3",
      storageEncrypted: true,
      kmsKeyId: keyArn,
      dbName: DASHBOARD_SCHEMA,
      username: s.database.username,
      password: password.result,
      port: s.database.port,
      multiAz: s.database.multiAz,
      publiclyAccessible: false,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [dbSecurityGroupId],
      parameterGroupName: parameterGroup.name,
      optionGroupName: optionGroup.name,
      backupRetentionPeriod: s.database.backupRetentionDays,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:04:30-sun:05:30",
      deletionProtection: s.database.deletionProtection,
      skipFinalSnapshot: false,
      finalSnapshotIdentifier: `${dbIdentifier}-final`,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      enabledCloudwatchLogsExports: DB_LOG_EXPORTS,
      monitoringInterval: 60,
      monitoringRoleArn: monitoringRole.arn,
      performanceInsightsEnabled: performanceInsights,
      performanceInsightsKmsKeyId: performanceInsights ? keyArn : undefined,
      performanceInsightsRetentionPeriod: performanceInsights ? 7 : undefined,
      iamDatabaseAuthenticationEnabled: true,
      caCertIdentifier: "rds-ca-rsa2048-g1",
    },
    // The password belongs to Secrets Manager's rotation after the first deployment.
    statefulResourceOptions({ parent, dependsOn: dbLogGroups, ignoreChanges: ["password"] }),
  );
  const secretValue = new aws.secretsmanager.SecretVersion(
    `${name}-db-secret-value`,
    {
      secretId: secrets.db.id,
      // The shape AWS's rotation functions read and keep (they replace only the password).
      secretString: pulumi.jsonStringify({
        engine: "mariadb",
        host: db.address,
        port: s.database.port,
        username: s.database.username,
        password: password.result,
        dbname: DASHBOARD_SCHEMA,
      }),
    },
    // After the first rotation the current value is Secrets Manager's, not ours.
    { parent, ignoreChanges: ["secretString"] },
  );
  return { db, secretValue };
}
