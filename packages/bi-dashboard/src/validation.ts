import { LOG_RETENTION_DAYS } from "@tdp/core";

import type { BiDashboardArgs } from "./args";
import {
  ALLOWED_CERTIFICATE_KEY_ALGORITHMS,
  ALLOWED_DB_INSTANCE_CLASSES,
  ALLOWED_INSTANCE_TYPES,
  ALLOWED_SSL_POLICIES,
  ALLOWED_TARGET_PROTOCOLS,
  APP_USER_PRIVILEGES,
  DEFAULT_ALARMS,
  DEFAULT_APP_USERNAME,
  DEFAULT_CERTIFICATE_KEY_ALGORITHM,
  DEFAULT_IMAGE,
  DEFAULT_TARGET_PROTOCOL,
  REFERENCE_BEHAVIOUR,
  DEFAULT_DASHBOARD_SERVICE,
  DEFAULT_DATABASE,
  DEFAULT_DB_INSTANCE_CLASS,
  DEFAULT_EFS,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_MARIADB_VERSION,
  DEFAULT_ROOT_DEVICE_NAME,
  DEFAULT_SCALING,
  DEFAULT_SSL_POLICY,
  DEFAULT_STICKINESS_SECONDS,
  DEFAULT_SYNC,
  MARIADB_ENGINE_FAMILIES,
  MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS,
  MAX_ROOT_VOLUME_GIB,
  MIN_ROOT_VOLUME_GIB,
  RESERVED_DB_USERNAMES,
} from "./defaults";

/** One bad setting: the field (dotted, as in `tdp:biDashboard`), the value and the rule it breaks. */
export interface SettingProblem {
  field: string;
  value: unknown;
  rule: string;
}

/** The settings of a deployment that are plain values (no pulumi Inputs), as validated. */
export type BiDashboardSettings = Omit<
  BiDashboardArgs,
  | "naming"
  | "iam"
  | "vpcId"
  | "vpcCidrBlock"
  | "privateSubnetIds"
  | "routeTableIds"
  | "licenceKey"
  | "alarmTopicArn"
> & {
  /** How many private subnets are given (the component counts them). */
  privateSubnetCount?: number;
  /** How many public subnets are given. */
  publicSubnetCount?: number;
};

/** Every setting with its default applied. */
export interface ResolvedBiDashboard {
  deploymentName: string;
  region: string;
  createVpcEndpoints: boolean;
  logRetentionDays: number;
  loadBalancer: {
    internetFacing: boolean;
    allowedCidrs?: string[];
    certificateArn?: string;
    domainName?: string;
    hostedZoneId?: string;
    certificateKeyAlgorithm: string;
    sslPolicy: string;
    stickiness: { enabled: boolean; durationSeconds: number };
    deletionProtection: boolean;
    idleTimeoutSeconds: number;
    targetProtocol: "HTTPS" | "HTTP";
    healthCheck: {
      intervalSeconds: number;
      timeoutSeconds: number;
      healthyThreshold: number;
      unhealthyThreshold: number;
    };
  };
  instances: {
    amiId: string;
    instanceType: string;
    rootVolumeSizeGiB: number;
    rootDeviceName: string;
    keyPairName?: string;
  };
  scaling: {
    minSize: number;
    maxSize: number;
    desiredCapacity: number;
    scaleOutCpuPercent: number;
    scaleInCpuPercent: number;
    cooldownSeconds: number;
    healthCheckGracePeriodSeconds: number;
    scaleOutPeriodSeconds: number;
    scaleOutEvaluationPeriods: number;
    scaleInPeriodSeconds: number;
    scaleInEvaluationPeriods: number;
    maxInstanceLifetimeDays: number;
  };
  database: {
    instanceClass: string;
    engineVersion: string;
    parameterGroupFamily: string;
    allocatedStorageGiB: number;
    maxAllocatedStorageGiB: number;
    backupRetentionDays: number;
    multiAz: boolean;
    username: string;
    appUsername: string;
    /** The privileges the application user holds on the dashboard's schema. */
    appPrivileges: readonly string[];
    port: number;
    rotationDays: number;
    deletionProtection: boolean;
  };
  efs: { ownerUid: number; ownerGid: number; permissions: string; backups: boolean };
  sync: { reservedConcurrency: number; memorySizeMb: number; timeoutSeconds: number };
  image: { prebuiltAmiId?: string; buildInstanceType: string };
  alarms: { http5xxPerFiveMinutes: number; dbCpuPercent: number; dbFreeStorageGiB: number };
  dashboardService: {
    dashboardEnvFile: string;
    schedulerEnvFile: string;
    serviceUnits: string[];
    dbTlsEnv: Record<string, string>;
  };
}

