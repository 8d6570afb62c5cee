/**
 * Pure checks of the OpenSearch domain's settings (seed 001 EsMasterInstanceType,
 * EsDatanodeInstanceType, EsDatanodeInstanceCount, EsDatanodeVolumeSize, EsBackupInterval), shared
 * by {@link SearchDomain} and the stack's `tdp:data.search` schema. Each throws an Error naming the
 * field, the value and the rule.
 */

/**
 * The engine version a new domain gets: the newest 2.x line, the one the platform's OpenSearch
 * clients are built against. 3.x is accepted through `engineVersion` once the clients support it.
 */
export const DEFAULT_SEARCH_ENGINE_VERSION = "OpenSearch_2.19";

/**
 * The seed's default data node type, m4.large.elasticsearch, is a previous-generation family
 * without gp3 volumes: its successor on Graviton is the default.
 */
export const DEFAULT_DATA_INSTANCE_TYPE = "m6g.large.search";
/**
 * The seed's EsMasterInstanceType is t3.medium.elasticsearch (accepted: it maps to
 * t3.medium.search); AWS's dedicated-master guidance advises against burstable T3 masters in
 * production (a master out of CPU credits stalls the whole cluster), hence this default.
 */
export const DEFAULT_MASTER_INSTANCE_TYPE = "m6g.large.search";
export const DEFAULT_DATA_INSTANCE_COUNT = 3;
export const DEFAULT_MASTER_INSTANCE_COUNT = 3;
/** Seed EsDatanodeVolumeSize. */
export const DEFAULT_VOLUME_SIZE_GIB = 100;
/** Seed EsBackupInterval. */
export const DEFAULT_SNAPSHOT_INTERVAL_HOURS = 6;
export const DEFAULT_SNAPSHOT_RETENTION_DAYS = 14;
export const DEFAULT_MINIMUM_SNAPSHOTS = 4;

/** The smallest gp3 volume OpenSearch Service attaches to a data node. */
export const MIN_VOLUME_SIZE_GIB = 10;

/**
 * Largest EBS volume per data node by instance size (OpenSearch Service developer guide, "EBS
 * volume size quotas"), for the current-generation EBS families this component accepts. The
 * Graviton families (c6g, m6g, r6g and their 7th generation) share the limits of c5, m5 and r5.
 */
const MAX_VOLUME_GIB: Record<"c" | "m" | "r" | "t", Record<string, number>> = {
  c: {
    large: 256,
    xlarge: 512,
    "2xlarge": 1024,
    "4xlarge": 1536,
    "8xlarge": 3072,
    "9xlarge": 3584,
    "12xlarge": 4608,
    "16xlarge": 6144,
    "18xlarge": 7168,
  },
  m: {
    large: 512,
    xlarge: 1024,
    "2xlarge": 1536,
    "4xlarge": 3072,
    "8xlarge": 6144,
    "12xlarge": 9216,
    "16xlarge": 12288,
    "24xlarge": 18432,
  },
  r: {
    large: 1024,
    xlarge: 1536,
    "2xlarge": 3072,
    "4xlarge": 6144,
    "8xlarge": 8192,
    "12xlarge": 12288,
    "16xlarge": 16384,
    "24xlarge": 24576,
  },
  t: { small: 100, medium: 200 },
};

/** Current-generation families with EBS storage, and which size table applies. */
const CURRENT_FAMILIES: Record<string, "c" | "m" | "r" | "t"> = {
  c5: "c",
  c6g: "c",
  c7g: "c",
  m5: "m",
  m6g: "m",
  m7g: "m",
  r5: "r",
  r6g: "r",
  r7g: "r",
  t3: "t",
};

/**
 * Previous-generation families (still listed by OpenSearch Service for old domains, but without
 * gp3 volumes, and for some without encryption at rest) and their current successor.
 */
const PREVIOUS_GENERATION: Record<string, string> = {
  m3: "m5",
  m4: "m5",
  c4: "c5",
  r3: "r5",
  r4: "r5",
  t2: "t3",
  i2: "r6g",
};

/** Families whose nodes keep data on instance storage: this component's domain uses gp3 EBS. */
const INSTANCE_STORE_FAMILIES = ["i3", "i4g", "i4i", "im4gn", "r6gd", "r7gd"];

