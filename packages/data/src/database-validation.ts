/**
 * Pure checks of the database and its backups (seed 001 InstanceTypeRDS, RDSBackupInterval,
 * RDSBackupSchedule, RDSBackupRetentionDays, RDSSnapShot). The components and the stack's
 * `tdp:data.database` schema both run them; each throws an Error naming the field, the value and
 * the rule.
 */
import { validateIntBetween } from "./validation";

/**
 * The default instance class: Graviton general purpose, 2 vCPU and 8 GiB. The seed's
 * db.t2.medium is retired; a burstable class can run out of CPU credits under a steady load,
 * which on the platform's only database is an outage, so the default is not burstable.
 */
export const DEFAULT_DB_INSTANCE_CLASS = "db.m7g.large";
/** The default PostgreSQL major version; RDS picks its current default minor (auto minor upgrades on). */
export const DEFAULT_POSTGRES_VERSION = "17";
/** PostgreSQL majors within RDS standard support. */
export const SUPPORTED_POSTGRES_MAJORS = [14, 15, 16, 17, 18] as const;
export const DEFAULT_ALLOCATED_STORAGE_GIB = 100;
export const DEFAULT_MAX_ALLOCATED_STORAGE_GIB = 1000;
/** gp3 storage for RDS PostgreSQL: 20 GiB to 64 TiB. */
export const MIN_STORAGE_GIB = 20;
export const MAX_STORAGE_GIB = 65536;
/** Seed RDSBackupSchedule "1 AM UTC every day", as valid AWS cron. */
export const DEFAULT_BACKUP_SCHEDULE = "cron(0 1 * * ? *)";
/** Seed RDSBackupRetentionDays. */
export const DEFAULT_BACKUP_RETENTION_DAYS = 30;
/** Seed RDSBackupRetentionDays: "There is a limit of 100 snapshots per database." */
export const MAX_SNAPSHOTS_PER_DATABASE = 100;
/** The hour (UTC) backups start at when they are given as an interval: the seed's 1 AM. */
export const BACKUP_START_HOUR = 1;
/** Intervals (hours) that divide a day, so backups fall at the same hours every day. */
export const BACKUP_INTERVAL_HOURS = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** Previous-generation families RDS no longer offers, with the current family to use instead. */
const RETIRED_FAMILIES: Record<string, string> = {
  t1: "t4g",
  t2: "t4g",
  m1: "m7g",
  m2: "m7g",
  m3: "m7g",
  m4: "m7g",
  r3: "r7g",
  r4: "r7g",
  cr1: "r7g",
};

/** Sizes without Performance Insights (CKV_AWS_353 asks for it). */
const NO_PERFORMANCE_INSIGHTS = /^db\.t[34]g?\.(micro|small)$/;

/**
 * InstanceTypeRDS. Retired classes (the seed's db.t2.medium among them) are rejected with the
 * current equivalent; micro and small burstable sizes are rejected because they lack
 * Performance Insights.
 */
export function validateDbInstanceClass(value: string, field = "instanceClass"): void {
  const match = /^db\.([a-z0-9-]+)\.([a-z0-9]+)$/.exec(value);
  if (match === null) {
    throw new Error(
      `${field} "${value}" is not an RDS instance class: use db.<family>.<size>, such as ${DEFAULT_DB_INSTANCE_CLASS}`,
    );
  }
  const [, family, size] = match as unknown as [string, string, string];
  const replacement = RETIRED_FAMILIES[family];
  if (replacement !== undefined) {
    throw new Error(
      `${field} "${value}" is a retired RDS instance class (the previous-generation db.${family} family is no ` +
        `longer offered for new PostgreSQL instances); use a current class such as db.${replacement}.${size === "micro" || size === "small" ? "medium" : size} ` +
        `or the default ${DEFAULT_DB_INSTANCE_CLASS}`,
    );
  }
  if (NO_PERFORMANCE_INSIGHTS.test(value)) {
    throw new Error(
      `${field} "${value}" has no Performance Insights (micro and small burstable sizes lack it; the ` +
        "security controls require it): use db.t4g.medium or larger",
    );
  }
}