const DEPLOYMENT_NAME = /^[a-z][a-z0-9-]{0,14}[a-z0-9]$/;
const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const KEY_PAIR_NAME = /^[\x20-\x7e]{1,255}$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const DB_USERNAME = /^[A-Za-z][A-Za-z0-9_]{0,15}$/;
const OCTAL_MODE = /^0?[0-7]{3}$/;
const UNIX_PATH = /^\/[A-Za-z0-9._/-]+$/;
const UNIT_NAME = /^[A-Za-z0-9@._-]+\.service$/;
/** The settings the bootstrap writes from the secrets; dbTlsEnv may not override them. */
export const WRITTEN_SETTINGS = [
  "PI_DB_HOST",
  "PI_DB_PORT",
  "PI_DB_USERNAME",
  "PI_DB_PASSWORD",
  "PI_DB_SCHEMA_NAME",
  "PI_EXTERNAL_DB",
  "PI_LICENCE",
] as const;
const ENV_NAME = /^[A-Z][A-Z0-9_]{0,63}$/;
const ENV_VALUE = /^[A-Za-z0-9:/._@+=,-]{0,256}$/;
const ROOT_DEVICE = /^\/dev\/(sd[a-z]|xvd[a-z]|nvme\d+n\d+)\d*$/;

function isCidrBlock(value: string): boolean {
  const m = CIDR.exec(value);
  return m !== null && m.slice(1, 5).every((o) => Number(o) <= 255) && Number(m[5]) <= 32;
}