/** The size a previous-generation size becomes in its successor family (sizes that do not exist there). */
const SUCCESSOR_SIZE: Record<string, string> = { medium: "large", "10xlarge": "12xlarge" };

/** Whether burstable (T) instances: no Auto-Tune on them. */
export function isBurstableSearchInstanceType(instanceType: string): boolean {
  return /^t\d/.test(instanceType);
}

/**
 * The seed's instance type names (`m5.large.elasticsearch`) map to OpenSearch's (`m5.large.search`):
 * the service renamed them with the engine; the instance is the same. Returns the `.search` name
 * after checking that the family is a current-generation EBS family this domain can use.
 */
export function normalizeSearchInstanceType(field: string, value: string): string {
  const match = /^([a-z0-9]+)\.([a-z0-9]+)\.(search|elasticsearch)$/.exec(value);
  if (!match) {
    throw new Error(
      `${field} "${value}" is not an OpenSearch instance type (<family>.<size>.search, e.g. m6g.large.search; the seed's <family>.<size>.elasticsearch names are accepted)`,
    );
  }
  const [, family, size] = match as unknown as [string, string, string];
  const successor = PREVIOUS_GENERATION[family];
  if (successor !== undefined) {
    const successorSize =
      successor === "r6g"
        ? "large"
        : successor === "t3"
          ? size === "small" || size === "medium"
            ? size
            : size === "micro" || size === "nano"
              ? "small"
              : "medium"
          : successor === "c5" && size === "8xlarge"
            ? "9xlarge"
            : (SUCCESSOR_SIZE[size] ?? size);
    throw new Error(
      `${field} "${value}": ${family} is a previous-generation OpenSearch family without gp3 volumes; use ${successor}.${successorSize}.search` +
        (successor === "m5" || successor === "r5" || successor === "c5"
          ? ` (or ${successor[0]}6g.${successorSize}.search on Graviton)`
          : ""),
    );
  }
  if (INSTANCE_STORE_FAMILIES.includes(family)) {
    throw new Error(
      `${field} "${value}": ${family} keeps data on instance storage; this domain uses gp3 EBS volumes, so use an EBS family (${Object.keys(CURRENT_FAMILIES).join(", ")})`,
    );
  }
  const table = CURRENT_FAMILIES[family];
  if (table === undefined) {
    throw new Error(
      `${field} "${value}": unknown instance family "${family}"; use one of ${Object.keys(CURRENT_FAMILIES).join(", ")}`,
    );
  }
  if (MAX_VOLUME_GIB[table][size] === undefined) {
    throw new Error(
      `${field} "${value}": ${family} has no size "${size}" in OpenSearch Service; sizes: ${Object.keys(MAX_VOLUME_GIB[table]).join(", ")}`,
    );
  }
  return `${family}.${size}.search`;
}

/** The largest gp3 volume a data node of `instanceType` (a `.search` name) takes. */
export function maxVolumeSizeGiB(instanceType: string): number {
  const normalized = normalizeSearchInstanceType("dataInstanceType", instanceType);
  const [family, size] = normalized.split(".") as [string, string];
  return MAX_VOLUME_GIB[CURRENT_FAMILIES[family]!][size]!;
}

/** gp3 volume per data node: from 10 GiB to the instance size's quota. */
export function validateVolumeSizeGiB(field: string, size: number, dataInstanceType: string): void {
  const max = maxVolumeSizeGiB(dataInstanceType);
  if (!Number.isInteger(size) || size < MIN_VOLUME_SIZE_GIB || size > max) {
    throw new Error(
      `${field} ${size} must be a whole number of GiB from ${MIN_VOLUME_SIZE_GIB} to ${max} (the EBS quota per ${normalizeSearchInstanceType("dataInstanceType", dataInstanceType)} node)`,
    );
  }
}

/** Zone awareness spreads the domain over 2 or 3 zones: the network's. */
export function validateSearchAvailabilityZoneCount(field: string, count: number): void {
  if (count !== 2 && count !== 3) {
    throw new Error(`${field} ${count} must be 2 or 3 (OpenSearch zone awareness spans 2 or 3 zones)`);
  }
}

