import * as assert from "node:assert/strict";
import * as fs from "node:fs";

import { CLOUDWATCH_AGENT_CONFIG, DEFAULT_DASHBOARD_SERVICE } from "../src/defaults";
import type { UserDataParams } from "../src/user-data";
import { BootHarness, FORBIDDEN } from "./boot-harness";

const DB_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-tdp-production-bi-db-AbCdEf";
const LICENCE_ARN =
  "arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-tdp-production-bi-licence-GhIjKl";
const HOST = "acme-tdp-production-bi-db.c1.us-east-1.rds.amazonaws.com";
const PASSWORD = "first-Password_0123456789.abcdefgh";
const ROTATED = "rotated-Password_9876543210.zyxwvut";
const LICENCE = "PI-LICENCE-KEY-0123456789";

function dbSecret(username: string, password: string): string {
  return JSON.stringify({
    engine: "mariadb",
    host: HOST,
    port: 3306,
    username,
    password,
    dbname: "dashboard",
  });
}

function params(overrides: Partial<UserDataParams> = {}): UserDataParams {
  return {
    region: "us-east-1",
    dbSecretArn: DB_ARN,
    licenceSecretArn: LICENCE_ARN,
    fileSystemId: "fs-0123456789abcdef0",
    accessPointId: "fsap-0123456789abcdef0",
    dashboardEnvFile: DEFAULT_DASHBOARD_SERVICE.dashboardEnvFile,
    schedulerEnvFile: DEFAULT_DASHBOARD_SERVICE.schedulerEnvFile,
    serviceUnits: [...DEFAULT_DASHBOARD_SERVICE.serviceUnits],
    dbTlsEnv: {},
    logGroupName: "/acme-tdp-production/bi/instances",
    ...overrides,
  };
}

const harnesses: BootHarness[] = [];
function instance(overrides: Partial<UserDataParams> = {}, options?: { omit?: string[]; agent?: boolean }) {
  const h = new BootHarness(params(overrides), options);
  harnesses.push(h);
  h.setSecret(DB_ARN, dbSecret("pi_app", PASSWORD));
  h.setSecret(LICENCE_ARN, LICENCE);
  // The image's own folders and unit, as the Marketplace image ships them.
  h.imageFile("/var/panintelligence/images/logo.png", "image-logo");
  h.imageFile("/var/panintelligence/themes/pi-day/theme.json", "{}");
  h.imageFile("/etc/systemd/system/panintelligence.service", "[Service]\nExecStart=/bin/true\n");
  return h;
}

const dashboardEnv = (password: string, username = "pi_app") =>
  [
    `PI_DB_HOST=${HOST}`,
    "PI_DB_PORT=3306",
    `PI_DB_USERNAME=${username}`,
    `PI_DB_PASSWORD=${password}`,
    "PI_DB_SCHEMA_NAME=dashboard",
    "PI_EXTERNAL_DB=true",
    `PI_LICENCE=${LICENCE}`,
    "",
  ].join("\n");

const schedulerEnv = (password: string, username = "pi_app") =>
  [
    `PI_DB_HOST=${HOST}`,
    "PI_DB_PORT=3306",
    `PI_DB_USERNAME=${username}`,
    `PI_DB_PASSWORD=${password}`,
    "PI_DB_SCHEMA_NAME=dashboard",
    "",
  ].join("\n");

