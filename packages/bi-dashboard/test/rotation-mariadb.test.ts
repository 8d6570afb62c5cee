import * as assert from "node:assert/strict";

import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createConnection } from "mysql2/promise";

import { mariaDbConnector, sdkSecretsApi } from "../src/rotation/handler";
import type { RotationEvent } from "../src/rotation/rotator";
import { DEFAULT_EXCLUDE_CHARACTERS, Rotator } from "../src/rotation/rotator";
import { LocalMariaDb, LocalSecretsManager } from "./local-services";

const APP_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-tdp-production-bi-db-AbCdEf";
const MASTER_ARN = "arn:aws:secretsmanager:us-east-1:111111111111:secret:rds!db-0000-AbCdEf";
const MASTER_PASSWORD = "master-Password_0123456789";

/**
 * The rotation function's steps against a real MariaDB (Debian's mariadb-server, TLS required)
 * and a local Secrets Manager over HTTP, through the function's own SDK adapter and TLS connector.
 */
describe("alternating-users rotation against a real MariaDB", function () {
  this.timeout(120000);
  const db = new LocalMariaDb();
  const sm = new LocalSecretsManager();
  let rotator: Rotator;
  const logs: Record<string, unknown>[] = [];

  const connectTls = (user: string, password: string, database?: string) =>
    createConnection({ host: "127.0.0.1", port: db.port, user, password, database, ssl: { ca: db.ca } });

  async function rotate(
    steps = ["createSecret", "setSecret", "testSecret", "finishSecret"],
  ): Promise<string> {
    const token = sm.startRotation(APP_ARN);
    for (const step of steps) {
      await rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: step } as RotationEvent);
    }
    return token;
  }

  async function grantsOf(user: string): Promise<string[]> {
    const root = await db.root();
    try {
      const [rows] = await root.query(`SHOW GRANTS FOR ?@'%'`, [user]);
      return (rows as Record<string, string>[]).map((r) => Object.values(r)[0]!);
    } finally {
      await root.end();
    }
  }

  async function userExists(user: string): Promise<boolean> {
    const root = await db.root();
    try {
      const [rows] = await root.query("SELECT User FROM mysql.user WHERE User = ?", [user]);
      return (rows as unknown[]).length > 0;
    } finally {
      await root.end();
    }
  }

  before(async () => {
    await Promise.all([db.start(), sm.start()]);
    const root = await db.root();
    // The RDS master user's privileges (no SUPER), the dashboard's schema and another one.
    await root.query("CREATE DATABASE dashboard");
    await root.query("CREATE DATABASE other");
    await root.query("CREATE TABLE other.secrets (id INT)");
    await root.query("CREATE USER 'pi_admin'@'%' IDENTIFIED BY ?", [MASTER_PASSWORD]);
    await root.query(
      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, RELOAD, PROCESS, REFERENCES, INDEX, ALTER, SHOW DATABASES, " +
        "CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, REPLICATION SLAVE, BINLOG MONITOR, CREATE VIEW, SHOW VIEW, " +
        "CREATE ROUTINE, ALTER ROUTINE, CREATE USER, EVENT, TRIGGER ON *.* TO 'pi_admin'@'%' WITH GRANT OPTION",
    );
    await root.end();
    sm.create(MASTER_ARN, JSON.stringify({ username: "pi_admin", password: MASTER_PASSWORD }));
    // The component's first value: the application user does not exist yet.
    sm.create(
      APP_ARN,
      JSON.stringify({
        engine: "mariadb",
        host: "127.0.0.1",
        port: db.port,
        username: "pi_app",
        password: "first-password-never-set-0123",
        dbname: "dashboard",
        masterarn: MASTER_ARN,
      }),
    );
    const client = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    rotator = new Rotator(sdkSecretsApi(client), mariaDbConnector({ ca: db.ca }), {
      excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS,
      log: (e) => logs.push(e),
    });
  });

  after(async () => {
    await Promise.all([db.stop(), sm.stop()]);
  });

  it("refuses a connection without TLS (require_secure_transport); the same login over TLS works", async () => {
    await assert.rejects(
      createConnection({ host: "127.0.0.1", port: db.port, user: "pi_admin", password: MASTER_PASSWORD }),
      /insecure transport|Access denied/,
    );
    const tls = await connectTls("pi_admin", MASTER_PASSWORD);
    const [rows] = await tls.query("SHOW STATUS LIKE 'Ssl_cipher'");
    assert.notEqual((rows as { Value: string }[])[0]!.Value, "");
    await tls.end();
  });

  it("the first rotation creates the alternate user with the application's privileges only, TLS required", async () => {
    await rotate();
    const current = sm.current(APP_ARN);
    assert.equal(current["username"], "pi_app_clone");
    assert.equal(current["masterarn"], MASTER_ARN, "the master secret stays named");
    assert.equal(String(current["password"]).length, 32);
    assert.ok(!(await userExists("pi_app")), "the placeholder user was never created");

    const grants = await grantsOf("pi_app_clone");
    assert.equal(grants.length, 2, grants.join("\n"));
    assert.match(
      grants[0]!,
      /^GRANT USAGE ON \*\.\* TO `pi_app_clone`@`%` IDENTIFIED BY PASSWORD '\*[0-9A-F]{40}' REQUIRE SSL$/,
    );
    assert.match(
      grants[1]!,
      /^GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, TRIGGER ON `dashboard`\.\* TO `pi_app_clone`@`%`$/,
    );

    // The dashboard's view: its schema works, nothing else does.
    const app = await connectTls("pi_app_clone", String(current["password"]), "dashboard");
    try {
      await app.query("CREATE TABLE reports (id INT PRIMARY KEY, name VARCHAR(20))");
      await app.query("INSERT INTO reports VALUES (1, 'sales')");
      const [rows] = await app.query("SELECT name FROM reports");
      assert.deepEqual(rows, [{ name: "sales" }]);
      await assert.rejects(app.query("SELECT * FROM other.secrets"), /command denied|Access denied/);
      await assert.rejects(app.query("CREATE USER 'x'@'%'"), /Access denied|CREATE USER privilege/);
      await assert.rejects(app.query("SELECT * FROM mysql.user"), /command denied|Access denied/);
    } finally {
      await app.end();
    }
    await assert.rejects(
      createConnection({
        host: "127.0.0.1",
        port: db.port,
        user: "pi_app_clone",
        password: String(current["password"]),
      }),
      /insecure transport|Access denied/,
    );
  });

  it("the next rotation switches to the other user; the previous user and its live connections keep working", async () => {
    const before = sm.current(APP_ARN);
    const live = await connectTls(String(before["username"]), String(before["password"]), "dashboard");
    await rotate();
    const current = sm.current(APP_ARN);
    assert.equal(current["username"], "pi_app");
    assert.deepEqual(sm.stagesOf(APP_ARN, "AWSPREVIOUS"), before);
    // The connection opened before the rotation still works, and the previous credentials still log in.
    const [rows] = await live.query("SELECT COUNT(*) AS n FROM reports");
    assert.deepEqual(rows, [{ n: 1 }]);
    await live.end();
    const previous = await connectTls(String(before["username"]), String(before["password"]), "dashboard");
    await previous.end();
    // The new user sees the same data.
    const app = await connectTls("pi_app", String(current["password"]), "dashboard");
    const [same] = await app.query("SELECT name FROM reports");
    assert.deepEqual(same, [{ name: "sales" }]);
    await app.end();
    assert.match((await grantsOf("pi_app")).join("\n"), /REQUIRE SSL/);
  });

  it("a third rotation sets a new password on the clone user and leaves the other user alone", async () => {
    const before = sm.current(APP_ARN);
    const cloneBefore = sm.stagesOf(APP_ARN, "AWSPREVIOUS")!;
    await rotate();
    const current = sm.current(APP_ARN);
    assert.equal(current["username"], "pi_app_clone");
    assert.notEqual(current["password"], cloneBefore["password"]);
    await assert.rejects(
      connectTls("pi_app_clone", String(cloneBefore["password"]), "dashboard"),
      /Access denied/,
      "the clone's old password no longer works",
    );
    await (await connectTls("pi_app_clone", String(current["password"]), "dashboard")).end();
    await (await connectTls("pi_app", String(before["password"]), "dashboard")).end();
  });

  it("takes away privileges added to the alternate user behind the rotation's back", async () => {
    const root = await db.root();
    await root.query("GRANT SELECT ON other.* TO 'pi_app'@'%'");
    await root.end();
    assert.match((await grantsOf("pi_app")).join("\n"), /ON `other`/);
    await rotate();
    assert.equal(sm.current(APP_ARN)["username"], "pi_app");
    assert.doesNotMatch((await grantsOf("pi_app")).join("\n"), /ON `other`/);
  });

  it("is idempotent: every step retried gives the same result", async () => {
    const token = sm.startRotation(APP_ARN);
    for (const step of [
      "createSecret",
      "createSecret",
      "setSecret",
      "setSecret",
      "testSecret",
      "finishSecret",
      "finishSecret",
    ]) {
      await rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: step } as RotationEvent);
    }
    const current = sm.current(APP_ARN);
    assert.equal(current["username"], "pi_app_clone");
    await (await connectTls("pi_app_clone", String(current["password"]), "dashboard")).end();
  });

  it("fails setSecret and keeps AWSCURRENT when the master password is wrong", async () => {
    const before = sm.current(APP_ARN);
    sm.create(MASTER_ARN, JSON.stringify({ username: "pi_admin", password: "not-the-master-password" }));
    try {
      const token = sm.startRotation(APP_ARN);
      await rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "createSecret" });
      await assert.rejects(
        rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "setSecret" }),
        /setSecret: cannot log in to 127\.0\.0\.1 as the master user pi_admin/,
      );
      assert.deepEqual(sm.current(APP_ARN), before);
    } finally {
      sm.create(MASTER_ARN, JSON.stringify({ username: "pi_admin", password: MASTER_PASSWORD }));
    }
  });

  it("refuses a pending version that changes the host or names a third user", async () => {
    const current = sm.current(APP_ARN);
    for (const [change, expected] of [
      [{ host: "evil.example" }, /changes the host or the master secret/],
      [{ username: "root" }, /the pending user root is neither pi_app_clone nor its alternate pi_app/],
      [{ dbname: "dash`board" }, /the schema name "dash`board" must be 1 to 64 letters/],
    ] as const) {
      const token = sm.startRotation(APP_ARN);
      sm.setPending(APP_ARN, token, JSON.stringify({ ...current, password: "x", ...change }));
      await assert.rejects(
        rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "setSecret" }),
        expected,
      );
    }
    assert.deepEqual(sm.current(APP_ARN), current);
  });

  it("refuses a master secret without a user and password, and privileges that are not plain names", async () => {
    const current = sm.current(APP_ARN);
    for (const [master, expected] of [
      ["not json", /the master secret value is not JSON/],
      [JSON.stringify({ username: "pi_admin" }), /the master secret value has no username or password/],
    ] as const) {
      sm.create(MASTER_ARN, master);
      try {
        const token = sm.startRotation(APP_ARN);
        await rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "createSecret" });
        await assert.rejects(
          rotator.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "setSecret" }),
          expected,
        );
      } finally {
        sm.create(MASTER_ARN, JSON.stringify({ username: "pi_admin", password: MASTER_PASSWORD }));
      }
    }
    const client = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    const injected = new Rotator(sdkSecretsApi(client), mariaDbConnector({ ca: db.ca }), {
      excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS,
      appPrivileges: ["SELECT ON *.* TO x; DROP DATABASE dashboard; --"],
    });
    const token = sm.startRotation(APP_ARN);
    await injected.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "createSecret" });
    await assert.rejects(
      injected.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: "setSecret" }),
      /setSecret: invalid privileges/,
    );
    assert.deepEqual(sm.current(APP_ARN), current);
  });

  it("without requireTls the user gets REQUIRE NONE (the server still refuses plain connections)", async () => {
    const client = new SecretsManagerClient({
      endpoint: sm.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "AKIDLOCALTEST", secretAccessKey: "local-test-secret" },
    });
    const plain = new Rotator(sdkSecretsApi(client), mariaDbConnector({ ca: db.ca }), {
      excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS,
      requireTls: false,
    });
    const token = sm.startRotation(APP_ARN);
    for (const step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) {
      await plain.handle({ SecretId: APP_ARN, ClientRequestToken: token, Step: step } as RotationEvent);
    }
    const user = String(sm.current(APP_ARN)["username"]);
    assert.doesNotMatch((await grantsOf(user)).join("\n"), /REQUIRE SSL/);
    // The next rotation of this user with the default requires TLS again.
    await rotate();
    await rotate();
    assert.equal(sm.current(APP_ARN)["username"], user);
    assert.match((await grantsOf(user)).join("\n"), /REQUIRE SSL/);
  });

  it("never logs a password", () => {
    const text = JSON.stringify(logs);
    assert.ok(!text.includes(MASTER_PASSWORD));
    assert.ok(!text.includes(String(sm.current(APP_ARN)["password"])));
    assert.ok(logs.some((l) => l["message"] === "setSecret: alternate user set in the database"));
  });
});