/**
 * Data nodes: at least 3 (FSBP Opensearch.6), at most 80 (the service's default quota), and a
 * multiple of the zone count so that every zone holds the same number of nodes and replicas.
 */
export function validateDataInstanceCount(field: string, count: number, availabilityZoneCount: number): void {
  if (!Number.isInteger(count) || count < 3 || count > 80) {
    throw new Error(
      `${field} ${count} must be a whole number from 3 to 80 (FSBP Opensearch.6 asks for at least 3 data nodes)`,
    );
  }
  if (count % availabilityZoneCount !== 0) {
    const below = Math.floor(count / availabilityZoneCount) * availabilityZoneCount;
    const above = Math.ceil(count / availabilityZoneCount) * availabilityZoneCount;
    throw new Error(
      `${field} ${count} is not a multiple of the ${availabilityZoneCount} availability zones the domain spans; use ${below >= 3 ? `${below} or ${above}` : above}`,
    );
  }
}

/** Dedicated masters: 3 or 5 (a quorum survives one zone; FSBP ES.7 asks for at least 3). */
export function validateMasterInstanceCount(field: string, count: number): void {
  if (count !== 3 && count !== 5) {
    throw new Error(
      `${field} ${count} must be 3 or 5 dedicated master nodes (an odd quorum that survives a zone; FSBP ES.7 asks for at least 3)`,
    );
  }
}

/** `OpenSearch_<major>.<minor>`, 2.x or later (Elasticsearch versions and 1.x are out of support). */
export function validateSearchEngineVersion(field: string, version: string): void {
  const match = /^OpenSearch_(\d+)\.(\d+)$/.exec(version);
  if (!match || Number(match[1]) < 2) {
    throw new Error(
      `${field} "${version}" must be OpenSearch_<major>.<minor>, 2.x or later (e.g. ${DEFAULT_SEARCH_ENGINE_VERSION}); Elasticsearch and OpenSearch 1.x engines are out of standard support`,
    );
  }
}

/**
 * Seed EsBackupInterval: hours between snapshots, a divisor of 24 so that the snapshots fall at
 * the same times every day (`cron(0 0/<h> * * ? *)`).
 */
export function validateSnapshotIntervalHours(field: string, hours: number): void {
  if (!Number.isInteger(hours) || hours < 1 || hours > 24 || 24 % hours !== 0) {
    throw new Error(
      `${field} ${hours} must be a whole number of hours dividing 24 (1, 2, 3, 4, 6, 8, 12 or 24), so the snapshots fall at the same times each day`,
    );
  }
}

export function validateSnapshotRetention(
  retentionDays: number,
  minimumSnapshots: number,
  intervalHours: number,
  fields = { retentionDays: "snapshotRetentionDays", minimumSnapshots: "minimumSnapshots" },
): void {
  if (!Number.isInteger(retentionDays) || retentionDays < 1 || retentionDays > 365) {
    throw new Error(`${fields.retentionDays} ${retentionDays} must be a whole number of days from 1 to 365`);
  }
  if (!Number.isInteger(minimumSnapshots) || minimumSnapshots < 1 || minimumSnapshots > 100) {
    throw new Error(
      `${fields.minimumSnapshots} ${minimumSnapshots} must be a whole number from 1 to 100 (the newest snapshots kept whatever their age)`,
    );
  }
  const perRetention = Math.floor((retentionDays * 24) / intervalHours);
  if (perRetention > 1000) {
    throw new Error(
      `${fields.retentionDays} ${retentionDays} at one snapshot every ${intervalHours} h keeps ${retentionDays} × 24 / ${intervalHours} = ${perRetention} snapshots; keep at most 1000 (listing and deleting slow down beyond that)`,
    );
  }
}

/** The S3 prefix of the snapshot repository: relative, no leading or trailing slash. */
export function validateSnapshotBasePath(field: string, value: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9_.-]+)*$/.test(value) || value.length > 200) {
    throw new Error(
      `${field} "${value}" must be a relative S3 prefix without leading or trailing "/" (letters, digits, _ . - and /)`,
    );
  }
}

