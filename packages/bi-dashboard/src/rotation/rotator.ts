/**
 * Rotation of the dashboard's MariaDB credentials, the four steps Secrets Manager calls
 * (createSecret, setSecret, testSecret, finishSecret), after AWS's MariaDB templates. A secret
 * with `masterarn` rotates with alternating users: each rotation switches the secret between
 * `<user>` and `<user>_clone`, creates or updates that user as the master user (from the master
 * secret RDS manages) with the application's privileges only, so connections opened with the
 * previous user keep working until they close. A secret without it rotates its own password
 * (single user).
 * The Secrets Manager and database clients are injected, so the steps run in tests against an
 * in-memory Secrets Manager and database that keep the same staging-label rules.
 */

/** The secret's JSON (the shape the dashboard and its instances read). */
export interface DbSecret {
  engine: string;
  /** The master user's secret (alternating-users rotation). */
  masterarn?: string;
  host: string;
  port: number;
  username: string;
  password: string;
  dbname: string;
  [key: string]: unknown;
}

export type RotationStep = "createSecret" | "setSecret" | "testSecret" | "finishSecret";

/** What Secrets Manager sends the rotation function. */
export interface RotationEvent {
  SecretId: string;
  ClientRequestToken: string;
  Step: RotationStep;
}

/** The Secrets Manager operations rotation uses. */
export interface SecretsApi {
  describeSecret(secretId: string): Promise<{
    RotationEnabled?: boolean;
    VersionIdsToStages?: Record<string, string[]>;
  }>;
  /** Throws an error named ResourceNotFoundException when the version or stage does not exist. */
  getSecretValue(request: {
    SecretId: string;
    VersionId?: string;
    VersionStage?: string;
  }): Promise<{ SecretString?: string; VersionId?: string }>;
  putSecretValue(request: {
    SecretId: string;
    ClientRequestToken: string;
    SecretString: string;
    VersionStages: string[];
  }): Promise<void>;
  updateSecretVersionStage(request: {
    SecretId: string;
    VersionStage: string;
    MoveToVersionId: string;
    RemoveFromVersionId?: string;
  }): Promise<void>;
  getRandomPassword(request: { PasswordLength: number; ExcludeCharacters: string }): Promise<string>;
}

/** An open database session. */
export interface DbSession {
  query(sql: string, values?: unknown[]): Promise<unknown>;
  end(): Promise<void>;
}

/** Opens a session with the credentials of a secret, or rejects when they are refused. */
export type Connect = (secret: DbSecret) => Promise<DbSession>;

export interface RotatorOptions {
  /** Characters the generated password never holds (@default {@link DEFAULT_EXCLUDE_CHARACTERS}). */
  excludeCharacters: string;
  /** @default 32 */
  passwordLength?: number;
  /** One JSON line per event; never receives a password. */
  log?: (entry: Record<string, unknown>) => void;
  /** Privileges the application user gets on its schema (alternating users). @default APP_USER_PRIVILEGES */
  appPrivileges?: readonly string[];
  /** The application user must connect over TLS (REQUIRE SSL). @default true */
  requireTls?: boolean;
}

/**
 * The privileges of the application user, on the dashboard's schema only: the dashboard creates and
 * upgrades its own tables, views, routines and triggers and reads and writes its data. No global
 * privilege (no FILE, PROCESS, SUPER, CREATE USER, GRANT OPTION), nothing on another schema.
 */
export const APP_USER_PRIVILEGES = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "CREATE",
  "DROP",
  "ALTER",
  "INDEX",
  "REFERENCES",
  "CREATE TEMPORARY TABLES",
  "LOCK TABLES",
  "EXECUTE",
  "CREATE VIEW",
  "SHOW VIEW",
  "CREATE ROUTINE",
  "ALTER ROUTINE",
  "TRIGGER",
] as const;

/** The suffix of the alternate user. */
export const CLONE_SUFFIX = "_clone";

/** `pi_app` ↔ `pi_app_clone`. */
export function alternateUser(username: string): string {
  return username.endsWith(CLONE_SUFFIX)
    ? username.slice(0, -CLONE_SUFFIX.length)
    : `${username}${CLONE_SUFFIX}`;
}

const SQL_NAME = /^[A-Za-z0-9_]{1,64}$/;
const PRIVILEGE = /^[A-Z][A-Z ]+$/;

/** The only punctuation a generated password holds: no reader of the env files treats it specially. */
export const PASSWORD_PUNCTUATION = "-_.";

/**
 * Every printable ASCII character but letters, digits and {@link PASSWORD_PUNCTUATION}: RDS refuses
 * / @ " and space, and the dashboard's env files are read by systemd, Docker, Compose (which
 * substitutes `$`) or a shell (`&`, `;`, `(`, `#`, quotes, backslash): none may see a special
 * character. 32 characters of the 65 left still carry 192 bits.
 */
