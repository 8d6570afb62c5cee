import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";
import { ServiceRole, statefulResourceOptions } from "@tdp/core";

import type { AlarmTarget } from "./alarms";
import { createAlarm, validateAlarmSpec } from "./alarms";
import {
  DEFAULT_ALLOCATED_STORAGE_GIB,
  DEFAULT_DB_INSTANCE_CLASS,
  DEFAULT_MAX_ALLOCATED_STORAGE_GIB,
  DEFAULT_POSTGRES_VERSION,
  validateDatabaseName,
  validateDbInstanceClass,
  validateDbStorage,
  validateMasterUsername,
  validateMonitoringInterval,
  validatePerformanceInsightsRetention,
  validatePostgresVersion,
  validateSnapshotIdentifier,
} from "./database-validation";
import { createLogGroup, validateLogRetentionDays } from "./log-group";
import { validateIntBetween } from "./validation";

/** The logs RDS exports to CloudWatch (FSBP RDS.9/RDS.36 for PostgreSQL). */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** The AWS-managed policy of the enhanced-monitoring role. */
export const ENHANCED_MONITORING_POLICY_ARN =
  "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole";

/** Alarms on the instance, sent to the alert topic. */
export interface DatabaseAlarmArgs {
  /** The alert topic and naming (`Alerts.alarmTarget`). */
  target: AlarmTarget;
  /** Average CPU above this percentage for 15 minutes. @default 80 */
  cpuPercent?: number;
  /** Free storage below this many GiB (storage autoscaling could not keep up, or hit its ceiling). @default 10% of allocatedStorage */
  freeStorageGiB?: number;
  /** Connections above this count. @default 80% of the class's estimated max_connections */
  connections?: number;
}