/** What {@link validateSearchSettings} checks: the seed-level settings of the domain. */
export interface SearchSettings {
  masterInstanceType?: string;
  masterInstanceCount?: number;
  dataInstanceType?: string;
  dataInstanceCount?: number;
  volumeSizeGiB?: number;
  engineVersion?: string;
  snapshotIntervalHours?: number;
  snapshotRetentionDays?: number;
  minimumSnapshots?: number;
  snapshotBasePath?: string;
}

/**
 * Every rule of the settings, each failure as `{ path, message }` (the stack turns them into
 * `tdp:data.search.<path>` problems; the component throws the first). With the zone count
 * undefined (not known where the settings are read), the data node count is checked for its
 * range only.
 */
export function searchSettingsProblems(
  settings: SearchSettings,
  availabilityZoneCount: number | undefined,
): { path: keyof SearchSettings | "availabilityZoneCount"; message: string }[] {
  const problems: { path: keyof SearchSettings | "availabilityZoneCount"; message: string }[] = [];
  const run = (path: keyof SearchSettings | "availabilityZoneCount", check: () => void): boolean => {
    try {
      check();
      return true;
    } catch (err) {
      problems.push({ path, message: (err as Error).message });
      return false;
    }
  };
  const zonesOk =
    availabilityZoneCount === undefined ||
    run("availabilityZoneCount", () =>
      validateSearchAvailabilityZoneCount("availabilityZoneCount", availabilityZoneCount),
    );
  run("masterInstanceType", () =>
    normalizeSearchInstanceType(
      "masterInstanceType",
      settings.masterInstanceType ?? DEFAULT_MASTER_INSTANCE_TYPE,
    ),
  );
  run("masterInstanceCount", () =>
    validateMasterInstanceCount(
      "masterInstanceCount",
      settings.masterInstanceCount ?? DEFAULT_MASTER_INSTANCE_COUNT,
    ),
  );
  const dataType = settings.dataInstanceType ?? DEFAULT_DATA_INSTANCE_TYPE;
  const dataTypeOk = run("dataInstanceType", () => normalizeSearchInstanceType("dataInstanceType", dataType));
  if (zonesOk) {
    run("dataInstanceCount", () =>
      validateDataInstanceCount(
        "dataInstanceCount",
        settings.dataInstanceCount ?? DEFAULT_DATA_INSTANCE_COUNT,
        availabilityZoneCount ?? 1,
      ),
    );
  }
  if (dataTypeOk) {
    run("volumeSizeGiB", () =>
      validateVolumeSizeGiB("volumeSizeGiB", settings.volumeSizeGiB ?? DEFAULT_VOLUME_SIZE_GIB, dataType),
    );
  }
  run("engineVersion", () =>
    validateSearchEngineVersion("engineVersion", settings.engineVersion ?? DEFAULT_SEARCH_ENGINE_VERSION),
  );
  const interval = settings.snapshotIntervalHours ?? DEFAULT_SNAPSHOT_INTERVAL_HOURS;
  const intervalOk = run("snapshotIntervalHours", () =>
    validateSnapshotIntervalHours("snapshotIntervalHours", interval),
  );
  if (intervalOk) {
    const retention = settings.snapshotRetentionDays ?? DEFAULT_SNAPSHOT_RETENTION_DAYS;
    const minimum = settings.minimumSnapshots ?? DEFAULT_MINIMUM_SNAPSHOTS;
    // Report on the field that breaks its own range, else on the retention (the product rule).
    let path: keyof SearchSettings = "snapshotRetentionDays";
    if (
      !(Number.isInteger(minimum) && minimum >= 1 && minimum <= 100) &&
      Number.isInteger(retention) &&
      retention >= 1 &&
      retention <= 365
    ) {
      path = "minimumSnapshots";
    }
    run(path, () => validateSnapshotRetention(retention, minimum, interval));
  }
  if (settings.snapshotBasePath !== undefined) {
    run("snapshotBasePath", () => validateSnapshotBasePath("snapshotBasePath", settings.snapshotBasePath!));
  }
  return problems;
}

/** Throws the first problem of {@link searchSettingsProblems}. */
export function validateSearchSettings(settings: SearchSettings, availabilityZoneCount: number): void {
  const [first] = searchSettingsProblems(settings, availabilityZoneCount);
  if (first !== undefined) {
    throw new Error(first.message);
  }
}
