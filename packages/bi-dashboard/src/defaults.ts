/**
 * Defaults and allowed values of the Panintelligence deployment, with where each comes from
 * (seed 004, the public Panintelligence CloudFormation project, or AWS).
 */

/** The port the dashboard's Tomcat listens on (reference target group). */
export const DASHBOARD_PORT = 8224;

/** Seed 004 "EC2 instance type" table; larger sizes of the same families for heavier use. */
export const ALLOWED_INSTANCE_TYPES = [
  "t3.medium",
  "t3a.medium",
  "t3.large",
  "t3a.large",
  "t3.xlarge",
  "t3a.xlarge",
  "t3.2xlarge",
  "t3a.2xlarge",
  "m5.large",
  "m5.xlarge",
  "m6i.large",
  "m6i.xlarge",
  "m6a.large",
  "m6a.xlarge",
] as const;
export const DEFAULT_INSTANCE_TYPE = "t3.medium";

/** Seed 004: "15GiB or higher for your EBS volume"; EBS gp3 goes up to 16 TiB. */
export const MIN_ROOT_VOLUME_GIB = 15;
export const MAX_ROOT_VOLUME_GIB = 16384;
/** Ubuntu 20.04, the Marketplace AMI's operating system (seed 004), boots from /dev/sda1. */
export const DEFAULT_ROOT_DEVICE_NAME = "/dev/sda1";

/**
 * The longest health-check grace period: it is also the group's default instance warmup and the
 * refreshes' instance warmup, and Auto Scaling accepts a default instance warmup of 0 to 3600 s.
 */
export const MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS = 3600;

/** Seed 004 service quotas: 1-5 EC2 instances; scale out above 70 % CPU, in below 20 %. */
export const DEFAULT_SCALING = {
  minSize: 1,
  maxSize: 5,
  scaleOutCpuPercent: 70,
  scaleInCpuPercent: 20,
  cooldownSeconds: 300,
  healthCheckGracePeriodSeconds: 600,
  evaluationPeriods: 2,
  periodSeconds: 300,
} as const;

/** Seed 004 "Amazon RDS MariaDB Instance size" table (db.t3.micro, db.t3.small) and larger classes. */
export const ALLOWED_DB_INSTANCE_CLASSES = [
  "db.t3.micro",
  "db.t3.small",
  "db.t3.medium",
  "db.t3.large",
  "db.t4g.micro",
  "db.t4g.small",
  "db.t4g.medium",
  "db.t4g.large",
  "db.m6g.large",
  "db.m6i.large",
  "db.m7g.large",
  "db.r6g.large",
  "db.r6i.large",
] as const;
export const DEFAULT_DB_INSTANCE_CLASS = "db.t3.small";

/**
 * MariaDB long-term-support releases RDS supports, with the parameter group family of each. The
 * reference pinned a 10.6 family with no engine version; 10.6 leaves RDS standard support in 2026.
 */
export const MARIADB_ENGINE_FAMILIES: Record<string, string> = {
  "10.11": "mariadb10.11",
  "11.4": "mariadb11.4",
  "11.8": "mariadb11.8",
};
/** 11.4 LTS: RDS standard support until 2029-05 (AWS MariaDB version calendar). */
export const DEFAULT_MARIADB_VERSION = "11.4";

/** Classes on which RDS for MariaDB offers no Performance Insights. */
export const NO_PERFORMANCE_INSIGHTS_CLASSES = ["db.t3.micro", "db.t3.small", "db.t4g.micro", "db.t4g.small"];

/** The reference's parameter group settings, which the dashboard needs. */
export const MARIADB_PARAMETERS: Record<string, string> = {
  sql_mode: "NO_AUTO_VALUE_ON_ZERO",
  lower_case_table_names: "1",
  log_bin_trust_function_creators: "1",
};

/** The dashboard's schema (reference: `dashboard`). */
export const DASHBOARD_SCHEMA = "dashboard";

