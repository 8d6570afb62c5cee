import * as assert from "node:assert/strict";

import type { DbSecret, DbSession, RotationEvent, SecretsApi } from "../src/rotation/rotator";
import { DEFAULT_EXCLUDE_CHARACTERS, Rotator } from "../src/rotation/rotator";
import { bundleHandler, packageRoot } from "../src";
import * as path from "node:path";

const SECRET_ID = "arn:aws:secretsmanager:us-east-1:111111111111:secret:acme-tdp-production-bi-db-AbCdEf";

function notFound(what: string): Error {
  const error = new Error(`Secrets Manager can't find ${what}`);
  error.name = "ResourceNotFoundException";
  return error;
}

/** Secrets Manager's versions and staging labels, in memory, with the service's rules. */
class FakeSecretsManager implements SecretsApi {
  versions = new Map<string, { value: string; stages: Set<string> }>();
  rotationEnabled = true;
  calls: string[] = [];
  private counter = 0;

  constructor(initial: DbSecret) {
    this.versions.set("v1", { value: JSON.stringify(initial), stages: new Set(["AWSCURRENT"]) });
  }

  /** What RotateSecret does before the first step: a version id carrying AWSPENDING only later. */
  startRotation(token: string): void {
    this.versions.set(token, { value: "", stages: new Set() });
  }

  async describeSecret(): Promise<{
    RotationEnabled?: boolean;
    VersionIdsToStages?: Record<string, string[]>;
  }> {
    this.calls.push("describeSecret");
    const stages: Record<string, string[]> = {};
    for (const [id, v] of this.versions) {
      // RotateSecret labels the new token AWSPENDING for the steps.
      stages[id] = v.stages.size === 0 ? ["AWSPENDING"] : [...v.stages];
    }
    return { RotationEnabled: this.rotationEnabled, VersionIdsToStages: stages };
  }

  async getSecretValue(request: { VersionId?: string; VersionStage?: string }) {
    this.calls.push(`getSecretValue:${request.VersionStage ?? ""}`);
    for (const [id, v] of this.versions) {
      const stageOk = request.VersionStage === undefined || v.stages.has(request.VersionStage);
      const idOk = request.VersionId === undefined || request.VersionId === id;
      if (stageOk && idOk && v.value !== "") {
        return { SecretString: v.value, VersionId: id };
      }
    }
    throw notFound(`${request.VersionStage ?? ""} ${request.VersionId ?? ""}`);
  }

  async putSecretValue(request: {
    ClientRequestToken: string;
    SecretString: string;
    VersionStages: string[];
  }) {
    this.calls.push("putSecretValue");
    for (const stage of request.VersionStages) {
      for (const v of this.versions.values()) {
        v.stages.delete(stage);
      }
    }
    this.versions.set(request.ClientRequestToken, {
      value: request.SecretString,
      stages: new Set(request.VersionStages),
    });
  }

  async updateSecretVersionStage(request: {
    VersionStage: string;
    MoveToVersionId: string;
    RemoveFromVersionId?: string;
  }) {
    this.calls.push("updateSecretVersionStage");
    const from = request.RemoveFromVersionId ? this.versions.get(request.RemoveFromVersionId) : undefined;
    if (request.VersionStage === "AWSCURRENT" && from) {
      for (const v of this.versions.values()) {
        v.stages.delete("AWSPREVIOUS");
      }
      from.stages.delete("AWSCURRENT");
      from.stages.add("AWSPREVIOUS");
    }
    const to = this.versions.get(request.MoveToVersionId)!;
    to.stages.add(request.VersionStage);
    to.stages.delete("AWSPENDING");
  }

  async getRandomPassword(request: { PasswordLength: number; ExcludeCharacters: string }): Promise<string> {
    this.counter += 1;
    const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#$%&*()-_=+[]{}<>:?/@" ';
    const allowed = [...alphabet].filter((c) => !request.ExcludeCharacters.includes(c));
    return Array.from(
      { length: request.PasswordLength },
      (_, i) => allowed[(i * 7 + this.counter) % allowed.length],
    ).join("");
  }

