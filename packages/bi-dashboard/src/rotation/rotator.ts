/**
 * Single-user rotation of the dashboard's MariaDB password, the four steps Secrets Manager calls
 * (createSecret, setSecret, testSecret, finishSecret), after AWS's MariaDB single-user template.
 * The Secrets Manager and database clients are injected, so the steps run in tests against an
 * in-memory Secrets Manager and database that keep the same staging-label rules.
 */

/** The secret's JSON (the shape the dashboard and its instances read). */
export interface DbSecret {
  engine: string;
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
}

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
    await this.secrets.putSecretValue({
      SecretId: secretId,
      ClientRequestToken: token,
      SecretString: JSON.stringify({ ...current, password }),
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
