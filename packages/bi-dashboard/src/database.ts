import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { statefulResourceOptions } from "@tdp/core";

import type { KeyedContext } from "./context";
import { DASHBOARD_SCHEMA, MARIADB_PARAMETERS, NO_PERFORMANCE_INSIGHTS_CLASSES } from "./defaults";
import { DB_LOG_EXPORTS } from "./log-groups";
import { accountServiceRole } from "./roles";
import type { DashboardSecrets } from "./secrets";

/**
 * The first value of the application user's secret, in the shape of AWS's alternating-users
 * rotation: engine, host, port, the user and its password, the schema and the master's secret.
 */
export function applicationSecret(
  host: string,
  port: number,
  username: string,
  password: string,
  masterarn: string,
): Record<string, string | number> {
  return { engine: "mariadb", host, port, username, password, dbname: DASHBOARD_SCHEMA, masterarn };
}

export interface DashboardDatabase {
  db: aws.rds.Instance;
  /** The application user secret's first value; instances and the rotation wait for it. */
  secretValue: aws.secretsmanager.SecretVersion;
  /** The master user's secret, created and rotated by RDS (the rotation function logs in with it). */
  masterSecretArn: pulumi.Output<string>;
}

/**
 * RDS MariaDB (Multi-AZ, KMS, enhanced monitoring, logs exported, TLS required) with its master
 * password in RDS's own secret, and the first value of the application user's secret. That value
 * names the user and the master secret (`masterarn`); the user itself is created by the first
 * rotation (the rotation function, logged in as the master user), which runs when rotation is
 * turned on, before any instance launches.
 */
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
      // require_secure_transport is dynamic (applied at once); lower_case_table_names is static: it
      // applies at the first boot, before any table exists.
      parameters: Object.entries(MARIADB_PARAMETERS).map(([parameterName, { value, applyMethod }]) => ({
        name: parameterName,
        value,
        applyMethod,
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
      // The master password lives in a secret RDS creates, encrypts with the deployment's key and rotates.
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: keyArn,
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
    statefulResourceOptions({ parent, dependsOn: dbLogGroups }),
  );
  const masterSecretArn = db.masterUserSecrets.apply((secrets) => secrets[0]?.secretArn ?? "");
  const secretValue = new aws.secretsmanager.SecretVersion(
    `${name}-db-secret-value`,
    {
      secretId: secrets.db.id,
      secretString: pulumi
        .all([db.address, password.result, masterSecretArn])
        .apply(([host, first, masterarn]) =>
          JSON.stringify(applicationSecret(host, s.database.port, s.database.appUsername, first, masterarn)),
        ),
    },
    // After the first rotation the current value is Secrets Manager's, not ours.
    { parent, ignoreChanges: ["secretString"] },
  );
  return { db, secretValue, masterSecretArn };
}