  current(): DbSecret {
    for (const v of this.versions.values()) {
      if (v.stages.has("AWSCURRENT")) {
        return JSON.parse(v.value) as DbSecret;
      }
    }
    throw new Error("no AWSCURRENT");
  }
}

/** A MariaDB user table: logins succeed with the user's password; SET PASSWORD changes it. */
class FakeMariaDb {
  passwords = new Map<string, string>();
  statements: string[] = [];
  reachable = true;

  connect = async (secret: DbSecret): Promise<DbSession> => {
    if (!this.reachable) {
      throw new Error(`connect ETIMEDOUT ${secret.host}:${secret.port}`);
    }
    if (this.passwords.get(secret.username) !== secret.password) {
      throw new Error(`Access denied for user '${secret.username}'@'10.40.0.10' (using password: YES)`);
    }
    let open = true;
    return {
      query: async (sql: string, values?: unknown[]) => {
        assert.ok(open, "query on a closed session");
        this.statements.push(sql);
        if (sql === "SET PASSWORD = PASSWORD(?)") {
          this.passwords.set(secret.username, String(values?.[0]));
        }
        return [];
      },
      end: async () => {
        open = false;
      },
    };
  };
}

const initial: DbSecret = {
  engine: "mariadb",
  host: "acme-tdp-production-bi-db.c1.us-east-1.rds.amazonaws.com",
  port: 3306,
  username: "pi_admin",
  password: "initial-password-0123456789",
  dbname: "dashboard",
};

function setup() {
  const sm = new FakeSecretsManager(initial);
  const db = new FakeMariaDb();
  db.passwords.set("pi_admin", initial.password);
  const logs: Record<string, unknown>[] = [];
  const rotator = new Rotator(sm, db.connect, {
    excludeCharacters: DEFAULT_EXCLUDE_CHARACTERS,
    log: (e) => logs.push(e),
  });
  return { sm, db, logs, rotator };
}

async function rotate(
  rotator: Rotator,
  token: string,
  steps = ["createSecret", "setSecret", "testSecret", "finishSecret"],
) {
  for (const step of steps) {
    await rotator.handle({ SecretId: SECRET_ID, ClientRequestToken: token, Step: step } as RotationEvent);
  }
}