function wholeBetween(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/**
 * Applies the defaults and lists every problem of the settings at once (none: the returned
 * problems list is empty). Pure: used by the component and by the stack's config schema.
 */
export function checkBiDashboardSettings(settings: BiDashboardSettings): {
  resolved: ResolvedBiDashboard;
  problems: SettingProblem[];
} {
  const problems: SettingProblem[] = [];
  const problem = (field: string, value: unknown, rule: string) => problems.push({ field, value, rule });

  if (!DEPLOYMENT_NAME.test(settings.deploymentName ?? "")) {
    problem(
      "deploymentName",
      settings.deploymentName,
      "must be 2 to 16 lowercase letters, digits and hyphens, starting with a letter; it is part of every physical name so two deployments never collide",
    );
  }
  if (!REGION.test(settings.region ?? "")) {
    problem("region", settings.region, "must be an AWS region code such as us-east-1");
  }
  if (settings.privateSubnetCount !== undefined && settings.privateSubnetCount < 2) {
    problem(
      "privateSubnetIds",
      settings.privateSubnetCount,
      "at least 2 private subnets in different availability zones are required (Multi-AZ database, instances and EFS mount targets in every zone)",
    );
  }
  const logRetentionDays = settings.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS;
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(logRetentionDays)) {
    problem(
      "logRetentionDays",
      logRetentionDays,
      `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }

  // Load balancer.
  const lb = settings.loadBalancer ?? {};
  const internetFacing = lb.internetFacing ?? false;
  if (internetFacing && settings.publicSubnetCount !== undefined && settings.publicSubnetCount < 2) {
    problem(
      "loadBalancer.publicSubnetIds",
      settings.publicSubnetCount,
      "an internet-facing load balancer needs at least 2 public subnets in different availability zones",
    );
  }
  for (const [i, cidr] of (lb.allowedCidrs ?? []).entries()) {
    if (!isCidrBlock(cidr)) {
      problem(`loadBalancer.allowedCidrs[${i}]`, cidr, "must be an IPv4 CIDR block a.b.c.d/n");
    } else if (!internetFacing && cidr.endsWith("/0")) {
      problem(
        `loadBalancer.allowedCidrs[${i}]`,
        cidr,
        "an internal load balancer must not admit the whole internet; list the networks that use the dashboard",
      );
    }
  }
  if (lb.certificateArn !== undefined && !CERTIFICATE_ARN.test(lb.certificateArn)) {
    problem(
      "loadBalancer.certificateArn",
      lb.certificateArn,
      "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)",
    );
  }
  if (lb.domainName !== undefined && !DNS_NAME.test(lb.domainName)) {
    problem("loadBalancer.domainName", lb.domainName, "must be a lowercase DNS name such as bi.example.com");
  }
  if (lb.hostedZoneId !== undefined && !HOSTED_ZONE_ID.test(lb.hostedZoneId)) {
    problem("loadBalancer.hostedZoneId", lb.hostedZoneId, "must be a Route53 hosted zone id (Z...)");
  }
  if (lb.certificateArn === undefined && (lb.domainName === undefined || lb.hostedZoneId === undefined)) {
    problem(
      "loadBalancer.certificateArn",
      undefined,
      "HTTPS needs a certificate: give certificateArn, or domainName and hostedZoneId to create and validate one in ACM",
    );
  }
  const certificateKeyAlgorithm = lb.certificateKeyAlgorithm ?? DEFAULT_CERTIFICATE_KEY_ALGORITHM;
  if (certificateKeyAlgorithm === "RSA_1024") {
    problem(
      "loadBalancer.certificateKeyAlgorithm",
      certificateKeyAlgorithm,
      "RSA 1024-bit keys are refused: they can be factored with today's means and ACM.2 requires RSA keys of at least 2048 bits; use RSA_2048 or an EC key",
    );
  } else if (!(ALLOWED_CERTIFICATE_KEY_ALGORITHMS as readonly string[]).includes(certificateKeyAlgorithm)) {
    problem(
      "loadBalancer.certificateKeyAlgorithm",
      certificateKeyAlgorithm,
      `must be one of ${ALLOWED_CERTIFICATE_KEY_ALGORITHMS.join(", ")}: the key algorithms ACM issues a requested certificate with (RSA_3072 and RSA_4096 are for imported certificates only; give one as certificateArn)`,
    );
  }
  if (lb.certificateArn !== undefined && lb.certificateKeyAlgorithm !== undefined) {
    problem(
      "loadBalancer.certificateKeyAlgorithm",
      lb.certificateKeyAlgorithm,
      "applies to a created certificate only; an existing certificate's key is fixed",
    );
  }
  const sslPolicy = lb.sslPolicy ?? DEFAULT_SSL_POLICY;
  if (!(ALLOWED_SSL_POLICIES as readonly string[]).includes(sslPolicy)) {
    problem(
      "loadBalancer.sslPolicy",
      sslPolicy,
      `must be a TLS 1.2+ policy (ELB.17; the reference's 2016-08 policy allows TLS 1.0): ${ALLOWED_SSL_POLICIES.join(", ")}`,
    );
  }
  const stickinessSeconds = lb.stickiness?.durationSeconds ?? DEFAULT_STICKINESS_SECONDS;
  if (!wholeBetween(stickinessSeconds, 1, 604800)) {
    problem(
      "loadBalancer.stickiness.durationSeconds",
      stickinessSeconds,
      "must be a whole number of seconds from 1 to 604800 (7 days)",
    );
  }
  const idleTimeoutSeconds = lb.idleTimeoutSeconds ?? REFERENCE_BEHAVIOUR.idleTimeoutSeconds;
  if (!wholeBetween(idleTimeoutSeconds, 1, 4000)) {
    problem("loadBalancer.idleTimeoutSeconds", idleTimeoutSeconds, "must be a whole number from 1 to 4000");
  }
  const targetProtocol = lb.targetProtocol ?? DEFAULT_TARGET_PROTOCOL;
  if (!(ALLOWED_TARGET_PROTOCOLS as readonly string[]).includes(targetProtocol)) {
    problem(
      "loadBalancer.targetProtocol",
      targetProtocol,
      `must be ${ALLOWED_TARGET_PROTOCOLS.join(" or ")}: HTTPS when the image serves TLS on 8224 (the default), HTTP otherwise`,
    );
  }
  const hc = { ...REFERENCE_BEHAVIOUR.healthCheck, ...lb.healthCheck };
  if (!wholeBetween(hc.intervalSeconds, 5, 300)) {
    problem(
      "loadBalancer.healthCheck.intervalSeconds",
      hc.intervalSeconds,
      "must be a whole number of seconds from 5 to 300",
    );
  }
  if (!wholeBetween(hc.timeoutSeconds, 2, 120) || hc.timeoutSeconds >= hc.intervalSeconds) {
    problem(
      "loadBalancer.healthCheck.timeoutSeconds",
      hc.timeoutSeconds,
      `must be a whole number of seconds from 2 to 120 and below intervalSeconds (${hc.intervalSeconds}): the ALB refuses a timeout that is not shorter than the interval`,
    );
  }
  for (const field of ["healthyThreshold", "unhealthyThreshold"] as const) {
    if (!wholeBetween(hc[field], 2, 10)) {
      problem(`loadBalancer.healthCheck.${field}`, hc[field], "must be a whole number from 2 to 10");
    }
  }

  // Instances.
  const instances = settings.instances ?? ({} as BiDashboardSettings["instances"]);
  if (instances.amiId === undefined || instances.amiId === "") {
    problem(
      "instances.amiId",
      instances.amiId,
      "required: the Panintelligence Marketplace AMI id of this region (subscribe in AWS Marketplace first; see the package README)",
    );
  } else if (!AMI_ID.test(instances.amiId)) {
    problem(
      "instances.amiId",
      instances.amiId,
      "must be an AMI id: ami- followed by 8 or 17 hexadecimal digits",
    );
  }
  const instanceType = instances.instanceType ?? DEFAULT_INSTANCE_TYPE;
  if (!(ALLOWED_INSTANCE_TYPES as readonly string[]).includes(instanceType)) {
    problem(
      "instances.instanceType",
      instanceType,
      `must be one of ${ALLOWED_INSTANCE_TYPES.join(", ")} (seed 004 recommends t3.medium or t3a.medium)`,
    );
  }
  const rootVolumeSizeGiB = instances.rootVolumeSizeGiB ?? MIN_ROOT_VOLUME_GIB;
  if (!wholeBetween(rootVolumeSizeGiB, MIN_ROOT_VOLUME_GIB, MAX_ROOT_VOLUME_GIB)) {
    problem(
      "instances.rootVolumeSizeGiB",
      rootVolumeSizeGiB,
      `must be a whole number of GiB from ${MIN_ROOT_VOLUME_GIB} (seed 004 minimum) to ${MAX_ROOT_VOLUME_GIB}`,
    );
  }
  const rootDeviceName = instances.rootDeviceName ?? DEFAULT_ROOT_DEVICE_NAME;
  if (!ROOT_DEVICE.test(rootDeviceName)) {
    problem(
      "instances.rootDeviceName",
      rootDeviceName,
      "must be a device name such as /dev/sda1 or /dev/xvda",
    );
  }
  if (instances.keyPairName !== undefined && !KEY_PAIR_NAME.test(instances.keyPairName)) {
    problem("instances.keyPairName", instances.keyPairName, "must be 1 to 255 printable ASCII characters");
  }

  // Scaling.
  const sc = settings.scaling ?? {};
  const minSize = sc.minSize ?? DEFAULT_SCALING.minSize;
  const maxSize = sc.maxSize ?? DEFAULT_SCALING.maxSize;
  const desiredCapacity = sc.desiredCapacity ?? minSize;
  if (!wholeBetween(minSize, 1, 100)) {
    problem("scaling.minSize", minSize, "must be a whole number from 1 to 100 (at least one dashboard runs)");
  }
  if (!wholeBetween(maxSize, 1, 100)) {
    problem("scaling.maxSize", maxSize, "must be a whole number from 1 to 100");
  }
  if (minSize > maxSize) {
    problem("scaling.minSize", minSize, `must not exceed maxSize (${maxSize})`);
  } else if (minSize === maxSize) {
    problem(
      "scaling.maxSize",
      maxSize,
      `must be greater than minSize (${minSize}), or the CPU scaling policies can never act (the reference's min=max=1)`,
    );
  }
  if (!Number.isInteger(desiredCapacity) || desiredCapacity < minSize || desiredCapacity > maxSize) {
    problem(
      "scaling.desiredCapacity",
      desiredCapacity,
      `must be a whole number between minSize (${minSize}) and maxSize (${maxSize})`,
    );
  }
  const scaleOut = sc.scaleOutCpuPercent ?? DEFAULT_SCALING.scaleOutCpuPercent;
  const scaleIn = sc.scaleInCpuPercent ?? DEFAULT_SCALING.scaleInCpuPercent;
  if (!wholeBetween(scaleOut, 1, 99)) {
    problem("scaling.scaleOutCpuPercent", scaleOut, "must be a whole percentage from 1 to 99");
  }
  if (!wholeBetween(scaleIn, 1, 99)) {
    problem("scaling.scaleInCpuPercent", scaleIn, "must be a whole percentage from 1 to 99");
  }
  if (scaleIn >= scaleOut) {
    problem(
      "scaling.scaleInCpuPercent",
      scaleIn,
      `must be below scaleOutCpuPercent (${scaleOut}), or the group would scale in and out in turn`,
    );
  }
  const cooldownSeconds = sc.cooldownSeconds ?? DEFAULT_SCALING.cooldownSeconds;
  if (!wholeBetween(cooldownSeconds, 60, 3600)) {
    problem("scaling.cooldownSeconds", cooldownSeconds, "must be a whole number of seconds from 60 to 3600");
  }
  const grace = sc.healthCheckGracePeriodSeconds ?? DEFAULT_SCALING.healthCheckGracePeriodSeconds;
  if (!wholeBetween(grace, 60, MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS)) {
    problem(
      "scaling.healthCheckGracePeriodSeconds",
      grace,
      `must be a whole number of seconds from 60 (the dashboard needs minutes to start) to ${MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS}: it is also the group's default instance warmup, which Auto Scaling accepts up to ${MAX_HEALTH_CHECK_GRACE_PERIOD_SECONDS} s`,
    );
  }

  const periods = {
    scaleOutPeriodSeconds: sc.scaleOutPeriodSeconds ?? REFERENCE_BEHAVIOUR.scaleOut.periodSeconds,
    scaleOutEvaluationPeriods: sc.scaleOutEvaluationPeriods ?? REFERENCE_BEHAVIOUR.scaleOut.evaluationPeriods,
    scaleInPeriodSeconds: sc.scaleInPeriodSeconds ?? REFERENCE_BEHAVIOUR.scaleIn.periodSeconds,
    scaleInEvaluationPeriods: sc.scaleInEvaluationPeriods ?? REFERENCE_BEHAVIOUR.scaleIn.evaluationPeriods,
  };
  for (const field of ["scaleOutPeriodSeconds", "scaleInPeriodSeconds"] as const) {
    if (!wholeBetween(periods[field], 60, 86400) || periods[field] % 60 !== 0) {
      problem(
        `scaling.${field}`,
        periods[field],
        "must be a multiple of 60 seconds up to 86400 (EC2's basic CPU metric comes once a minute)",
      );
    }
  }
  for (const field of ["scaleOutEvaluationPeriods", "scaleInEvaluationPeriods"] as const) {
    if (!wholeBetween(periods[field], 1, 10)) {
      problem(`scaling.${field}`, periods[field], "must be a whole number from 1 to 10");
    }
  }
  const maxInstanceLifetimeDays = sc.maxInstanceLifetimeDays ?? REFERENCE_BEHAVIOUR.maxInstanceLifetimeDays;
  if (maxInstanceLifetimeDays !== 0 && !wholeBetween(maxInstanceLifetimeDays, 1, 365)) {
    problem(
      "scaling.maxInstanceLifetimeDays",
      maxInstanceLifetimeDays,
      "must be 0 (off) or a whole number of days from 1 to 365 (Auto Scaling's range, 86400 s to 365 days)",
    );
  }

  // Database.
  const db = settings.database ?? {};
  const instanceClass = db.instanceClass ?? DEFAULT_DB_INSTANCE_CLASS;
  if (!(ALLOWED_DB_INSTANCE_CLASSES as readonly string[]).includes(instanceClass)) {
    problem(
      "database.instanceClass",
      instanceClass,
      `must be one of ${ALLOWED_DB_INSTANCE_CLASSES.join(", ")} (seed 004: db.t3.micro or db.t3.small)`,
    );
  }
  const engineVersion = db.engineVersion ?? DEFAULT_MARIADB_VERSION;
  const parameterGroupFamily = MARIADB_ENGINE_FAMILIES[engineVersion] ?? "";
  if (parameterGroupFamily === "") {
    problem(
      "database.engineVersion",
      engineVersion,
      `must be a MariaDB LTS major version RDS supports: ${Object.keys(MARIADB_ENGINE_FAMILIES).join(", ")} (the parameter group family follows it)`,
    );
  }
  const allocated = db.allocatedStorageGiB ?? DEFAULT_DATABASE.allocatedStorageGiB;
  // RDS refuses a storage-autoscaling ceiling less than 10% above the allocated storage
  // ("Invalid max storage size"), so neither the default nor a given value may be closer.
  const minMaxAllocated = Math.ceil((allocated * 11) / 10);
  const maxAllocated =
    db.maxAllocatedStorageGiB ?? Math.max(DEFAULT_DATABASE.maxAllocatedStorageGiB, minMaxAllocated);
  if (!wholeBetween(allocated, 20, 65536)) {
    problem("database.allocatedStorageGiB", allocated, "must be a whole number of GiB from 20 to 65536");
  }
  if (!wholeBetween(maxAllocated, minMaxAllocated, 65536)) {
    problem(
      "database.maxAllocatedStorageGiB",
      maxAllocated,
      `must be a whole number of GiB from 10% above allocatedStorageGiB (${allocated}), i.e. ${minMaxAllocated}, to 65536 (RDS storage autoscaling refuses a closer ceiling)`,
    );
  }
  const backupRetentionDays = db.backupRetentionDays ?? DEFAULT_DATABASE.backupRetentionDays;
  if (!wholeBetween(backupRetentionDays, 7, 35)) {
    problem(
      "database.backupRetentionDays",
      backupRetentionDays,
      "must be a whole number of days from 7 to 35 (RDS.11; the reference kept 1 day)",
    );
  }
  const username = db.username ?? DEFAULT_DATABASE.username;
  if (!DB_USERNAME.test(username)) {
    problem(
      "database.username",
      username,
      "must be 1 to 16 letters, digits and underscores, starting with a letter",
    );
  } else if (RESERVED_DB_USERNAMES.includes(username.toLowerCase())) {
    problem(
      "database.username",
      username,
      `must not be a default or reserved name (${RESERVED_DB_USERNAMES.join(", ")}; RDS.25)`,
    );
  }
  const appUsername = db.appUsername ?? DEFAULT_APP_USERNAME;
  // The alternate user is `<name>_clone`: 6 more characters within MariaDB's user name limit.
  if (!DB_USERNAME.test(appUsername) || appUsername.endsWith("_clone")) {
    problem(
      "database.appUsername",
      appUsername,
      "must be 1 to 16 letters, digits and underscores, starting with a letter, not ending in _clone (the rotation's alternate user)",
    );
  } else if (RESERVED_DB_USERNAMES.includes(appUsername.toLowerCase()) || appUsername === username) {
    problem(
      "database.appUsername",
      appUsername,
      `must differ from the master user (${username}) and from reserved names (${RESERVED_DB_USERNAMES.join(", ")})`,
    );
  }
  const port = db.port ?? DEFAULT_DATABASE.port;
  if (!wholeBetween(port, 1150, 65535)) {
    problem("database.port", port, "must be a whole number from 1150 to 65535 (RDS's range for MariaDB)");
  }
  const rotationDays = db.rotationDays ?? DEFAULT_DATABASE.rotationDays;
  if (!wholeBetween(rotationDays, 1, 90)) {
    problem(
      "database.rotationDays",
      rotationDays,
      "must be a whole number of days from 1 to 90 (seed 004: 30; SecretsManager.4 requires rotation within 90 days)",
    );
  }

  // EFS.
  const efs = settings.efs ?? {};
  const ownerUid = efs.ownerUid ?? DEFAULT_EFS.ownerUid;
  const ownerGid = efs.ownerGid ?? DEFAULT_EFS.ownerGid;
  if (!wholeBetween(ownerUid, 1, 4294967294)) {
    problem(
      "efs.ownerUid",
      ownerUid,
      "must be a whole number from 1 (root, uid 0, is refused) to 4294967294",
    );
  }
  if (!wholeBetween(ownerGid, 1, 4294967294)) {
    problem(
      "efs.ownerGid",
      ownerGid,
      "must be a whole number from 1 (root, gid 0, is refused) to 4294967294",
    );
  }
  const permissions = efs.permissions ?? DEFAULT_EFS.permissions;
  if (!OCTAL_MODE.test(permissions)) {
    problem("efs.permissions", permissions, "must be an octal mode such as 0750");
  } else if ((parseInt(permissions, 8) & 0o007) !== 0) {
    problem(
      "efs.permissions",
      permissions,
      "must give others no access (the reference's 0777 let any NFS client write); use 0750 or 0770",
    );
  }

  // Sync function.
  const sync = settings.sync ?? {};
  const reservedConcurrency = sync.reservedConcurrency ?? DEFAULT_SYNC.reservedConcurrency;
  if (!wholeBetween(reservedConcurrency, 1, 100)) {
    problem("sync.reservedConcurrency", reservedConcurrency, "must be a whole number from 1 to 100");
  }
  const memorySizeMb = sync.memorySizeMb ?? DEFAULT_SYNC.memorySizeMb;
  if (!wholeBetween(memorySizeMb, 128, 10240)) {
    problem("sync.memorySizeMb", memorySizeMb, "must be a whole number of MB from 128 to 10240");
  }
  const timeoutSeconds = sync.timeoutSeconds ?? DEFAULT_SYNC.timeoutSeconds;
  if (!wholeBetween(timeoutSeconds, 60, 900)) {
    problem(
      "sync.timeoutSeconds",
      timeoutSeconds,
      "must be a whole number of seconds from 60 to 900 (the reference's 15 s cut large files short)",
    );
  }

  // Image.
  const image = settings.image ?? {};
  if (image.prebuiltAmiId !== undefined && !AMI_ID.test(image.prebuiltAmiId)) {
    problem(
      "image.prebuiltAmiId",
      image.prebuiltAmiId,
      "must be an AMI id: ami- followed by 8 or 17 hexadecimal digits",
    );
  }
  const buildInstanceType = image.buildInstanceType ?? DEFAULT_IMAGE.buildInstanceType;
  if (!(ALLOWED_INSTANCE_TYPES as readonly string[]).includes(buildInstanceType)) {
    problem(
      "image.buildInstanceType",
      buildInstanceType,
      `must be one of ${ALLOWED_INSTANCE_TYPES.join(", ")} (an x86_64 type, like the Marketplace image)`,
    );
  }

  // Alarms.
  const al = { ...DEFAULT_ALARMS, ...settings.alarms };
  if (!wholeBetween(al.http5xxPerFiveMinutes, 1, 100000)) {
    problem(
      "alarms.http5xxPerFiveMinutes",
      al.http5xxPerFiveMinutes,
      "must be a whole number from 1 to 100000",
    );
  }
  if (!wholeBetween(al.dbCpuPercent, 1, 99)) {
    problem("alarms.dbCpuPercent", al.dbCpuPercent, "must be a whole percentage from 1 to 99");
  }
  if (!wholeBetween(al.dbFreeStorageGiB, 1, allocated)) {
    problem(
      "alarms.dbFreeStorageGiB",
      al.dbFreeStorageGiB,
      `must be a whole number of GiB from 1 to database.allocatedStorageGiB (${allocated})`,
    );
  }

  // Dashboard service.
  const service = settings.dashboardService ?? {};
  const dashboardEnvFile = service.dashboardEnvFile ?? DEFAULT_DASHBOARD_SERVICE.dashboardEnvFile;
  const schedulerEnvFile = service.schedulerEnvFile ?? DEFAULT_DASHBOARD_SERVICE.schedulerEnvFile;
  const serviceUnits = service.serviceUnits ?? [...DEFAULT_DASHBOARD_SERVICE.serviceUnits];
  const dbTlsEnv = service.dbTlsEnv ?? {};
  for (const [field, file] of [
    ["dashboardEnvFile", dashboardEnvFile],
    ["schedulerEnvFile", schedulerEnvFile],
  ] as const) {
    if (!UNIX_PATH.test(file) || file.split("/").includes("..")) {
      problem(`dashboardService.${field}`, file, "must be an absolute path without spaces or ..");
    }
  }
  if (dashboardEnvFile === schedulerEnvFile) {
    problem(
      "dashboardService.schedulerEnvFile",
      schedulerEnvFile,
      "must differ from dashboardEnvFile: the scheduler's file has no licence",
    );
  }
  if (serviceUnits.length === 0) {
    problem(
      "dashboardService.serviceUnits",
      serviceUnits,
      "must list the unit that runs the dashboard (panintelligence.service)",
    );
  }
  for (const [i, unit] of serviceUnits.entries()) {
    if (!UNIT_NAME.test(unit)) {
      problem(
        `dashboardService.serviceUnits[${i}]`,
        unit,
        "must be a systemd service unit name such as panintelligence.service",
      );
    }
  }
  for (const [key, value] of Object.entries(dbTlsEnv)) {
    if (!ENV_NAME.test(key) || (WRITTEN_SETTINGS as readonly string[]).includes(key)) {
      problem(
        `dashboardService.dbTlsEnv.${key}`,
        key,
        "must be an upper-case variable name (A-Z, 0-9, _), not one the bootstrap writes from the secrets",
      );
    } else if (!ENV_VALUE.test(value)) {
      problem(
        `dashboardService.dbTlsEnv.${key}`,
        value,
        "must be up to 256 letters, digits and : / . _ @ + = , - (no quotes, spaces or shell characters)",
      );
    }
  }

  const resolved: ResolvedBiDashboard = {
    deploymentName: settings.deploymentName,
    region: settings.region,
    createVpcEndpoints: settings.createVpcEndpoints ?? true,
    logRetentionDays,
    loadBalancer: {
      internetFacing,
      allowedCidrs: lb.allowedCidrs,
      certificateArn: lb.certificateArn,
      domainName: lb.domainName,
      hostedZoneId: lb.hostedZoneId,
      certificateKeyAlgorithm,
      sslPolicy,
      stickiness: { enabled: lb.stickiness?.enabled ?? true, durationSeconds: stickinessSeconds },
      deletionProtection: lb.deletionProtection ?? true,
      idleTimeoutSeconds,
      targetProtocol: targetProtocol as "HTTPS" | "HTTP",
      healthCheck: hc,
    },
    instances: {
      amiId: instances.amiId,
      instanceType,
      rootVolumeSizeGiB,
      rootDeviceName,
      keyPairName: instances.keyPairName,
    },
    scaling: {
      minSize,
      maxSize,
      desiredCapacity,
      scaleOutCpuPercent: scaleOut,
      scaleInCpuPercent: scaleIn,
      cooldownSeconds,
      healthCheckGracePeriodSeconds: grace,
      ...periods,
      maxInstanceLifetimeDays,
    },
    database: {
      instanceClass,
      engineVersion,
      parameterGroupFamily,
      allocatedStorageGiB: allocated,
      maxAllocatedStorageGiB: maxAllocated,
      backupRetentionDays,
      multiAz: db.multiAz ?? DEFAULT_DATABASE.multiAz,
      username,
      appUsername,
      appPrivileges: APP_USER_PRIVILEGES,
      port,
      rotationDays,
      deletionProtection: db.deletionProtection ?? true,
    },
    efs: { ownerUid, ownerGid, permissions, backups: efs.backups ?? DEFAULT_EFS.backups },
    sync: { reservedConcurrency, memorySizeMb, timeoutSeconds },
    image: { prebuiltAmiId: image.prebuiltAmiId, buildInstanceType },
    alarms: al,
    dashboardService: { dashboardEnvFile, schedulerEnvFile, serviceUnits, dbTlsEnv },
  };
  return { resolved, problems };
}

/** `field: value — rule`, the same shape as a stack config problem. */
export function formatSettingProblem(p: SettingProblem): string {
  const shown = p.value === undefined ? "(missing)" : JSON.stringify(p.value);
  return `${p.field}: ${shown} — ${p.rule}`;
}

/**
 * Validates the component's arguments before any child exists and returns them resolved; throws
 * one Error listing every problem, each naming the field, the value and the rule.
 */
export function validateBiDashboardArgs(args: BiDashboardArgs): ResolvedBiDashboard {
  const { resolved, problems } = checkBiDashboardSettings({
    ...args,
    privateSubnetCount: args.privateSubnetIds.length,
    publicSubnetCount: args.loadBalancer?.publicSubnetIds?.length ?? 0,
  });
  if (problems.length > 0) {
    throw new Error(
      `BiDashboard "${args.deploymentName}": invalid arguments (${problems.length}):\n` +
        problems.map((p) => `  ${formatSettingProblem(p)}`).join("\n"),
    );
  }
  return resolved;
}