/** A PostgreSQL major (`17`) or major.minor (`17.6`) within RDS standard support. */
export function validatePostgresVersion(value: string, field = "engineVersion"): number {
  const match = /^(\d+)(\.\d+)?$/.exec(value);
  if (match === null) {
    throw new Error(
      `${field} "${value}" is not a PostgreSQL version: give a major such as "${DEFAULT_POSTGRES_VERSION}" (RDS picks the current minor) or major.minor`,
    );
  }
  const major = Number(match[1]);
  if (!(SUPPORTED_POSTGRES_MAJORS as readonly number[]).includes(major)) {
    const rule =
      major < SUPPORTED_POSTGRES_MAJORS[0]
        ? "is past the end of RDS standard support (RDS Extended Support is charged per vCPU-hour)"
        : "is not offered by RDS yet";
    throw new Error(
      `${field} "${value}": PostgreSQL ${major} ${rule}; use one of ${SUPPORTED_POSTGRES_MAJORS.join(", ")} (default ${DEFAULT_POSTGRES_VERSION})`,
    );
  }
  return major;
}

/** The major version of a valid version string. */
export function postgresMajor(version: string): number {
  return validatePostgresVersion(version);
}

/** Allocated storage and the storage-autoscaling ceiling. */
export function validateDbStorage(allocated: number, maxAllocated: number): void {
  validateIntBetween(
    "allocatedStorage",
    allocated,
    MIN_STORAGE_GIB,
    MAX_STORAGE_GIB,
    "GiB of gp3 storage RDS PostgreSQL accepts",
  );
  validateIntBetween(
    "maxAllocatedStorage",
    maxAllocated,
    MIN_STORAGE_GIB,
    MAX_STORAGE_GIB,
    "GiB; the storage-autoscaling ceiling",
  );
  const floor = Math.ceil((allocated * 11) / 10);
  if (maxAllocated < floor) {
    throw new Error(
      `maxAllocatedStorage ${maxAllocated} must be at least 10% above allocatedStorage ${allocated}, ` +
        `i.e. at least ${floor} GiB (RDS storage autoscaling needs that headroom)`,
    );
  }
}

const IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const RESERVED_USERNAMES = [
  "postgres",
  "admin",
  "administrator",
  "root",
  "rdsadmin",
  "rdsrepladmin",
  "master",
];
const RESERVED_DATABASES = ["postgres", "template0", "template1", "rdsadmin"];

/** The master user: not a well-known name (FSBP RDS.25). */
export function validateMasterUsername(value: string, field = "masterUsername"): void {
  if (!IDENTIFIER.test(value)) {
    throw new Error(
      `${field} "${value}" must be 1 to 63 letters, digits and underscores, starting with a letter`,
    );
  }
  if (RESERVED_USERNAMES.includes(value.toLowerCase())) {
    throw new Error(
      `${field} "${value}" is a default or reserved administrator name (FSBP RDS.25 asks for another); use e.g. "tdpadmin"`,
    );
  }
}

export function validateDatabaseName(value: string, field = "databaseName"): void {
  if (!IDENTIFIER.test(value)) {
    throw new Error(
      `${field} "${value}" must be 1 to 63 letters, digits and underscores, starting with a letter`,
    );
  }
  if (RESERVED_DATABASES.includes(value.toLowerCase())) {
    throw new Error(`${field} "${value}" is reserved by PostgreSQL or RDS`);
  }
}

const SNAPSHOT_ID = /^[A-Za-z](?!.*--)[A-Za-z0-9-]{0,254}(?<!-)$/;
const BACKUP_SNAPSHOT_ID = /^awsbackup:job-[0-9a-f-]{8,64}$/;
const SNAPSHOT_ARN = /^arn:aws[a-z-]*:rds:[a-z0-9-]+:\d{12}:snapshot:(.+)$/;

/**
 * RDSSnapShot: a DB snapshot identifier of this account, an AWS Backup recovery point
 * (`awsbackup:job-…`), or the ARN of a snapshot (another account's shared snapshot needs the ARN).
 */
