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

/**
 * The reference's parameter group settings, which the dashboard needs, and
 * require_secure_transport: the server refuses any connection without TLS (dynamic, applied at
 * once; the others apply at the next reboot, lower_case_table_names only before any table exists).
 */
export const MARIADB_PARAMETERS: Record<
  string,
  { value: string; applyMethod: "immediate" | "pending-reboot" }
> = {
  sql_mode: { value: "NO_AUTO_VALUE_ON_ZERO", applyMethod: "pending-reboot" },
  lower_case_table_names: { value: "1", applyMethod: "pending-reboot" },
  log_bin_trust_function_creators: { value: "1", applyMethod: "pending-reboot" },
  require_secure_transport: { value: "1", applyMethod: "immediate" },
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
 * Where the dashboard reads its settings and the systemd unit that runs it, as in the Docker-era
 * Marketplace image the public reference deploys (its 2022-23 revisions): `dashboard.env` and
 * `scheduler.env` under /var/panintelligence, the image's own `panintelligence.service`.
 * (`/opt/pi/Dashboard/startup.sh` belongs to the older pre-Docker image.) Every start of the unit
 * re-reads the secrets first (a drop-in), so the first boot and every restart after a rotation
 * start the dashboard with the current settings.
 */
export const DEFAULT_DASHBOARD_SERVICE = {
  dashboardEnvFile: "/var/panintelligence/dashboard.env",
  schedulerEnvFile: "/var/panintelligence/scheduler.env",
  serviceUnits: ["panintelligence.service"],
} as const;

/**
 * The amazon-efs-utils release the image pipeline builds into the dashboard image (a fixed tag, so
 * an upstream change cannot alter the image; v2.4 supports Ubuntu 20.04 to 24.04). Nothing is
 * built or downloaded when an instance boots.
 */
export const EFS_UTILS_RELEASE = "v2.4.2";

/** Where the image keeps the CloudWatch agent (the agent's own .deb layout). */
export const CLOUDWATCH_AGENT_CTL = "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl";
export const CLOUDWATCH_AGENT_CONFIG = "/opt/aws/amazon-cloudwatch-agent/etc/tdp-dashboard.json";

/** The image pipeline's build instance (it compiles amazon-efs-utils once, at image build). */
export const DEFAULT_IMAGE = {
  buildInstanceType: "t3.large",
  /** AWS-managed Image Builder components layered on the Marketplace image with ours. */
  awsComponents: ["aws-cli-version-2-linux", "amazon-cloudwatch-agent-linux"],
} as const;

/**
 * Behaviour the reference had, restored (ec2_stack.yml and network_stack.yml at 35bed53): ALB idle
 * timeout 2000 s (long report requests), health check every 65 s with a 60 s timeout and 4/4
 * thresholds, scale out after 1 × 60 s above the threshold and in after 2 × 60 s below, and a
 * 30-day maximum instance lifetime.
 */
export const REFERENCE_BEHAVIOUR = {
  idleTimeoutSeconds: 2000,
  healthCheck: {
    intervalSeconds: 65,
    timeoutSeconds: 60,
    healthyThreshold: 4,
    unhealthyThreshold: 4,
  },
  scaleOut: { periodSeconds: 60, evaluationPeriods: 1 },
  scaleIn: { periodSeconds: 60, evaluationPeriods: 2 },
  maxInstanceLifetimeDays: 30,
} as const;

/**
 * The dashboard's target: Panintelligence's own deployment of the same Docker-era image (its public
 * Terraform module) puts the external listener of the dashboard container on 8224 as HTTPS, so the
 * ALB reaches the instances over TLS. The ALB does not verify a target's certificate (the image's
 * own); the instances' security group admits 8224 from the ALB only.
 */
export const DEFAULT_TARGET_PROTOCOL = "HTTPS";
export const ALLOWED_TARGET_PROTOCOLS = ["HTTPS", "HTTP"] as const;

/** The dashboard's application user; its alternate is `<name>_clone` (alternating-users rotation). */
export const DEFAULT_APP_USERNAME = "pi_app";
/** The application user's privileges on the dashboard's schema (see the rotator). */
export { APP_USER_PRIVILEGES } from "./rotation/rotator";

/** Dashboard alarms (to the alert topic). */
export const DEFAULT_ALARMS = {
  /** Target and load balancer 5xx responses per 5 minutes. */
  http5xxPerFiveMinutes: 10,
  /** Average DB CPU % over 3 × 5 minutes. */
  dbCpuPercent: 80,
  /** Free DB storage below this many GiB. */
  dbFreeStorageGiB: 2,
} as const;

/** Characters a rotated password never holds: all punctuation but `-_.` (see the rotator). */
export { DEFAULT_EXCLUDE_CHARACTERS as ROTATION_EXCLUDE_CHARACTERS } from "./rotation/rotator";
/** The punctuation the first password may hold: the same as a rotated one. */
export { PASSWORD_PUNCTUATION as DB_PASSWORD_PUNCTUATION } from "./rotation/rotator";

export const DEFAULT_LOG_RETENTION_DAYS = 90;
