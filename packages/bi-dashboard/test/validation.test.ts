import * as assert from "node:assert/strict";

import type { BiDashboardSettings } from "../src";
import {
  DEFAULT_INSTANCE_TYPE,
  checkBiDashboardSettings,
  formatSettingProblem,
  rotationEventPattern,
  validateBiDashboardArgs,
} from "../src";
import { CERTIFICATE_ARN, goodArgs, goodSettings } from "./fixtures";

function problemsOf(overrides: Partial<BiDashboardSettings>): string[] {
  return checkBiDashboardSettings({ ...goodSettings(), ...overrides }).problems.map(formatSettingProblem);
}

describe("BiDashboard settings validation", () => {
  it("accepts the defaults and resolves the seed's values", () => {
    const { resolved, problems } = checkBiDashboardSettings(goodSettings());
    assert.deepEqual(problems, []);
    assert.equal(resolved.instances.instanceType, DEFAULT_INSTANCE_TYPE);
    assert.equal(resolved.instances.rootVolumeSizeGiB, 15);
    assert.deepEqual(
      [resolved.scaling.minSize, resolved.scaling.maxSize, resolved.scaling.desiredCapacity],
      [1, 5, 1],
    );
    assert.equal(resolved.scaling.scaleOutCpuPercent, 70);
    assert.equal(resolved.scaling.scaleInCpuPercent, 20);
    assert.equal(resolved.database.instanceClass, "db.t3.small");
    assert.equal(resolved.database.engineVersion, "11.4");
    assert.equal(resolved.database.parameterGroupFamily, "mariadb11.4");
    assert.equal(resolved.database.rotationDays, 30);
    assert.equal(resolved.database.backupRetentionDays, 7);
    assert.equal(resolved.loadBalancer.sslPolicy, "ELBSecurityPolicy-TLS13-1-2-2021-06");
    assert.equal(resolved.efs.permissions, "0750");
    assert.equal(resolved.createVpcEndpoints, true);
  });

  it("restores the reference's behaviour by default (idle timeout, health check, alarm periods, lifetime) and the image's layout", () => {
    const { resolved } = checkBiDashboardSettings(goodSettings());
    assert.equal(resolved.loadBalancer.idleTimeoutSeconds, 2000);
    assert.deepEqual(resolved.loadBalancer.healthCheck, {
      intervalSeconds: 65,
      timeoutSeconds: 60,
      healthyThreshold: 4,
      unhealthyThreshold: 4,
    });
    assert.equal(resolved.loadBalancer.targetProtocol, "HTTPS");
    assert.deepEqual(
      [
        resolved.scaling.scaleOutPeriodSeconds,
        resolved.scaling.scaleOutEvaluationPeriods,
        resolved.scaling.scaleInPeriodSeconds,
        resolved.scaling.scaleInEvaluationPeriods,
      ],
      [60, 1, 60, 2],
    );
    assert.equal(resolved.scaling.maxInstanceLifetimeDays, 30);
    assert.deepEqual(resolved.dashboardService, {
      dashboardEnvFile: "/var/panintelligence/dashboard.env",
      schedulerEnvFile: "/var/panintelligence/scheduler.env",
      serviceUnits: ["panintelligence.service"],
      dbTlsEnv: {},
    });
    assert.equal(resolved.database.appUsername, "pi_app");
    assert.ok(
      !resolved.database.appPrivileges.some((p) => /ALL|SUPER|FILE|GRANT|PROCESS|CREATE USER/.test(p)),
    );
  });

  it("defaults the storage-autoscaling ceiling to 10% above a large allocated storage (RDS refuses a closer one)", () => {
    const { resolved, problems } = checkBiDashboardSettings({
      ...goodSettings(),
      database: { allocatedStorageGiB: 200 },
    });
    assert.deepEqual(problems, []);
    assert.equal(resolved.database.maxAllocatedStorageGiB, 220);
    assert.equal(checkBiDashboardSettings(goodSettings()).resolved.database.maxAllocatedStorageGiB, 100);
  });

  it("accepts t3a.medium, db.t3.micro and 10.11 (seed tables, older LTS)", () => {
    const { resolved, problems } = checkBiDashboardSettings({
      ...goodSettings(),
      instances: { amiId: "ami-0123456789abcdef0", instanceType: "t3a.medium" },
      database: { instanceClass: "db.t3.micro", engineVersion: "10.11" },
    });
    assert.deepEqual(problems, []);
    assert.equal(resolved.database.parameterGroupFamily, "mariadb10.11");
  });

  const bad: [string, Partial<BiDashboardSettings>, string][] = [
    [
      "AMI id missing",
      { instances: {} as BiDashboardSettings["instances"] },
      "instances.amiId: (missing) — required: the Panintelligence Marketplace AMI id of this region (subscribe in AWS Marketplace first; see the package README)",
    ],
    [
      "AMI id invalid",
      { instances: { amiId: "ami-12345" } },
      'instances.amiId: "ami-12345" — must be an AMI id: ami- followed by 8 or 17 hexadecimal digits',
    ],
    [
      "instance type not allowed",
      { instances: { amiId: "ami-0123456789abcdef0", instanceType: "t2.micro" } },
      'instances.instanceType: "t2.micro" — must be one of t3.medium, t3a.medium,',
    ],
    [
      "root volume below 15 GiB",
      { instances: { amiId: "ami-0123456789abcdef0", rootVolumeSizeGiB: 8 } },
      "instances.rootVolumeSizeGiB: 8 — must be a whole number of GiB from 15 (seed 004 minimum) to 16384",
    ],
    [
      "min greater than max",
      { scaling: { minSize: 4, maxSize: 2 } },
      "scaling.minSize: 4 — must not exceed maxSize (2)",
    ],
    [
      "min equal to max (the reference's min=max=1)",
      { scaling: { minSize: 1, maxSize: 1 } },
      "scaling.maxSize: 1 — must be greater than minSize (1), or the CPU scaling policies can never act (the reference's min=max=1)",
    ],
    [
      "desired outside the range",
      { scaling: { minSize: 1, maxSize: 5, desiredCapacity: 6 } },
      "scaling.desiredCapacity: 6 — must be a whole number between minSize (1) and maxSize (5)",
    ],
    [
      "scale-in threshold above scale-out",
      { scaling: { scaleOutCpuPercent: 50, scaleInCpuPercent: 60 } },
      "scaling.scaleInCpuPercent: 60 — must be below scaleOutCpuPercent (50), or the group would scale in and out in turn",
    ],
    [
      "RSA 1024 certificate",
      {
        loadBalancer: {
          domainName: "bi.example.com",
          hostedZoneId: "Z0123456789ABCDEFGHIJ",
          certificateKeyAlgorithm: "RSA_1024",
        },
      },
      'loadBalancer.certificateKeyAlgorithm: "RSA_1024" — RSA 1024-bit keys are refused: they can be factored with today\'s means and ACM.2 requires RSA keys of at least 2048 bits; use RSA_2048 or an EC key',
    ],
    [
      "no certificate and no domain to create one",
      { loadBalancer: {} },
      "loadBalancer.certificateArn: (missing) — HTTPS needs a certificate: give certificateArn, or domainName and hostedZoneId to create and validate one in ACM",
    ],
    [
      "TLS 1.0 listener policy (the reference's 2016-08)",
      {
        loadBalancer: {
          certificateArn:
            "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
          sslPolicy: "ELBSecurityPolicy-2016-08",
        },
      },
      'loadBalancer.sslPolicy: "ELBSecurityPolicy-2016-08" — must be a TLS 1.2+ policy (ELB.17; the reference\'s 2016-08 policy allows TLS 1.0)',
    ],
    [
      "rotation days out of range",
      { database: { rotationDays: 120 } },
      "database.rotationDays: 120 — must be a whole number of days from 1 to 90 (seed 004: 30; SecretsManager.4 requires rotation within 90 days)",
    ],
    [
      "rotation days zero",
      { database: { rotationDays: 0 } },
      "database.rotationDays: 0 — must be a whole number of days from 1 to 90",
    ],
    [
      "bad DB class",
      { database: { instanceClass: "db.t2.small" } },
      'database.instanceClass: "db.t2.small" — must be one of db.t3.micro, db.t3.small,',
    ],
    [
      "a storage-autoscaling ceiling equal to the allocated storage",
      { database: { allocatedStorageGiB: 200, maxAllocatedStorageGiB: 200 } },
      "database.maxAllocatedStorageGiB: 200 — must be a whole number of GiB from 10% above allocatedStorageGiB (200), i.e. 220, to 65536",
    ],
    [
      "a storage-autoscaling ceiling less than 10% above the allocated storage",
      { database: { allocatedStorageGiB: 100, maxAllocatedStorageGiB: 105 } },
      "database.maxAllocatedStorageGiB: 105 — must be a whole number of GiB from 10% above allocatedStorageGiB (100), i.e. 110,",
    ],
    [
      "backup retention below 7 days (the reference's 1)",
      { database: { backupRetentionDays: 1 } },
      "database.backupRetentionDays: 1 — must be a whole number of days from 7 to 35 (RDS.11; the reference kept 1 day)",
    ],
    [
      "engine version that is not an LTS RDS supports",
      { database: { engineVersion: "10.6" } },
      'database.engineVersion: "10.6" — must be a MariaDB LTS major version RDS supports: 10.11, 11.4, 11.8',
    ],
    [
      "default admin user name",
      { database: { username: "admin" } },
      'database.username: "admin" — must not be a default or reserved name',
    ],
    [
      "EFS access point owned by root",
      { efs: { ownerUid: 0 } },
      "efs.ownerUid: 0 — must be a whole number from 1 (root, uid 0, is refused) to 4294967294",
    ],
    [
      "EFS world-writable (the reference's 0777)",
      { efs: { permissions: "0777" } },
      'efs.permissions: "0777" — must give others no access (the reference\'s 0777 let any NFS client write); use 0750 or 0770',
    ],
    [
      "sync timeout of 15 s (the reference's)",
      { sync: { timeoutSeconds: 15 } },
      "sync.timeoutSeconds: 15 — must be a whole number of seconds from 60 to 900",
    ],
    [
      "deployment name with capitals",
      { deploymentName: "BI" },
      'deploymentName: "BI" — must be 2 to 16 lowercase letters, digits and hyphens',
    ],
    [
      "internal load balancer open to the internet",
      {
        loadBalancer: {
          certificateArn:
            "arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012",
          allowedCidrs: ["0.0.0.0/0"],
        },
      },
      'loadBalancer.allowedCidrs[0]: "0.0.0.0/0" — an internal load balancer must not admit the whole internet',
    ],
    [
      "log retention CloudWatch does not offer",
      { logRetentionDays: 10 },
      "logRetentionDays: 10 — must be one of the retention periods CloudWatch Logs accepts",
    ],
    [
      "a single private subnet",
      { privateSubnetCount: 1 },
      "privateSubnetIds: 1 — at least 2 private subnets in different availability zones are required",
    ],
    [
      "env file path with ..",
      { dashboardService: { dashboardEnvFile: "/opt/../etc/passwd" } },
      'dashboardService.dashboardEnvFile: "/opt/../etc/passwd" — must be an absolute path without spaces or ..',
    ],
    [
      "one env file for dashboard and scheduler",
      { dashboardService: { schedulerEnvFile: "/var/panintelligence/dashboard.env" } },
      'dashboardService.schedulerEnvFile: "/var/panintelligence/dashboard.env" — must differ from dashboardEnvFile',
    ],
    [
      "no service unit",
      { dashboardService: { serviceUnits: [] } },
      "dashboardService.serviceUnits: [] — must list the unit that runs the dashboard",
    ],
    [
      "a DB TLS setting that overrides a written one",
      { dashboardService: { dbTlsEnv: { PI_DB_PASSWORD: "x" } } },
      'dashboardService.dbTlsEnv.PI_DB_PASSWORD: "PI_DB_PASSWORD" — must be an upper-case variable name',
    ],
    [
      "a DB TLS setting with shell characters",
      { dashboardService: { dbTlsEnv: { PI_DB_SSL: "$(reboot)" } } },
      'dashboardService.dbTlsEnv.PI_DB_SSL: "$(reboot)" — must be up to 256 letters',
    ],
    [
      "a plain-text target protocol other than HTTP/HTTPS",
      { loadBalancer: { certificateArn: CERTIFICATE_ARN, targetProtocol: "TCP" as "HTTP" } },
      'loadBalancer.targetProtocol: "TCP" — must be HTTPS or HTTP',
    ],
    [
      "a health check timeout not below its interval",
      {
        loadBalancer: {
          certificateArn: CERTIFICATE_ARN,
          healthCheck: { intervalSeconds: 30, timeoutSeconds: 30 },
        },
      },
      "loadBalancer.healthCheck.timeoutSeconds: 30 — must be a whole number of seconds from 2 to 120 and below intervalSeconds (30)",
    ],
    [
      "a health check every 2 seconds",
      {
        loadBalancer: {
          certificateArn: CERTIFICATE_ARN,
          healthCheck: { intervalSeconds: 2, timeoutSeconds: 1 },
        },
      },
      "loadBalancer.healthCheck.intervalSeconds: 2 — must be a whole number of seconds from 5 to 300",
    ],
    [
      "a health check threshold of 1",
      { loadBalancer: { certificateArn: CERTIFICATE_ARN, healthCheck: { unhealthyThreshold: 1 } } },
      "loadBalancer.healthCheck.unhealthyThreshold: 1 — must be a whole number from 2 to 10",
    ],
    [
      "a scaling period that is not whole minutes",
      { scaling: { scaleOutPeriodSeconds: 90 } },
      "scaling.scaleOutPeriodSeconds: 90 — must be a multiple of 60 seconds",
    ],
    [
      "no evaluation period",
      { scaling: { scaleInEvaluationPeriods: 0 } },
      "scaling.scaleInEvaluationPeriods: 0 — must be a whole number from 1 to 10",
    ],
    [
      "a maximum instance lifetime below a day",
      { scaling: { maxInstanceLifetimeDays: 0.5 } },
      "scaling.maxInstanceLifetimeDays: 0.5 — must be 0 (off) or a whole number of days from 1 to 365",
    ],
    [
      "an application user named like the master user",
      { database: { username: "pi_admin", appUsername: "pi_admin" } },
      'database.appUsername: "pi_admin" — must differ from the master user (pi_admin)',
    ],
    [
      "an application user ending in _clone",
      { database: { appUsername: "pi_app_clone" } },
      'database.appUsername: "pi_app_clone" — must be 1 to 16 letters',
    ],
    [
      "a prebuilt image that is not an AMI id",
      { image: { prebuiltAmiId: "ubuntu-20.04" } },
      'image.prebuiltAmiId: "ubuntu-20.04" — must be an AMI id',
    ],
    [
      "an ARM build instance",
      { image: { buildInstanceType: "t4g.large" } },
      'image.buildInstanceType: "t4g.large" — must be one of',
    ],
    [
      "a 5xx alarm threshold of 0",
      { alarms: { http5xxPerFiveMinutes: 0 } },
      "alarms.http5xxPerFiveMinutes: 0 — must be a whole number from 1 to 100000",
    ],
    [
      "a DB CPU alarm at 100 %",
      { alarms: { dbCpuPercent: 100 } },
      "alarms.dbCpuPercent: 100 — must be a whole percentage from 1 to 99",
    ],
    [
      "a free-storage alarm above the allocated storage",
      { alarms: { dbFreeStorageGiB: 50 } },
      "alarms.dbFreeStorageGiB: 50 — must be a whole number of GiB from 1 to database.allocatedStorageGiB (20)",
    ],
  ];
  for (const [title, overrides, expected] of bad) {
    it(`refuses ${title}`, () => {
      const problems = problemsOf(overrides);
      assert.ok(
        problems.some((p) => p.startsWith(expected)),
        `expected a problem starting with\n  ${expected}\ngot\n  ${problems.join("\n  ")}`,
      );
    });
  }

  it("lists every problem at once and names the deployment when the component validates", () => {
    const args = goodArgs({
      instances: { amiId: "nope", rootVolumeSizeGiB: 10 },
      database: { backupRetentionDays: 3 },
    });
    assert.throws(
      () => validateBiDashboardArgs(args),
      (err: Error) => {
        assert.match(err.message, /^BiDashboard "bi": invalid arguments \(3\):/);
        assert.match(err.message, /instances\.amiId: "nope" — must be an AMI id/);
        assert.match(err.message, /instances\.rootVolumeSizeGiB: 10 — must be a whole number of GiB from 15/);
        assert.match(err.message, /database\.backupRetentionDays: 3 — must be a whole number of days from 7/);
        return true;
      },
    );
  });

  it("needs two public subnets for an internet-facing load balancer", () => {
    assert.throws(
      () =>
        validateBiDashboardArgs(
          goodArgs({
            loadBalancer: { ...goodArgs().loadBalancer, internetFacing: true, publicSubnetIds: [] },
          }),
        ),
      /loadBalancer\.publicSubnetIds: 0 — an internet-facing load balancer needs at least 2 public subnets/,
    );
  });
});

describe("rotation event pattern", () => {
  const arn = "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf";

  it("matches the secret's RotationSucceeded service event wherever the event names the secret", () => {
    const pattern = rotationEventPattern(arn) as {
      source: string[];
      "detail-type": string[];
      detail: { eventName: string[]; $or: Record<string, Record<string, string[]>>[] };
    };
    assert.deepEqual(pattern.source, ["aws.secretsmanager"]);
    assert.ok(pattern["detail-type"].includes("AWS Service Event via CloudTrail"));
    assert.deepEqual(pattern.detail.eventName, ["RotationSucceeded"]);
    assert.deepEqual(pattern.detail.$or[0], { additionalEventData: { SecretId: [arn] } });
    assert.equal(pattern.detail.$or.length, 3);
  });

  it("matches RotationFailed for the failure notification", () => {
    const pattern = rotationEventPattern(arn, "RotationFailed") as { detail: { eventName: string[] } };
    assert.deepEqual(pattern.detail.eventName, ["RotationFailed"]);
  });
});