export const DEFAULT_EXCLUDE_CHARACTERS = Array.from({ length: 0x7f - 0x20 }, (_, i) =>
  String.fromCharCode(0x20 + i),
)
  .filter((c) => !/[A-Za-z0-9]/.test(c) && !PASSWORD_PUNCTUATION.includes(c))
  .join("");

function parseSecret(text: string | undefined, label: string): DbSecret {
  let value: unknown;
  try {
    value = JSON.parse(text ?? "");
  } catch {
    throw new Error(`the ${label} secret value is not JSON`);
  }
  const secret = value as Partial<DbSecret>;
  for (const field of ["host", "username", "password"] as const) {
    if (typeof secret[field] !== "string" || secret[field] === "") {
      throw new Error(`the ${label} secret value has no ${field}`);
    }
  }
  if (secret.engine !== undefined && secret.engine !== "mariadb" && secret.engine !== "mysql") {
    throw new Error(`the ${label} secret is for engine "${String(secret.engine)}", not mariadb`);
  }
  return { ...secret, port: Number(secret.port ?? 3306), dbname: secret.dbname ?? "" } as DbSecret;
}

/** The master secret RDS manages holds the user name and password only. */
function parseMasterSecret(text: string | undefined, app: DbSecret): DbSecret {
  let value: { username?: unknown; password?: unknown };
  try {
    value = JSON.parse(text ?? "") as { username?: unknown; password?: unknown };
  } catch {
    throw new Error("the master secret value is not JSON");
  }
  if (typeof value.username !== "string" || typeof value.password !== "string") {
    throw new Error("the master secret value has no username or password");
  }
  return { ...app, username: value.username, password: value.password, dbname: "", masterarn: undefined };
}

function isNotFound(error: unknown): boolean {
  return (error as { name?: string })?.name === "ResourceNotFoundException";
}

/** The four rotation steps over injected clients. */
export class Rotator {
  constructor(
    private readonly secrets: SecretsApi,
    private readonly connect: Connect,
    private readonly options: RotatorOptions,
  ) {}

  private log(entry: Record<string, unknown>): void {
    this.options.log?.(entry);
  }

  /** Checks the event against the secret's state, then runs its step. */
  async handle(event: RotationEvent): Promise<void> {
    const { SecretId: secretId, ClientRequestToken: token, Step: step } = event;
    const metadata = await this.secrets.describeSecret(secretId);
    if (metadata.RotationEnabled === false) {
      throw new Error(`secret ${secretId} is not enabled for rotation`);
    }
    const stages = metadata.VersionIdsToStages ?? {};
    const versionStages = stages[token];
    if (versionStages === undefined) {
      throw new Error(`secret version ${token} has no stage for rotation of secret ${secretId}`);
    }
    if (versionStages.includes("AWSCURRENT")) {
      this.log({ level: "info", message: "version already current", secretId, token, step });
      return;
    }
    if (!versionStages.includes("AWSPENDING")) {
      throw new Error(`secret version ${token} is not set as AWSPENDING for rotation of secret ${secretId}`);
    }
    switch (step) {
      case "createSecret":
        return this.createSecret(secretId, token);
      case "setSecret":
        return this.setSecret(secretId, token);
      case "testSecret":
        return this.testSecret(secretId, token);
      case "finishSecret":
        return this.finishSecret(secretId, token, stages);
      default:
        throw new Error(`unknown rotation step "${String(step)}"`);
    }
  }

  private async get(secretId: string, stage: string, versionId?: string): Promise<DbSecret> {
    const value = await this.secrets.getSecretValue({
      SecretId: secretId,
      VersionStage: stage,
      VersionId: versionId,
    });
    return parseSecret(value.SecretString, stage);
  }

  /** A new password under AWSPENDING, unless this token already has one (retries are idempotent). */
  async createSecret(secretId: string, token: string): Promise<void> {
    const current = await this.get(secretId, "AWSCURRENT");
    try {
      await this.get(secretId, "AWSPENDING", token);
      this.log({ level: "info", message: "createSecret: pending version exists", secretId, token });
      return;
    } catch (error) {
      if (!isNotFound(error)) {
        throw error;
      }
    }
    const password = await this.secrets.getRandomPassword({
      PasswordLength: this.options.passwordLength ?? 32,
      ExcludeCharacters: this.options.excludeCharacters,
    });
    // Alternating users: the pending version names the other user.
    const username = current.masterarn ? alternateUser(current.username) : current.username;
    await this.secrets.putSecretValue({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify({ ...current, username, password }),
      VersionStages: ["AWSPENDING"],
    });
    this.log({ level: "info", message: "createSecret: pending version stored", secretId, token });
  }