export function validateSnapshotIdentifier(value: string, field = "snapshotIdentifier"): void {
  const arnMatch = SNAPSHOT_ARN.exec(value);
  const id = arnMatch ? arnMatch[1]! : value;
  if (!SNAPSHOT_ID.test(id) && !BACKUP_SNAPSHOT_ID.test(id)) {
    throw new Error(
      `${field} "${value}" is not a DB snapshot: give its identifier (a letter, then letters, digits and single hyphens), ` +
        "an AWS Backup recovery point (awsbackup:job-…) or arn:aws:rds:<region>:<account>:snapshot:<id>",
    );
  }
}

/** Enhanced monitoring granularity (FSBP RDS.6: on, so 0 is not allowed). */
export function validateMonitoringInterval(value: number, field = "monitoringIntervalSeconds"): void {
  if (![1, 5, 10, 15, 30, 60].includes(value)) {
    throw new Error(
      `${field} ${value} must be one of 1, 5, 10, 15, 30, 60 (enhanced monitoring stays on: FSBP RDS.6)`,
    );
  }
}

/** Performance Insights keeps 7 days free, or whole months (31-day multiples) up to 731 days. */
export function validatePerformanceInsightsRetention(
  value: number,
  field = "performanceInsightsRetentionDays",
): void {
  if (!(
    value === 7 ||
    value === 731 ||
    (Number.isInteger(value) && value % 31 === 0 && value >= 31 && value <= 713)
  )) {
    throw new Error(
      `${field} ${value} must be 7, a multiple of 31 up to 713, or 731 (Performance Insights' periods)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Backup schedules

const SIX_FIELDS =
  "AWS cron has six fields: minutes (0-59) hours (0-23) day-of-month (1-31, ?, L, W) month (1-12 or JAN-DEC) " +
  "day-of-week (1-7 or SUN-SAT, ?, L, #) year (1970-2199 or *), written cron(0 1 * * ? *) for 1 AM UTC every day; " +
  "one of day-of-month and day-of-week must be ?";

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** Special characters the field allows beyond `* , - /`. */
  specials: string;
}

const FIELDS: FieldSpec[] = [
  { name: "minutes", min: 0, max: 59, specials: "" },
  { name: "hours", min: 0, max: 23, specials: "" },
  { name: "day-of-month", min: 1, max: 31, specials: "?LW" },
  { name: "month", min: 1, max: 12, names: MONTHS, specials: "" },
  { name: "day-of-week", min: 1, max: 7, names: DAYS, specials: "?L#" },
  { name: "year", min: 1970, max: 2199, specials: "" },
];

/**
 * The values one cron field selects, or `"special"` for the day rules (L, W, #) that pick about
 * one day a month, `"any"` for `?`. Throws naming the field when it is malformed.
 */
function expandField(
  text: string,
  spec: FieldSpec,
  fail: (why: string) => never,
): number[] | "special" | "any" {
  if (text === "?") {
    if (!spec.specials.includes("?")) {
      fail(`? is allowed only in day-of-month and day-of-week, not in ${spec.name}`);
    }
    return "any";
  }
  if (/[LW#]/.test(text)) {
    const ok =
      (spec.name === "day-of-month" && /^(L|LW|\d{1,2}W|L-\d{1,2})$/.test(text)) ||
      (spec.name === "day-of-week" && /^([1-7]|[A-Z]{3})(L|#[1-5])$|^L$/.test(text));
    if (!ok) {
      fail(`"${text}" is not a valid ${spec.name} (L, W and # are for the day fields only)`);
    }
    return "special";
  }
  const value = (token: string): number => {
    const named = spec.names?.indexOf(token.toUpperCase()) ?? -1;
    const n = named >= 0 ? named + spec.min : /^\d+$/.test(token) ? Number(token) : NaN;
    if (!Number.isInteger(n) || n < spec.min || n > spec.max) {
      fail(`"${token}" is out of range for ${spec.name} (${spec.min}-${spec.max})`);
    }
    return n;
  };
  const selected = new Set<number>();
  for (const part of text.split(",")) {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
    if (m === null) {
      fail(`"${part}" is not a valid ${spec.name} value`);
    }
    const [, range, stepText] = m as unknown as [string, string, string | undefined];
    let lo: number;
    let hi: number;
    if (range === "*") {
      lo = spec.min;
      hi = spec.max;
    } else if (range.includes("-")) {
      const [a, b] = range.split("-") as [string, string];
      lo = value(a);
      hi = value(b);
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : spec.max;
    }
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) {
      fail(`the step in "${part}" must be at least 1`);
    }
    // A range may wrap (FRI-MON, 22-2).
    const span = hi >= lo ? hi - lo : hi + (spec.max - spec.min + 1) - lo;
    for (let i = 0; i <= span; i += step) {
      const v = lo + i;
      selected.add(v > spec.max ? v - (spec.max - spec.min + 1) : v);
    }
  }
  return [...selected].sort((a, b) => a - b);
}

