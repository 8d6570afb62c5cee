/**
 * Pure validation of the web entry point (seed 001 Service Layer: PublicDomain, ExposedOnInternet,
 * NoDNSWeb, PublicDomainZoneId, Certificate and the planning option "Webserver Certificate").
 */

/** TLS 1.3 with TLS 1.2 fallback: the current AWS recommendation (FSBP ELB.17). */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** ALB policies that negotiate TLS 1.2 or newer only (FSBP ELB.17 / CKV_AWS_103). */
export const TLS12_PLUS_POLICIES = [
  "ELBSecurityPolicy-TLS13-1-2-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-Ext2-2021-06",
  "ELBSecurityPolicy-TLS13-1-3-2021-06",
  "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
  "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
  "ELBSecurityPolicy-TLS-1-2-2017-01",
  "ELBSecurityPolicy-TLS-1-2-Ext-2018-06",
  "ELBSecurityPolicy-FS-1-2-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2019-08",
  "ELBSecurityPolicy-FS-1-2-Res-2020-10",
] as const;

/** Key algorithms ACM issues public DNS-validated certificates with. */
export const ACM_REQUEST_KEY_ALGORITHMS = ["RSA_2048", "EC_prime256v1", "EC_secp384r1"] as const;
/** Key algorithms an imported certificate may have and still meet FSBP ACM.2. */
export const ACCEPTED_KEY_ALGORITHMS = [
  ...ACM_REQUEST_KEY_ALGORITHMS,
  "RSA_3072",
  "RSA_4096",
  "EC_secp521r1",
] as const;
export const DEFAULT_KEY_ALGORITHM = "RSA_2048";

export const DEFAULT_ACCESS_LOGS_PREFIX = "alb/web";

/** How the entry point serves and names itself, derived from the settings. */
export interface WebModes {
  /** "given": certificateArn; "created": ACM request with DNS validation; "none": plain HTTP (acknowledged). */
  certificate: "given" | "created" | "none";
  /** "created": a public zone for PublicDomain; "existing": PublicDomainZoneId; "none": NoDNSWeb. */
  zone: "created" | "existing" | "none";
  protocol: "https" | "http";
}

export interface WebSettings {
  /** Seed PublicDomain. */
  publicDomain: string;
  /** Seed PublicDomainZoneId. @default none: a zone is created unless noDnsWeb */
  publicDomainZoneId?: string;
  /** Seed NoDNSWeb. @default false */
  noDnsWeb?: boolean;
  /** Seed Certificate: an ACM certificate ARN covering the domain and api.<domain>. @default none: created */
  certificateArn?: string;
  /** Key algorithm of the created (or given) certificate; RSA_1024 is refused. @default "RSA_2048" */
  certificateKeyAlgorithm?: string;
  /** Acknowledges plain HTTP (seed: NoDNSWeb with no certificate). @default false */
  allowPlainHttp?: boolean;
  /** Listener TLS policy, TLS 1.2 or newer. @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  sslPolicy?: string;
  /** Networks admitted on 443/80; default 0.0.0.0/0 when internet-facing, else the VPC CIDR. */
  allowedCidrs?: string[];
  /** Idle timeout in seconds. @default 60 */
  idleTimeoutSeconds?: number;
  /** Access log prefix in the access-logs bucket. @default "alb/web" */
  accessLogsPrefix?: string;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
const ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const CERTIFICATE_ARN =
  /^arn:aws[a-z-]*:acm:([a-z]{2}(-gov)?-[a-z]+-\d):(\d{12}):certificate\/[0-9a-f-]{36}$/;
const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

function fail(field: string, value: unknown, rule: string): never {
  throw new Error(`${field} ${JSON.stringify(value)}: ${rule}`);
}

/** The certificate, zone and protocol the settings ask for (call after validation). */
export function webModes(settings: WebSettings): WebModes {
  const certificate = settings.certificateArn ? "given" : settings.noDnsWeb ? "none" : "created";
  const zone = settings.noDnsWeb ? "none" : settings.publicDomainZoneId ? "existing" : "created";
  return { certificate, zone, protocol: certificate === "none" ? "http" : "https" };
}

/** Refuses a certificate key below FSBP ACM.2's minimum (RSA 2048) with the reason. */
export function validateCertificateKeyAlgorithm(algorithm: string, created: boolean): void {
  if (/^RSA_?1024$/i.test(algorithm)) {
    fail(
      "certificateKeyAlgorithm",
      algorithm,
      "RSA 1024-bit keys are below current minimums: AWS Security Hub control ACM.2 requires RSA keys of at least 2048 bits, browsers and NIST SP 800-131A no longer accept 1024 bits, and ACM cannot issue them; use RSA_2048 (the seed's other option) or an EC key",
    );
  }
  const allowed: readonly string[] = created ? ACM_REQUEST_KEY_ALGORITHMS : ACCEPTED_KEY_ALGORITHMS;
  if (!allowed.includes(algorithm)) {
    fail(
      "certificateKeyAlgorithm",
      algorithm,
      created
        ? `ACM issues public DNS-validated certificates only with ${ACM_REQUEST_KEY_ALGORITHMS.join(", ")}`
        : `must be one of ${ACCEPTED_KEY_ALGORITHMS.join(", ")} (2048-bit RSA or stronger, FSBP ACM.2)`,
    );
  }
}

function isIpv4Cidr(value: string): boolean {
  const match = IPV4_CIDR.exec(value);
  if (!match) {
    return false;
  }
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255) || prefix > 32) {
    return false;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const hostBits = 2 ** (32 - prefix);
  return address % hostBits === 0;
}