  /** Sets the pending password in MariaDB, logged in with the current (or previous) one. */
  async setSecret(secretId: string, token: string): Promise<void> {
    const pending = await this.get(secretId, "AWSPENDING", token);
    const already = await this.tryConnect(pending);
    if (already) {
      await already.end();
      this.log({ level: "info", message: "setSecret: pending password already set", secretId, token });
      return;
    }
    const current = await this.get(secretId, "AWSCURRENT");
    if (current.masterarn) {
      return this.setAlternateUser(secretId, token, current, pending);
    }
    if (current.host !== pending.host || current.username !== pending.username) {
      throw new Error(
        `setSecret: the pending version changes host or username (${current.username}@${current.host} → ` +
          `${pending.username}@${pending.host}); single-user rotation changes only the password`,
      );
    }
    let session = await this.tryConnect(current);
    if (!session) {
      // A rotation that failed after setting the password leaves the database on AWSPREVIOUS's.
      try {
        session = await this.tryConnect(await this.get(secretId, "AWSPREVIOUS"));
      } catch (error) {
        if (!isNotFound(error)) {
          throw error;
        }
      }
    }
    if (!session) {
      throw new Error(`setSecret: cannot log in to ${current.host} with the current or previous password`);
    }
    try {
      await session.query("SET PASSWORD = PASSWORD(?)", [pending.password]);
    } finally {
      await session.end();
    }
    this.log({ level: "info", message: "setSecret: password changed in the database", secretId, token });
  }

  /**
   * Alternating users: as the master user, creates the pending user when it does not exist, sets
   * its password, requires TLS, and leaves it exactly the application's privileges on its schema.
   */
  private async setAlternateUser(
    secretId: string,
    token: string,
    current: DbSecret,
    pending: DbSecret,
  ): Promise<void> {
    if (pending.host !== current.host || pending.masterarn !== current.masterarn) {
      throw new Error(
        `setSecret: the pending version changes the host or the master secret (${current.host} → ${pending.host}); ` +
          "alternating-users rotation changes only the user and its password",
      );
    }
    if (![current.username, alternateUser(current.username)].includes(pending.username)) {
      throw new Error(
        `setSecret: the pending user ${pending.username} is neither ${current.username} nor its alternate ${alternateUser(current.username)}`,
      );
    }
    for (const [what, value] of [
      ["user", pending.username],
      ["schema", pending.dbname],
    ] as const) {
      if (!SQL_NAME.test(value)) {
        throw new Error(
          `setSecret: the ${what} name "${value}" must be 1 to 64 letters, digits and underscores`,
        );
      }
    }
    const privileges = this.options.appPrivileges ?? APP_USER_PRIVILEGES;
    if (privileges.length === 0 || !privileges.every((p) => PRIVILEGE.test(p))) {
      throw new Error(`setSecret: invalid privileges ${JSON.stringify(privileges)}`);
    }
    const masterValue = await this.secrets.getSecretValue({
      SecretId: current.masterarn!,
      VersionStage: "AWSCURRENT",
    });
    const master = parseMasterSecret(masterValue.SecretString, current);
    const session = await this.tryConnect(master);
    if (!session) {
      throw new Error(`setSecret: cannot log in to ${current.host} as the master user ${master.username}`);
    }
    const user = pending.username;
    try {
      await session.query("CREATE USER IF NOT EXISTS ?@'%' IDENTIFIED BY ?", [user, pending.password]);
      await session.query(
        `ALTER USER ?@'%' IDENTIFIED BY ? REQUIRE ${this.options.requireTls === false ? "NONE" : "SSL"}`,
        [user, pending.password],
      );
      await session.query("REVOKE ALL PRIVILEGES, GRANT OPTION FROM ?@'%'", [user]);
      await session.query(`GRANT ${privileges.join(", ")} ON ??.* TO ?@'%'`, [pending.dbname, user]);
    } finally {
      await session.end();
    }
    this.log({
      level: "info",
      message: "setSecret: alternate user set in the database",
      secretId,
      token,
      user,
    });
  }

  /** Logs in with the pending password and runs a query. */
  async testSecret(secretId: string, token: string): Promise<void> {
    const pending = await this.get(secretId, "AWSPENDING", token);
    const session = await this.tryConnect(pending);
    if (!session) {
      throw new Error(`testSecret: the pending password does not log in to ${pending.host}`);
    }
    try {
      await session.query("SELECT NOW()");
    } finally {
      await session.end();
    }
    this.log({ level: "info", message: "testSecret: pending password works", secretId, token });
  }

  /** Moves AWSCURRENT to the new version (the old one becomes AWSPREVIOUS). */
  async finishSecret(secretId: string, token: string, stages: Record<string, string[]>): Promise<void> {
    const currentVersion = Object.entries(stages).find(([, s]) => s.includes("AWSCURRENT"))?.[0];
    if (currentVersion === token) {
      return;
    }
    await this.secrets.updateSecretVersionStage({
      SecretId: secretId,
      VersionStage: "AWSCURRENT",
      MoveToVersionId: token,
      RemoveFromVersionId: currentVersion,
    });
    this.log({ level: "info", message: "finishSecret: new version is current", secretId, token });
  }

  private async tryConnect(secret: DbSecret): Promise<DbSession | undefined> {
    try {
      return await this.connect(secret);
    } catch (error) {
      this.log({
        level: "info",
        message: "login refused",
        host: secret.host,
        username: secret.username,
        reason: (error as Error).message,
      });
      return undefined;
    }
  }
}