/** What a valid backup schedule does: how often it runs, and which days. */
export interface BackupScheduleShape {
  /** The schedule expression, `cron(...)`. */
  expression: string;
  /** Backups on a day the schedule runs. */
  perDay: number;
  /** The day rule: every day, some days of the week, or some days of the month. */
  days: { kind: "every" } | { kind: "week"; count: number } | { kind: "month"; count: number };
}

/**
 * RDSBackupSchedule: a valid AWS cron expression, `cron(<six fields>)`. The seed's own text
 * `0 1 * ?` is not one (four fields, no `cron(...)`); the message says what the six fields are.
 * AWS Backup runs a plan at most once an hour, so the minutes field is a single value.
 */
export function parseBackupSchedule(value: string, field = "backupSchedule"): BackupScheduleShape {
  const fail = (why: string): never => {
    throw new Error(`${field} "${value}" is not a valid AWS Backup schedule: ${why}. ${SIX_FIELDS}`);
  };
  const trimmed = value.trim();
  if (/^rate\(/i.test(trimmed)) {
    fail(
      "AWS Backup plans take cron expressions only, not rate(); use backupIntervalHours for every N hours",
    );
  }
  const wrapped = /^cron\((.*)\)$/.exec(trimmed);
  const body = wrapped ? wrapped[1]!.trim() : trimmed;
  const parts = body.split(/\s+/).filter((p) => p.length > 0);
  if (parts.length !== 6) {
    fail(
      `it has ${parts.length} field${parts.length === 1 ? "" : "s"}${wrapped ? "" : " and no cron(...) around them"}`,
    );
  }
  if (!wrapped) {
    fail(`write it as cron(${parts.join(" ")})`);
  }
  const [minutes, hours, dom, , dow] = parts.map((p, i) => expandField(p, FIELDS[i]!, fail));
  if ((dom === "any") === (dow === "any")) {
    fail("exactly one of day-of-month and day-of-week must be ?");
  }
  if (!Array.isArray(minutes) || minutes.length !== 1) {
    fail("AWS Backup runs a plan at most once an hour, so minutes must be a single value");
  }
  if (!Array.isArray(hours)) {
    fail("hours must be values, ranges or steps");
  }
  const perDay = (hours as number[]).length;
  const dayField = dom === "any" ? dow : dom;
  const kind = dom === "any" ? "week" : "month";
  let days: BackupScheduleShape["days"];
  if (dayField === "special") {
    days = { kind: "month", count: 1 };
  } else {
    const count = (dayField as number[]).length;
    const all = kind === "week" ? 7 : 31;
    days = count >= all ? { kind: "every" } : { kind, count };
  }
  return { expression: `cron(${parts.join(" ")})`, perDay, days };
}

/** The schedule of a backup every `hours` hours from the seed's 1 AM UTC. */
export function intervalSchedule(hours: number): string {
  validateBackupIntervalHours(hours);
  if (hours === 1) {
    return "cron(0 * * * ? *)";
  }
  const at: number[] = [];
  for (let h = BACKUP_START_HOUR % hours; h < 24; h += hours) {
    at.push(h);
  }
  return `cron(0 ${at.join(",")} * * ? *)`;
}

/** RDSBackupInterval: hours between backups, dividing a day so every day looks the same. */
export function validateBackupIntervalHours(value: number, field = "backupIntervalHours"): void {
  if (!(BACKUP_INTERVAL_HOURS as readonly number[]).includes(value)) {
    throw new Error(
      `${field} ${value} must divide 24 (one of ${BACKUP_INTERVAL_HOURS.join(", ")}), so backups fall at the same hours every day`,
    );
  }
}

/** RDSBackupRetentionDays: AWS Backup keeps a recovery point at least a day; at most ten years here. */
export function validateBackupRetentionDays(value: number, field = "backupRetentionDays"): void {
  validateIntBetween(field, value, 1, 3650, "days AWS Backup keeps each snapshot");
}

/** The most days, among `retentionDays` consecutive days, on which the schedule runs. */
function runningDays(shape: BackupScheduleShape, retentionDays: number): number {
  switch (shape.days.kind) {
    case "every":
      return retentionDays;
    case "week":
      return Math.min(
        retentionDays,
        Math.floor(retentionDays / 7) * shape.days.count + Math.min(shape.days.count, retentionDays % 7),
      );
    case "month": {
      // Whole years hold 12 months; in the rest, months are at least 28 days long. Never an undercount.
      const months = Math.floor(retentionDays / 365) * 12 + Math.floor((retentionDays % 365) / 28) + 1;
      return Math.min(retentionDays, months * shape.days.count);
    }
  }
}

/** The most snapshots a schedule and retention keep at once. */
export function retainedSnapshots(shape: BackupScheduleShape, retentionDays: number): number {
  return shape.perDay * runningDays(shape, retentionDays);
}

/** Which schedule the backup settings resolve to. */
export interface BackupScheduleSettings {
  /** RDSBackupSchedule (AWS cron). */
  schedule?: string;
  /** RDSBackupInterval (hours). */
  intervalHours?: number;
  /** RDSBackupRetentionDays. @default 30 */
  retentionDays?: number;
}

/**
 * Checks the schedule and retention and returns the cron expression to use: the schedule, or
 * the interval's, or the seed's default (1 AM UTC daily). Enforces the seed's limit of 100
 * snapshots per database, with the arithmetic in the message.
 */
export function resolveBackupSchedule(settings: BackupScheduleSettings): string {
  if (settings.schedule !== undefined && settings.intervalHours !== undefined) {
    throw new Error(
      `give one of backupSchedule ("${settings.schedule}") and backupIntervalHours (${settings.intervalHours}), ` +
        "not both: the interval is a schedule every N hours from 1 AM UTC",
    );
  }
  const retention = settings.retentionDays ?? DEFAULT_BACKUP_RETENTION_DAYS;
  validateBackupRetentionDays(retention);
  let expression: string;
  let retained: number;
  let arithmetic: string;
  let field: string;
  if (settings.intervalHours !== undefined) {
    field = `backupIntervalHours ${settings.intervalHours}`;
    expression = intervalSchedule(settings.intervalHours);
    const perDay = 24 / settings.intervalHours;
    retained = perDay * retention;
    arithmetic = `every ${settings.intervalHours} h = ${perDay} per day × ${retention} days = ${retained}`;
  } else {
    const shape = parseBackupSchedule(settings.schedule ?? DEFAULT_BACKUP_SCHEDULE);
    field = `backupSchedule "${settings.schedule ?? DEFAULT_BACKUP_SCHEDULE}"`;
    expression = shape.expression;
    retained = retainedSnapshots(shape, retention);
    const days = runningDays(shape, retention);
    arithmetic =
      days === retention
        ? `${shape.perDay} per day × ${retention} days = ${retained}`
        : `${shape.perDay} per day × ${days} of ${retention} days = ${retained}`;
  }
  if (retained > MAX_SNAPSHOTS_PER_DATABASE) {
    throw new Error(
      `${field} with backupRetentionDays ${retention} keeps too many snapshots: ${arithmetic} > ` +
        `${MAX_SNAPSHOTS_PER_DATABASE}, the seed's limit per database; back up less often or keep snapshots fewer days`,
    );
  }
  return expression;
}

/** AWS Backup's start and completion windows (minutes). */
export function validateBackupWindows(startMinutes: number, completionMinutes: number): void {
  validateIntBetween(
    "startWindowMinutes",
    startMinutes,
    60,
    720,
    "AWS Backup needs at least an hour to start a job",
  );
  if (
    !Number.isInteger(completionMinutes) ||
    completionMinutes < startMinutes + 60 ||
    completionMinutes > 10080
  ) {
    throw new Error(
      `completionWindowMinutes ${completionMinutes} must be a whole number from startWindowMinutes + 60 (${startMinutes + 60}) to 10080 (AWS Backup's rule)`,
    );
  }
}