export interface PostgresDatabaseArgs {
  /** Physical names of the deployment; the instance is `<base>-postgres`. */
  naming: Naming;
  /** IAMRolePrefix and IAMBoundaryPolicy for the enhanced-monitoring role. */
  iam: IamSettings;
  /** The account; limits the monitoring role's trust to it. @default no source-account condition */
  accountId?: pulumi.Input<string>;
  /** The VPC of the instance and its security group. */
  vpcId: pulumi.Input<string>;
  /** Private subnets for the DB subnet group (two zones at least, for Multi-AZ). */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Security groups admitted on the database port (the service layer's). The service layer may
   * instead add its own rules to `securityGroupId`. @default [] (no ingress)
   */
  clientSecurityGroupIds?: pulumi.Input<string>[];
  /**
   * The database key (`DataKeys.arns.database`, created or adopted): storage, snapshots and
   * Performance Insights. Restoring, it must be the snapshot's own key: RDS restores an instance
   * under its snapshot's key, and a different `kmsKeyId` would replace the instance on the next run.
   */
  kmsKeyArn: pulumi.Input<string>;
  /** The secrets key (`DataKeys.arns.secrets`): the master password's Secrets Manager secret. */
  secretsKmsKeyArn: pulumi.Input<string>;
  /** The logs key (`DataKeys.arns.logs`) for the exported log groups. */
  logsKmsKeyArn: pulumi.Input<string>;
  /** Seed LogRetentionDays for the exported log groups. @default 90 */
  logRetentionDays?: number;
  /** Seed InstanceTypeRDS. Retired classes (db.t2, db.m4, …) are rejected. @default "db.m7g.large" */
  instanceClass?: string;
  /** PostgreSQL major (RDS picks the minor) or major.minor. @default "17" */
  engineVersion?: string;
  /** Initial gp3 storage, GiB (20-65536). @default 100 */
  allocatedStorage?: number;
  /** Storage-autoscaling ceiling, GiB; at least 10% above allocatedStorage. @default 1000 */
  maxAllocatedStorage?: number;
  /** A standby in another zone (FSBP RDS.5). @default true */
  multiAz?: boolean;
  /** The port; PostgreSQL's 5432 unless the applications allow another (FSBP RDS.23). @default 5432 */
  port?: number;
  /** The initial database (ignored when restoring: the snapshot has its databases). @default "tdp" */
  databaseName?: string;
  /** The master user, not a default name (FSBP RDS.25). @default "tdpadmin" */
  masterUsername?: string;
  /**
   * Seed RDSSnapShot: create the instance from this DB snapshot (identifier, `awsbackup:job-…` or
   * ARN) — only to recover from a disaster (docs/operations.md). @default none (an empty database)
   */
  snapshotIdentifier?: string;
  /** Days of RDS automated backups (point-in-time recovery), 7-35 (FSBP RDS.11). @default 7 */
  pointInTimeRecoveryDays?: number;
  /** Daily automated-backup window, UTC; clear of the 1 AM AWS Backup job. @default "03:00-03:30" */
  backupWindow?: string;
  /** Weekly maintenance window, UTC. @default "sun:04:30-sun:05:30" */
  maintenanceWindow?: string;
  /** Enhanced monitoring granularity, seconds (1, 5, 10, 15, 30, 60). @default 60 */
  monitoringIntervalSeconds?: number;
  /** Performance Insights retention: 7 (free), multiples of 31, or 731 days. @default 7 */
  performanceInsightsRetentionDays?: number;
  /** Statements slower than this many milliseconds are logged. @default 1000 */
  logMinDurationStatementMs?: number;
  /** More parameter-group settings (name → value), applied after the project's. @default {} */
  parameters?: Record<string, string>;
  /** CPU, storage and connection alarms to the alert topic. @default none */
  alarms?: DatabaseAlarmArgs;
}

const WINDOW = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/;
const WEEKLY_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d-(mon|tue|wed|thu|fri|sat|sun):([01]\d|2[0-3]):[0-5]\d$/;

/** The parameters the project sets on every PostgreSQL instance: TLS only, and useful logs. */
export function postgresParameters(logMinDurationStatementMs: number): Record<string, string> {
  return {
    // Clients must use TLS, 1.2 or later.
    "rds.force_ssl": "1",
    ssl_min_protocol_version: "TLSv1.2",
    log_connections: "1",
    log_disconnections: "1",
    log_min_duration_statement: String(logMinDurationStatementMs),
    // Schema changes are audited; data statements would flood the log.
    log_statement: "ddl",
    log_lock_waits: "1",
  };
}

/** Alarm thresholds: a CPU percentage, GiB within the storage ceiling, a connection count. */
export function validateDatabaseAlarms(
  alarms: Omit<DatabaseAlarmArgs, "target">,
  maxAllocatedStorage: number,
): void {
  validateIntBetween("alarms.cpuPercent", alarms.cpuPercent ?? 80, 1, 100, "percent CPU");
  if (alarms.freeStorageGiB !== undefined) {
    validateIntBetween(
      "alarms.freeStorageGiB",
      alarms.freeStorageGiB,
      1,
      maxAllocatedStorage,
      "GiB of free storage, at most maxAllocatedStorage",
    );
  }
  if (alarms.connections !== undefined) {
    validateIntBetween(
      "alarms.connections",
      alarms.connections,
      1,
      5000,
      "connections; RDS PostgreSQL allows at most 5000 by default",
    );
  }
}

/** Checks the database's arguments; throws an Error naming the field, the value and the rule. */
export function validatePostgresDatabaseArgs(args: PostgresDatabaseArgs): void {
  validateDbInstanceClass(args.instanceClass ?? DEFAULT_DB_INSTANCE_CLASS);
  validatePostgresVersion(args.engineVersion ?? DEFAULT_POSTGRES_VERSION);
  validateDbStorage(
    args.allocatedStorage ?? DEFAULT_ALLOCATED_STORAGE_GIB,
    args.maxAllocatedStorage ?? DEFAULT_MAX_ALLOCATED_STORAGE_GIB,
  );
  validateIntBetween("port", args.port ?? 5432, 1150, 65535, "the ports RDS PostgreSQL accepts");
  validateDatabaseName(args.databaseName ?? "tdp");
  validateMasterUsername(args.masterUsername ?? "tdpadmin");
  if (args.snapshotIdentifier !== undefined) {
    validateSnapshotIdentifier(args.snapshotIdentifier);
  }
  validateIntBetween(
    "pointInTimeRecoveryDays",
    args.pointInTimeRecoveryDays ?? 7,
    7,
    35,
    "days of RDS automated backups; FSBP RDS.11 asks for at least 7, RDS keeps at most 35",
  );
  if (args.backupWindow !== undefined && !WINDOW.test(args.backupWindow)) {
    throw new Error(`backupWindow "${args.backupWindow}" must be hh:mm-hh:mm in UTC, e.g. 03:00-03:30`);
  }
  if (args.maintenanceWindow !== undefined && !WEEKLY_WINDOW.test(args.maintenanceWindow)) {
    throw new Error(
      `maintenanceWindow "${args.maintenanceWindow}" must be ddd:hh:mm-ddd:hh:mm in UTC, e.g. sun:04:30-sun:05:30`,
    );
  }
  validateMonitoringInterval(args.monitoringIntervalSeconds ?? 60);
  validatePerformanceInsightsRetention(args.performanceInsightsRetentionDays ?? 7);
  validateIntBetween(
    "logMinDurationStatementMs",
    args.logMinDurationStatementMs ?? 1000,
    0,
    3600000,
    "milliseconds; statements slower than this are logged",
  );
  validateLogRetentionDays(args.logRetentionDays ?? 90);
  if (args.alarms !== undefined) {
    validateDatabaseAlarms(args.alarms, args.maxAllocatedStorage ?? DEFAULT_MAX_ALLOCATED_STORAGE_GIB);
    for (const spec of databaseAlarmSpecs(args, "validate")) {
      validateAlarmSpec(spec);
    }
  }
}

/** GiB of memory of an instance class, or undefined when the family is not one we know. */
export function instanceClassMemoryGiB(instanceClass: string): number | undefined {
  const match = /^db\.([a-z]+)(\d+)[a-z-]*\.(\w+)$/.exec(instanceClass);
  if (match === null) {
    return undefined;
  }
  const [, letters, , size] = match as unknown as [string, string, string, string];
  if (letters === "t") {
    const burstable: Record<string, number> = {
      micro: 1,
      small: 2,
      medium: 4,
      large: 8,
      xlarge: 16,
      "2xlarge": 32,
    };
    return burstable[size];
  }
  const vcpus =
    size === "large"
      ? 2
      : size === "xlarge"
        ? 4
        : /^(\d+)xlarge$/.test(size)
          ? 4 * Number(size.slice(0, -6))
          : undefined;
  const perVcpu: Record<string, number> = { m: 4, r: 8, x: 16, z: 8 };
  const gib = perVcpu[letters];
  return vcpus === undefined || gib === undefined ? undefined : vcpus * gib;
}

/**
 * RDS PostgreSQL's default max_connections, LEAST(DBInstanceClassMemory/9531392, 5000), as an
 * estimate from the class's nominal memory (a little high: the OS keeps some memory).
 */
export function estimatedMaxConnections(instanceClass: string): number | undefined {
  const gib = instanceClassMemoryGiB(instanceClass);
  return gib === undefined ? undefined : Math.min(Math.floor((gib * 1024 ** 3) / 9531392), 5000);
}

function databaseAlarmSpecs(args: PostgresDatabaseArgs, identifier: pulumi.Input<string>) {
  const alarms = args.alarms!;
  const allocated = args.allocatedStorage ?? DEFAULT_ALLOCATED_STORAGE_GIB;
  const freeGiB = alarms.freeStorageGiB ?? Math.max(1, Math.round(allocated / 10));
  const instanceClass = args.instanceClass ?? DEFAULT_DB_INSTANCE_CLASS;
  const connections = alarms.connections ?? Math.floor(0.8 * (estimatedMaxConnections(instanceClass) ?? 500));
  const dimensions = { DBInstanceIdentifier: identifier };
  return [
    {
      purpose: "db-cpu",
      description: `Database CPU above ${alarms.cpuPercent ?? 80}% for 15 minutes: look at Performance Insights' top SQL, or a larger instanceClass`,
      namespace: "AWS/RDS",
      metricName: "CPUUtilization",
      dimensions,
      statistic: "Average" as const,
      comparison: ">" as const,
      threshold: alarms.cpuPercent ?? 80,
      evaluationPeriods: 3,
    },
    {
      purpose: "db-free-storage",
      description: `Database free storage below ${freeGiB} GiB: storage autoscaling is behind or at maxAllocatedStorage; raise it`,
      namespace: "AWS/RDS",
      metricName: "FreeStorageSpace",
      dimensions,
      statistic: "Minimum" as const,
      comparison: "<" as const,
      threshold: freeGiB * 1024 ** 3,
      evaluationPeriods: 2,
    },
    {
      purpose: "db-connections",
      description: `Database connections above ${connections}: near max_connections; look for connection leaks or pool sizes`,
      namespace: "AWS/RDS",
      metricName: "DatabaseConnections",
      dimensions,
      statistic: "Maximum" as const,
      comparison: ">" as const,
      threshold: connections,
      evaluationPeriods: 3,
    },
  ];
}

/**
 * RDS PostgreSQL (seed 001 Data Layer) in private subnets: Multi-AZ, encrypted gp3 storage with
 * autoscaling, TLS forced, logs exported to CloudWatch, enhanced monitoring, Performance Insights
 * with the database key, IAM authentication, the master password managed in Secrets Manager,
 * deletion protection and a final snapshot. With `snapshotIdentifier` it is restored from a snapshot.
 */
export class PostgresDatabase extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly identifier: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** `dbi-resource-id`, for `rds-db:connect` IAM policies. */
  readonly resourceId: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  /** The database's security group; the service layer adds its ingress rules to it. */
  readonly securityGroupId: pulumi.Output<string>;
  readonly subnetGroupName: pulumi.Output<string>;
  readonly parameterGroupName: pulumi.Output<string>;
  /** The Secrets Manager secret RDS keeps the master password in. */
  readonly masterUserSecretArn: pulumi.Output<string | undefined>;
  readonly monitoringRoleArn: pulumi.Output<string>;
  readonly logGroupNames: pulumi.Output<string>[];

  constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    validatePostgresDatabaseArgs(args);
    super("tdp:data:PostgresDatabase", name, {}, opts);
    const parent = { parent: this };
    const naming = args.naming;
    const identifier = naming.name("rdsIdentifier", "postgres");
    const engineVersion = args.engineVersion ?? DEFAULT_POSTGRES_VERSION;
    const major = validatePostgresVersion(engineVersion);
    const port = args.port ?? 5432;
    const restoring = args.snapshotIdentifier !== undefined;

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        name: identifier,
        description: `${naming.base}: PostgreSQL in the private subnets`,
        subnetIds: args.subnetIds,
      },
      parent,
    );

    // No inline rules: the provider then removes AWS's default allow-all egress (the database
    // opens no connections), and the service layer can add its own ingress rule resources.
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        // A prefix, not a fixed name: a replaced group is created before the old one is deleted.
        namePrefix: `${naming.name("securityGroup", "postgres")}-`,
        description: `PostgreSQL: port ${port} from the client security groups only`,
        tags: { Name: naming.name("securityGroup", "postgres") },
      },
      parent,
    );
    (args.clientSecurityGroupIds ?? []).forEach((clientId, i) => {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-ingress-${i}`,
        {
          securityGroupId: securityGroup.id,
          referencedSecurityGroupId: clientId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          description: "PostgreSQL from a client security group",
        },
        parent,
      );
    });

    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-parameters`,
      {
        // The family is in the name: a major upgrade creates a new group beside the one in use.
        name: `${identifier}-pg${major}`,
        family: `postgres${major}`,
        description: `${naming.base}: TLS only, connection and slow-statement logging`,
        parameters: Object.entries({
          ...postgresParameters(args.logMinDurationStatementMs ?? 1000),
          ...(args.parameters ?? {}),
        }).map(([parameterName, value]) => ({ name: parameterName, value, applyMethod: "immediate" })),
      },
      parent,
    );

    const monitoringRole = new ServiceRole(
      `${name}-monitoring`,
      {
        naming,
        purpose: "rds-monitoring",
        iam: args.iam,
        services: ["monitoring.rds.amazonaws.com"],
        sourceAccount: args.accountId,
        description: `${naming.base}: RDS enhanced monitoring publishes OS metrics to CloudWatch Logs`,
        managedPolicyArns: [ENHANCED_MONITORING_POLICY_ARN],
      },
      parent,
    );

    // RDS would create these itself, without retention or a key: create them first.
    const logGroups = POSTGRES_LOG_EXPORTS.map((log) =>
      createLogGroup(
        `${name}-log-${log}`,
        `/aws/rds/instance/${identifier}/${log}`,
        { kmsKeyArn: args.logsKmsKeyArn, retentionDays: args.logRetentionDays },
        parent,
      ),
    );

    this.instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        identifier,
        engine: "postgres",
        engineVersion,
        instanceClass: args.instanceClass ?? DEFAULT_DB_INSTANCE_CLASS,
        multiAz: args.multiAz ?? true,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [securityGroup.id],
        publiclyAccessible: false,
        port,
        parameterGroupName: parameterGroup.name,
        storageType: "gp3",
        allocatedStorage: args.allocatedStorage ?? DEFAULT_ALLOCATED_STORAGE_GIB,
        maxAllocatedStorage: args.maxAllocatedStorage ?? DEFAULT_MAX_ALLOCATED_STORAGE_GIB,
        storageEncrypted: true,
        kmsKeyId: args.kmsKeyArn,
        // A restored instance takes its databases and master user from the snapshot.
        ...(restoring
          ? { snapshotIdentifier: args.snapshotIdentifier }
          : { dbName: args.databaseName ?? "tdp", username: args.masterUsername ?? "tdpadmin" }),
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.secretsKmsKeyArn,
        iamDatabaseAuthenticationEnabled: true,
        backupRetentionPeriod: args.pointInTimeRecoveryDays ?? 7,
        backupWindow: args.backupWindow ?? "03:00-03:30",
        maintenanceWindow: args.maintenanceWindow ?? "sun:04:30-sun:05:30",
        copyTagsToSnapshot: true,
        deleteAutomatedBackups: false,
        deletionProtection: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${identifier}-final`,
        autoMinorVersionUpgrade: true,
        allowMajorVersionUpgrade: false,
        enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
        monitoringInterval: args.monitoringIntervalSeconds ?? 60,
        monitoringRoleArn: monitoringRole.arn,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: args.kmsKeyArn,
        performanceInsightsRetentionPeriod: args.performanceInsightsRetentionDays ?? 7,
        tags: { Name: identifier },
      },
      statefulResourceOptions({ parent: this, dependsOn: logGroups }),
    );

    if (args.alarms !== undefined) {
      for (const spec of databaseAlarmSpecs(args, this.instance.identifier)) {
        createAlarm(name, args.alarms.target, spec, parent);
      }
    }

    this.identifier = this.instance.identifier;
    this.arn = this.instance.arn;
    this.resourceId = this.instance.resourceId;
    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.port = this.instance.port;
    this.securityGroupId = securityGroup.id;
    this.subnetGroupName = subnetGroup.name;
    this.parameterGroupName = parameterGroup.name;
    this.masterUserSecretArn = this.instance.masterUserSecrets.apply((s) => s?.[0]?.secretArn);
    this.monitoringRoleArn = monitoringRole.arn;
    this.logGroupNames = logGroups.map((g) => g.name);
    this.registerOutputs({
      identifier: this.identifier,
      arn: this.arn,
      endpoint: this.endpoint,
      securityGroupId: this.securityGroupId,
      masterUserSecretArn: this.masterUserSecretArn,
    });
  }
}