export const DEFAULT_DATABASE = {
  allocatedStorageGiB: 20,
  maxAllocatedStorageGiB: 100,
  backupRetentionDays: 7,
  multiAz: true,
  username: "pi_admin",
  port: 3306,
  rotationDays: 30,
  preferredBackupWindow: "03:00-04:00",
  preferredMaintenanceWindow: "sun:04:30-sun:05:30",
} as const;

/** Names MariaDB reserves or RDS refuses as the master user name (RDS.25: not the default `admin`). */
export const RESERVED_DB_USERNAMES = ["admin", "root", "rdsadmin", "mysql", "mariadb", "sys"];

/**
 * ELB security policies that offer TLS 1.2 or newer only (ELB.17). The default also allows TLS 1.3.
 */
export const ALLOWED_SSL_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-FS-1-2-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
] as const;
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * Key algorithms of a created certificate: the ones ACM's RequestCertificate issues (RSA_3072 and
 * RSA_4096 are for imported certificates only; ACM refuses them in a request), all meeting ACM.2.
 */
export const ALLOWED_CERTIFICATE_KEY_ALGORITHMS = ["RSA_2048", "EC_prime256v1", "EC_secp384r1"] as const;
export const DEFAULT_CERTIFICATE_KEY_ALGORITHM = "RSA_2048";

/** The reference's sticky lb_cookie "for a day". */
export const DEFAULT_STICKINESS_SECONDS = 86400;

/**
 * The dashboard's folders under /var/panintelligence that live on EFS (reference user data), and
 * the S3 top-level prefix that feeds each. `excel-data/` feeds `excel` (the reference wrote it to
 * an `excel-data` folder nobody linked); `svg` is linked and now also accepted.
 */
export const DASHBOARD_FOLDERS = ["images", "themes", "excel", "keys", "logs", "svg"] as const;
export const SYNC_FOLDER_MAP: Record<string, (typeof DASHBOARD_FOLDERS)[number]> = {
  images: "images",
  themes: "themes",
  "excel-data": "excel",
  logs: "logs",
  keys: "keys",
  svg: "svg",
};

/** The dashboard user owning the EFS data (Ubuntu's first user; seed: sign in as pi-user). */
export const DEFAULT_EFS = {
  ownerUid: 1000,
  ownerGid: 1000,
  permissions: "0750",
  rootPath: "/panintelligence",
  backups: true,
} as const;

/** Where the instances mount the access point, and where the sync function does (contract). */
export const INSTANCE_EFS_MOUNT = "/mnt/pi-efs";
export const SYNC_EFS_MOUNT = "/mnt/dashboard";

export const DEFAULT_SYNC = {
  reservedConcurrency: 5,
  memorySizeMb: 512,
  timeoutSeconds: 300,
} as const;

/**
 * The interface endpoints private instances need without a NAT path to AWS: Session Manager
 * (ssm, ssmmessages, ec2messages), secrets, logs.
 */
export const REQUIRED_INTERFACE_ENDPOINTS = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "secretsmanager",
  "logs",
] as const;

/**
 * Where the dashboard reads its settings (the reference wrote dashboard.env and scheduler.env),
 * and the systemd units that start it: each start re-reads the secrets first.
 */
export const DEFAULT_DASHBOARD_SERVICE = {
  envFiles: ["/opt/pi/dashboard.env", "/opt/pi/scheduler.env"],
  serviceUnits: ["docker.service"],
} as const;

/**
 * The amazon-efs-utils release built at first boot when the AMI lacks the EFS mount helper: a
 * fixed tag, so an upstream change cannot alter or break the bootstrap (v2.4 supports Ubuntu 24).
 */
export const EFS_UTILS_RELEASE = "v2.4.2";

/** Characters a rotated password never holds: all punctuation but `-_.` (see the rotator). */
export { DEFAULT_EXCLUDE_CHARACTERS as ROTATION_EXCLUDE_CHARACTERS } from "./rotation/rotator";
/** The punctuation the first password may hold: the same as a rotated one. */
export { PASSWORD_PUNCTUATION as DB_PASSWORD_PUNCTUATION } from "./rotation/rotator";

export const DEFAULT_LOG_RETENTION_DAYS = 90;