describe("instance bootstrap, executed against a temporary root and stub system commands", function () {
  this.timeout(60000);
  after(() => harnesses.forEach((h) => h.cleanup()));

  it("first boot: mounts EFS over TLS, links the folders, writes the image's env files, starts panintelligence.service with them", () => {
    const h = instance();
    const run = h.boot();
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, "", "the bootstrap prints nothing");

    assert.equal(
      h.read("/etc/fstab"),
      "fs-0123456789abcdef0:/ /mnt/pi-efs efs _netdev,noresvport,tls,iam,accesspoint=fsap-0123456789abcdef0 0 0\n",
    );
    assert.ok(run.calls.includes(`mount ${h.path("/mnt/pi-efs")}`));
    for (const folder of ["images", "themes", "excel", "keys", "logs", "svg"]) {
      assert.equal(fs.readlinkSync(h.path(`/var/panintelligence/${folder}`)), `/mnt/pi-efs/${folder}`);
    }
    // The image's files seed the empty share.
    assert.equal(h.read("/mnt/pi-efs/images/logo.png"), "image-logo");

    // The target image's layout: /var/panintelligence/{dashboard,scheduler}.env, 0600.
    assert.equal(h.read("/var/panintelligence/dashboard.env"), dashboardEnv(PASSWORD));
    assert.equal(h.read("/var/panintelligence/scheduler.env"), schedulerEnv(PASSWORD));
    assert.equal(fs.statSync(h.path("/var/panintelligence/dashboard.env")).mode & 0o777, 0o600);
    assert.equal(fs.statSync(h.path("/var/panintelligence/scheduler.env")).mode & 0o777, 0o600);
    assert.ok(!fs.existsSync(h.path("/opt/pi")), "nothing under the pre-Docker /opt/pi layout");

    // The unit re-reads the settings before every start, after EFS is mounted.
    assert.equal(
      h.read("/etc/systemd/system/panintelligence.service.d/tdp-pi-settings.conf"),
      [
        "# Written by the dashboard bootstrap: the settings come from Secrets Manager before every start.",
        "[Unit]",
        "RequiresMountsFor=/mnt/pi-efs",
        "[Service]",
        "ExecStartPre=/usr/local/sbin/tdp-pi-settings",
        "",
      ].join("\n"),
    );

    // systemd: reload, enable, restart the dashboard's unit (not docker.service, no reboot).
    const systemctl = run.calls.filter((c) => c.startsWith("systemctl"));
    assert.deepEqual(systemctl, [
      "systemctl daemon-reload",
      "systemctl enable panintelligence.service",
      "systemctl restart panintelligence.service",
    ]);
    // The dashboard started with its settings.
    const starts = h.starts();
    assert.equal(starts.length, 1);
    assert.equal(starts[0]!.unit, "panintelligence.service");
    assert.equal(starts[0]!.files["dashboard.env"], dashboardEnv(PASSWORD));
    assert.equal(starts[0]!.files["scheduler.env"], schedulerEnv(PASSWORD));

    // No install, no compile, no download, no reboot.
    for (const name of FORBIDDEN) {
      assert.ok(!run.calls.some((c) => c.startsWith(`${name} `)), `${name} was run`);
    }
    // Nothing secret on the console.
    for (const secret of [PASSWORD, LICENCE]) {
      assert.ok(!run.stdout.includes(secret) && !run.stderr.includes(secret));
      assert.ok(!run.calls.some((c) => c.includes(secret)), "no secret on a command line");
    }
  });

  it("starts the CloudWatch agent with the deployment's log group (system and container logs)", () => {
    const h = instance();
    const run = h.boot();
    assert.equal(run.status, 0, run.stderr);
    assert.ok(
      run.calls.includes(
        `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_CONFIG}`,
      ),
    );
    const config = JSON.parse(h.read(CLOUDWATCH_AGENT_CONFIG)) as {
      logs: { logs_collected: { files: { collect_list: { file_path: string; log_group_name: string }[] } } };
    };
    const list = config.logs.logs_collected.files.collect_list;
    assert.deepEqual(
      list.map((f) => f.file_path),
      ["/var/log/syslog", "/var/log/cloud-init-output.log", "/var/lib/docker/containers/*/*-json.log"],
    );
    assert.ok(list.every((f) => f.log_group_name === "/acme-tdp-production/bi/instances"));
    // The agent starts before the dashboard, so its first logs are shipped.
    const agent = run.calls.findIndex((c) => c.startsWith("amazon-cloudwatch-agent-ctl"));
    const restart = run.calls.indexOf("systemctl restart panintelligence.service");
    assert.ok(agent >= 0 && agent < restart);
  });

  it("without a licence secret, PI_LICENCE is left out (not written empty)", () => {
    const h = instance({ licenceSecretArn: "" });
    const run = h.boot();
    assert.equal(run.status, 0, run.stderr);
    const env = h.read("/var/panintelligence/dashboard.env");
    assert.doesNotMatch(env, /PI_LICENCE/);
    assert.match(env, /^PI_EXTERNAL_DB=true$/m);
    assert.ok(!run.calls.some((c) => c.includes("licence")), "the licence secret is not read");
  });

  it("after a rotation, a restart of the unit and a refreshed instance both start with the new user and password", () => {
    const h = instance();
    assert.equal(h.boot().status, 0);
    // Rotation (alternating users): the secret now names the clone user with a new password.
    h.setSecret(DB_ARN, dbSecret("pi_app_clone", ROTATED));
    const restart = h.restart("panintelligence.service");
    assert.equal(restart.status, 0, restart.stderr);
    const starts = h.starts();
    assert.equal(starts.length, 2);
    assert.equal(starts[1]!.files["dashboard.env"], dashboardEnv(ROTATED, "pi_app_clone"));
    assert.equal(starts[1]!.files["scheduler.env"], schedulerEnv(ROTATED, "pi_app_clone"));

    // The instance refresh after a rotation launches new instances: their first boot reads it too.
    const refreshed = instance();
    refreshed.setSecret(DB_ARN, dbSecret("pi_app_clone", ROTATED));
    assert.equal(refreshed.boot().status, 0);
    assert.equal(refreshed.starts()[0]!.files["dashboard.env"], dashboardEnv(ROTATED, "pi_app_clone"));
  });

  it("runs again without duplicating the fstab line or the links", () => {
    const h = instance();
    assert.equal(h.boot().status, 0);
    const again = h.boot();
    assert.equal(again.status, 0, again.stderr);
    assert.equal(h.read("/etc/fstab").split("\n").filter(Boolean).length, 1);
    assert.equal(fs.readlinkSync(h.path("/var/panintelligence/images")), "/mnt/pi-efs/images");
    assert.ok(!again.calls.some((c) => c.startsWith("mount ")), "an existing mount is kept");
  });

  it("stops, installing nothing, when the instance did not launch from the dashboard image (no mount.efs)", () => {
    const h = instance({}, { omit: ["mount.efs"] });
    const run = h.boot();
    assert.equal(run.status, 1);
    assert.match(run.stderr, /tdp-boot: mount\.efs is missing; launch from the dashboard image/);
    assert.deepEqual(run.calls, [], "no package manager, compiler, download or mount was attempted");
    assert.ok(!fs.existsSync(h.path("/etc/fstab")));
  });

  it("stops when the CloudWatch agent is missing from the image", () => {
    const h = instance({}, { agent: false });
    const run = h.boot();
    assert.equal(run.status, 1);
    assert.match(run.stderr, /the CloudWatch agent is missing/);
  });

  it("keeps the image's folders and starts nothing when EFS does not mount", () => {
    const h = instance();
    const run = h.boot({ STUB_MOUNT_FAILS: "1" });
    assert.notEqual(run.status, 0);
    assert.ok(fs.statSync(h.path("/var/panintelligence/images")).isDirectory());
    assert.ok(!fs.lstatSync(h.path("/var/panintelligence/images")).isSymbolicLink());
    assert.deepEqual(h.starts(), []);
  });

  it("fails the boot (no env file, no start) when Secrets Manager cannot be read", () => {
    const h = instance();
    h.setSecret(DB_ARN, "");
    fs.rmSync(`${h.dir}/secrets`, { recursive: true });
    fs.mkdirSync(`${h.dir}/secrets`);
    const run = h.boot();
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /tdp-pi-settings: cannot read secret arn:aws:secretsmanager/);
    assert.equal(run.calls.filter((c) => c.startsWith("aws secretsmanager get-secret-value")).length, 5);
    assert.ok(!fs.existsSync(h.path("/var/panintelligence/dashboard.env")));
    assert.deepEqual(h.starts(), []);
  });

  it("starts a unit that cannot be enabled (static) all the same", () => {
    const h = instance();
    const run = h.boot({ STUB_ENABLE_FAILS: "1" });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /tdp-boot: panintelligence\.service is not enabled \(static unit\)/);
    assert.equal(h.starts()[0]!.files["dashboard.env"], dashboardEnv(PASSWORD));
  });

  it("writes another layout when configured (env files and unit are settings), with the DB TLS settings in both files", () => {
    const h = instance({
      dashboardEnvFile: "/opt/pi/dashboard.env",
      schedulerEnvFile: "/opt/pi/scheduler.env",
      serviceUnits: ["pi-dashboard.service"],
      dbTlsEnv: { PI_DB_SSL: "true" },
    });
    const run = h.boot();
    assert.equal(run.status, 0, run.stderr);
    assert.equal(h.read("/opt/pi/dashboard.env"), `${dashboardEnv(PASSWORD)}PI_DB_SSL=true\n`);
    assert.equal(h.read("/opt/pi/scheduler.env"), `${schedulerEnv(PASSWORD)}PI_DB_SSL=true\n`);
    assert.ok(run.calls.includes("systemctl restart pi-dashboard.service"));
    assert.ok(fs.existsSync(h.path("/etc/systemd/system/pi-dashboard.service.d/tdp-pi-settings.conf")));
  });
});