/** Validates the web settings; `region` (when known) must match the certificate's. */
export function validateWebSettings(settings: WebSettings, region?: string): void {
  const domain = settings.publicDomain;
  if (typeof domain !== "string" || !DOMAIN.test(domain)) {
    fail(
      "publicDomain",
      domain,
      "must be a lowercase DNS name with at least two labels, such as tdp.example.com (seed PublicDomain)",
    );
  }
  if (`api.${domain}`.length > 253) {
    fail("publicDomain", domain, "is too long: api.<publicDomain> must fit DNS's 253 characters");
  }
  if (settings.publicDomainZoneId !== undefined && !ZONE_ID.test(settings.publicDomainZoneId)) {
    fail("publicDomainZoneId", settings.publicDomainZoneId, "must be a Route53 hosted zone id (Z...)");
  }
  if (settings.noDnsWeb && settings.publicDomainZoneId !== undefined) {
    fail(
      "publicDomainZoneId",
      settings.publicDomainZoneId,
      "is given with noDnsWeb: true; NoDNSWeb creates no public records and uses no zone, so leave one of them out",
    );
  }
  if (settings.certificateArn !== undefined) {
    const match = CERTIFICATE_ARN.exec(settings.certificateArn);
    if (!match) {
      fail(
        "certificateArn",
        settings.certificateArn,
        "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<uuid>)",
      );
    }
    if (region !== undefined && match[1] !== region) {
      fail(
        "certificateArn",
        settings.certificateArn,
        `is in ${match[1]}, but a load balancer can only use an ACM certificate of its own region (${region})`,
      );
    }
  }
  const modes = webModes(settings);
  validateCertificateKeyAlgorithm(
    settings.certificateKeyAlgorithm ?? DEFAULT_KEY_ALGORITHM,
    modes.certificate === "created",
  );
  if (modes.certificate === "none" && settings.allowPlainHttp !== true) {
    fail(
      "allowPlainHttp",
      settings.allowPlainHttp ?? false,
      "noDnsWeb is true and no certificateArn is given, so the web UI would be served over unencrypted HTTP (seed NoDNSWeb); give a certificateArn, or set allowPlainHttp: true to acknowledge plain HTTP (an allow-listed policy exception)",
    );
  }
  if (modes.certificate !== "none" && settings.allowPlainHttp === true) {
    fail(
      "allowPlainHttp",
      true,
      "only applies with noDnsWeb: true and no certificateArn; HTTPS is available here, so remove it",
    );
  }
  const policy = settings.sslPolicy ?? DEFAULT_SSL_POLICY;
  if (!(TLS12_PLUS_POLICIES as readonly string[]).includes(policy)) {
    fail(
      "sslPolicy",
      policy,
      `must be an ALB security policy allowing TLS 1.2 or newer only (FSBP ELB.17), such as ${DEFAULT_SSL_POLICY}`,
    );
  }
  (settings.allowedCidrs ?? []).forEach((cidr, index) => {
    if (!isIpv4Cidr(cidr)) {
      fail(`allowedCidrs[${index}]`, cidr, "must be an IPv4 CIDR block a.b.c.d/n with no host bits set");
    }
  });
  const idle = settings.idleTimeoutSeconds ?? 60;
  if (!Number.isInteger(idle) || idle < 1 || idle > 4000) {
    fail("idleTimeoutSeconds", idle, "must be a whole number of seconds from 1 to 4000");
  }
  const prefix = settings.accessLogsPrefix ?? DEFAULT_ACCESS_LOGS_PREFIX;
  if (!/^[a-zA-Z0-9!_.*'()-]+(\/[a-zA-Z0-9!_.*'()-]+)*$/.test(prefix) || /AWSLogs/i.test(prefix)) {
    fail(
      "accessLogsPrefix",
      prefix,
      "must be an S3 key prefix without leading or trailing / and without AWSLogs (ELB appends /AWSLogs/<account>/ itself)",
    );
  }
}