describe("DB secret rotation function (single user, four steps)", () => {
  it("rotates: a new password in the secret and the database, old one AWSPREVIOUS, other fields kept", async () => {
    const { sm, db, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1");
    const current = sm.current();
    assert.notEqual(current.password, initial.password);
    assert.equal(current.password.length, 32);
    assert.deepEqual({ ...current, password: "" }, { ...initial, password: "" });
    assert.equal(db.passwords.get("pi_admin"), current.password);
    assert.deepEqual([...sm.versions.get("v1")!.stages], ["AWSPREVIOUS"]);
    assert.deepEqual([...sm.versions.get("t1")!.stages], ["AWSCURRENT"]);
    assert.ok(db.statements.includes("SELECT NOW()"), "testSecret ran a query with the new password");
  });

  it("never puts a character RDS refuses into the password", async () => {
    const { sm, rotator } = setup();
    for (const token of ["a", "b", "c", "d"]) {
      sm.startRotation(token);
      await rotate(rotator, token);
      assert.doesNotMatch(sm.current().password, /[/@"' \\`]/);
    }
  });

  it("rotates twice in a row (AWSPREVIOUS moves on)", async () => {
    const { sm, db, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1");
    sm.startRotation("t2");
    await rotate(rotator, "t2");
    assert.equal(db.passwords.get("pi_admin"), sm.current().password);
    assert.deepEqual([...sm.versions.get("t1")!.stages], ["AWSPREVIOUS"]);
    assert.deepEqual([...sm.versions.get("v1")!.stages], []);
  });

  it("is idempotent: every step retried gives the same result", async () => {
    const { sm, db, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1", ["createSecret", "createSecret"]);
    const pending = JSON.parse(sm.versions.get("t1")!.value) as DbSecret;
    await rotate(rotator, "t1", [
      "setSecret",
      "setSecret",
      "testSecret",
      "testSecret",
      "finishSecret",
      "finishSecret",
    ]);
    assert.equal(sm.current().password, pending.password, "a retried createSecret keeps the first password");
    assert.equal(db.statements.filter((s) => s.startsWith("SET PASSWORD")).length, 1);
  });

  it("recovers when the database already has the password of AWSPREVIOUS (an earlier rotation half done)", async () => {
    const { sm, db, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1");
    // The database was restored to the previous password (e.g. a snapshot restore).
    db.passwords.set("pi_admin", initial.password);
    sm.startRotation("t2");
    await rotate(rotator, "t2");
    assert.equal(db.passwords.get("pi_admin"), sm.current().password);
  });

  it("fails setSecret, leaving AWSCURRENT alone, when the database cannot be reached", async () => {
    const { sm, db, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1", ["createSecret"]);
    db.reachable = false;
    await assert.rejects(
      rotate(rotator, "t1", ["setSecret"]),
      /setSecret: cannot log in to acme-tdp-production-bi-db\.c1\.us-east-1\.rds\.amazonaws\.com with the current or previous password/,
    );
    assert.equal(sm.current().password, initial.password);
  });

  it("fails testSecret when the pending password does not log in", async () => {
    const { sm, db, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1", ["createSecret", "setSecret"]);
    db.passwords.set("pi_admin", "changed-behind-our-back");
    await assert.rejects(
      rotate(rotator, "t1", ["testSecret"]),
      /testSecret: the pending password does not log in/,
    );
    assert.equal(sm.current().password, initial.password);
  });

  it("refuses a secret that is not enabled for rotation, a token that is not pending, an unknown step", async () => {
    const { sm, rotator } = setup();
    sm.startRotation("t1");
    sm.rotationEnabled = false;
    await assert.rejects(rotate(rotator, "t1", ["createSecret"]), /is not enabled for rotation/);
    sm.rotationEnabled = true;
    await assert.rejects(
      rotate(rotator, "nope", ["createSecret"]),
      /secret version nope has no stage for rotation/,
    );
    await assert.rejects(rotate(rotator, "t1", ["dropTables"]), /unknown rotation step "dropTables"/);
  });

  it("does nothing for a version that is already current", async () => {
    const { sm, rotator } = setup();
    await rotate(rotator, "v1", ["createSecret"]);
    assert.ok(!sm.calls.includes("putSecretValue"));
  });

  it("refuses a pending version that changes the user (single-user rotation)", async () => {
    const { sm, rotator } = setup();
    await sm.putSecretValue({
      ClientRequestToken: "t1",
      SecretString: JSON.stringify({ ...initial, username: "root", password: "x" }),
      VersionStages: ["AWSPENDING"],
    });
    await assert.rejects(rotate(rotator, "t1", ["setSecret"]), /changes host or username/);
  });

  it("refuses a secret of another engine", async () => {
    const sm = new FakeSecretsManager({ ...initial, engine: "postgres" });
    const rotator = new Rotator(sm, new FakeMariaDb().connect, { excludeCharacters: "" });
    sm.startRotation("t1");
    await assert.rejects(rotate(rotator, "t1", ["createSecret"]), /is for engine "postgres", not mariadb/);
  });

  it("logs steps as JSON lines without any password", async () => {
    const { sm, logs, rotator } = setup();
    sm.startRotation("t1");
    await rotate(rotator, "t1");
    const text = JSON.stringify(logs);
    assert.ok(!text.includes(initial.password));
    assert.ok(!text.includes(sm.current().password));
    assert.ok(logs.some((l) => l["message"] === "finishSecret: new version is current"));
  });

  it("bundles into one file with the SDK and mysql2 inside, exporting handler", () => {
    const code = bundleHandler(path.join(packageRoot(), "src", "rotation", "handler.ts"));
    assert.match(code, /SET PASSWORD = PASSWORD\(\?\)/);
    assert.doesNotMatch(code, /require\("mysql2/);
    assert.doesNotMatch(code, /require\("@aws-sdk\/client-secrets-manager"\)/);
    assert.match(code, /handler: \(\) => handler/);
  });
});
