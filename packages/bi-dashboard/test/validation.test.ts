import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

import type { BiDashboardSettings } from "../src";
import {
  DEFAULT_INSTANCE_TYPE,
  checkBiDashboardSettings,
  formatSettingProblem,
  renderUserData,
  rotationEventPattern,
  validateBiDashboardArgs,
} from "../src";
import { goodArgs, goodSettings } from "./fixtures";

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
      { dashboardService: { envFiles: ["/opt/../etc/passwd"] } },
      'dashboardService.envFiles[0]: "/opt/../etc/passwd" — must be an absolute path without spaces or ..',
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

describe("instance user data", () => {
  const script = renderUserData({
    region: "us-east-1",
    dbSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf",
    licenceSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:licence-AbCdEf",
    fileSystemId: "fs-0123456789abcdef0",
    accessPointId: "fsap-0123456789abcdef0",
    envFiles: ["/opt/pi/dashboard.env", "/opt/pi/scheduler.env"],
    serviceUnits: ["docker.service"],
  });

  it("`bash -x` user data prints the DB password and licence key: ours never traces or prints them", () => {
    assert.doesNotMatch(script, /set -x|set -o xtrace|bash -x|#!\/bin\/bash -x/);
    assert.match(script, /^set -euo pipefail$/m);
    assert.match(script, /^umask 077$/m);
    // No secret value is ever echoed: the only echo lines write fstab or a read failure.
    for (const line of script.split("\n").filter((l) => /\becho\b|printf/.test(l))) {
      assert.doesNotMatch(line, /PASSWORD|LICENCE|DB_JSON\b(?!")/, line);
    }
    assert.match(script, /chmod 0600 "\$tmp"/);
    assert.match(script, /chmod 0700 \/usr\/local\/sbin\/tdp-pi-settings/);
  });

  it("mounts EFS over TLS through the access point with IAM authorization", () => {
    assert.match(script, /efs _netdev,noresvport,tls,iam,accesspoint=\$ACCESS_POINT_ID 0 0/);
    assert.match(script, /ACCESS_POINT_ID='fsap-0123456789abcdef0'/);
    assert.match(script, /amazon-efs-utils/);
    // A pinned release, never whatever the default branch holds at boot.
    assert.match(
      script,
      /git clone --depth 1 --branch 'v\d+\.\d+\.\d+' https:\/\/github\.com\/aws\/efs-utils /,
    );
  });

  it("links every dashboard folder, including excel and svg, to EFS", () => {
    assert.match(script, /for folder in images themes excel keys logs svg; do/);
    assert.match(script, /ln -sfn "\$target" "\$link"/);
    assert.match(script, /link="\/var\/panintelligence\/\$folder"/);
  });

  it("reads every PI_ setting from Secrets Manager before each start of the dashboard", () => {
    for (const variable of [
      "PI_DB_HOST",
      "PI_DB_USERNAME",
      "PI_DB_PASSWORD",
      "PI_DB_PORT",
      "PI_DB_SCHEMA_NAME",
      "PI_EXTERNAL_DB",
      "PI_LICENCE",
    ]) {
      assert.match(script, new RegExp(`"${variable}=`), variable);
    }
    assert.match(script, /ExecStartPre=\/usr\/local\/sbin\/tdp-pi-settings/);
    assert.match(script, /\/etc\/systemd\/system\/docker\.service\.d\/tdp-pi-settings\.conf/);
    assert.match(script, /aws secretsmanager get-secret-value --region "\$REGION" --secret-id "\$1"/);
  });

  /**
   * Runs the bootstrap's settings reader for real with a stand-in `aws` CLI answering `dbJson`
   * (and `LIC-123` for the licence when `licence`), writing one env file; returns its path, the
   * reader's output and the folder to remove.
   */
  function runSettingsReader(
    dbJson: string,
    licence: boolean,
  ): { envFile: string; output: string; dir: string } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pi-reader-"));
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    fs.writeFileSync(
      path.join(bin, "aws"),
      [
        "#!/bin/bash",
        'case "$*" in',
        "  *licence*) printf 'LIC-123' ;;",
        `  *) printf '%s' '${dbJson}' ;;`,
        "esac",
      ].join("\n"),
      { mode: 0o755 },
    );
    const envFile = path.join(dir, "opt", "dashboard.env");
    const reader = /<<'READER'\n([\s\S]*?)\nREADER\n/.exec(
      renderUserData({
        region: "us-east-1",
        dbSecretArn: "arn:aws:secretsmanager:us-east-1:111111111111:secret:db-AbCdEf",
        licenceSecretArn: licence
          ? "arn:aws:secretsmanager:us-east-1:111111111111:secret:licence-AbCdEf"
          : "",
        fileSystemId: "fs-1",
        accessPointId: "fsap-1",
        envFiles: [envFile],
        serviceUnits: ["docker.service"],
      }),
    )?.[1];
    assert.ok(reader);
    const output = execFileSync("bash", ["-c", reader], {
      env: { ...process.env, PATH: `${bin}:${process.env["PATH"]}` },
      encoding: "utf8",
    });
    return { envFile, output, dir };
  }

  it("the settings reader writes 0600 env files from the secrets (run for real with a stand-in aws CLI)", () => {
    const { envFile, output, dir } = runSettingsReader(
      '{"engine":"mariadb","host":"db.example","port":3306,"username":"pi_admin","password":"p@ss w0rd!","dbname":"dashboard"}',
      true,
    );
    assert.equal(output, "", "the reader prints nothing");
    assert.equal(fs.statSync(envFile).mode & 0o777, 0o600);
    assert.equal(
      fs.readFileSync(envFile, "utf8"),
      [
        "PI_DB_HOST=db.example",
        "PI_DB_USERNAME=pi_admin",
        "PI_DB_PASSWORD=p@ss w0rd!",
        "PI_DB_PORT=3306",
        "PI_DB_SCHEMA_NAME=dashboard",
        "PI_EXTERNAL_DB=true",
        "PI_LICENCE=LIC-123",
        "",
      ].join("\n"),
    );
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("writes env files that a shell reads back unchanged, for a password of the generated alphabet", () => {
    // Every character a generated password may hold (letters, digits, - _ .).
    const password = "aZ09-_.qQ8-x_y.Z";
    const { envFile, dir } = runSettingsReader(
      `{"engine":"mariadb","host":"db.example","port":3306,"username":"pi_admin","password":"${password}","dbname":"dashboard"}`,
      false,
    );
    // A start script that sources the file (the strictest reader: it expands and splits).
    const sourced = execFileSync("bash", ["-c", `set -a; . '${envFile}'; printf '%s' "$PI_DB_PASSWORD"`], {
      encoding: "utf8",
    });
    assert.equal(sourced, password);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a value that could inject shell code", () => {
    assert.throws(
      () =>
        renderUserData({
          region: "us-east-1",
          dbSecretArn: "x'; rm -rf /; '",
          licenceSecretArn: "",
          fileSystemId: "fs-1",
          accessPointId: "fsap-1",
          envFiles: ["/opt/pi/dashboard.env"],
          serviceUnits: ["docker.service"],
        }),
      /user data value dbSecretArn "x'; rm -rf \/; '" holds characters that are not allowed/,
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
