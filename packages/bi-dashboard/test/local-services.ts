/**
 * Real local servers for the rotation tests: a Secrets Manager speaking the AWS JSON 1.1 API over
 * HTTP (versions and staging labels with the service's rules), and a MariaDB server from the
 * Debian packages, started on a loopback port in a temporary datadir with TLS required.
 */
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";

import { createConnection } from "mysql2/promise";
import type { Connection } from "mysql2/promise";

interface Version {
  value: string;
  stages: Set<string>;
}

/** Secrets Manager: DescribeSecret, GetSecretValue, PutSecretValue, UpdateSecretVersionStage, GetRandomPassword. */
export class LocalSecretsManager {
  readonly secrets = new Map<string, Map<string, Version>>();
  readonly calls: string[] = [];
  private server?: http.Server;
  endpoint = "";

  create(arn: string, value: string): void {
    this.secrets.set(arn, new Map([[randomUUID(), { value, stages: new Set(["AWSCURRENT"]) }]]));
  }

  /** What RotateSecret does before invoking the function: a new version id labelled AWSPENDING. */
  startRotation(arn: string): string {
    const token = randomUUID();
    this.versions(arn).set(token, { value: "", stages: new Set(["AWSPENDING"]) });
    return token;
  }

  /** The value of a pending version (as a createSecret that went wrong would leave it). */
  setPending(arn: string, token: string, value: string): void {
    this.versions(arn).set(token, { value, stages: new Set(["AWSPENDING"]) });
  }

  current(arn: string): Record<string, unknown> {
    for (const v of this.versions(arn).values()) {
      if (v.stages.has("AWSCURRENT")) {
        return JSON.parse(v.value) as Record<string, unknown>;
      }
    }
    throw new Error(`no AWSCURRENT for ${arn}`);
  }

  stagesOf(arn: string, stage: string): Record<string, unknown> | undefined {
    for (const v of this.versions(arn).values()) {
      if (v.stages.has(stage) && v.value !== "") {
        return JSON.parse(v.value) as Record<string, unknown>;
      }
    }
    return undefined;
  }

  private versions(arn: string): Map<string, Version> {
    const versions = this.secrets.get(arn);
    if (!versions) {
      throw Object.assign(new Error(`Secrets Manager can't find the specified secret.`), {
        type: "ResourceNotFoundException",
      });
    }
    return versions;
  }

  private handle(target: string, body: Record<string, unknown>): Record<string, unknown> {
    this.calls.push(target);
    const id = String(body["SecretId"] ?? "");
    switch (target) {
      case "DescribeSecret": {
        const stages: Record<string, string[]> = {};
        for (const [versionId, v] of this.versions(id)) {
          stages[versionId] = [...v.stages];
        }
        return { ARN: id, RotationEnabled: true, VersionIdsToStages: stages };
      }
      case "GetSecretValue": {
        for (const [versionId, v] of this.versions(id)) {
          const stage = body["VersionStage"] as string | undefined;
          const wanted = body["VersionId"] as string | undefined;
          if (
            (wanted === undefined || wanted === versionId) &&
            (stage === undefined || v.stages.has(stage))
          ) {
            if (
              v.value !== "" &&
              (stage !== undefined || wanted !== undefined || v.stages.has("AWSCURRENT"))
            ) {
              return { ARN: id, VersionId: versionId, SecretString: v.value, VersionStages: [...v.stages] };
            }
          }
        }
        throw Object.assign(new Error("Secrets Manager can't find the specified secret value"), {
          type: "ResourceNotFoundException",
        });
      }
      case "PutSecretValue": {
        const versions = this.versions(id);
        const stages = (body["VersionStages"] as string[] | undefined) ?? ["AWSCURRENT"];
        for (const v of versions.values()) {
          for (const s of stages) {
            v.stages.delete(s);
          }
        }
        versions.set(String(body["ClientRequestToken"]), {
          value: String(body["SecretString"]),
          stages: new Set(stages),
        });
        return { ARN: id, VersionId: body["ClientRequestToken"] };
      }
      case "UpdateSecretVersionStage": {
        const versions = this.versions(id);
        const stage = String(body["VersionStage"]);
        const from = body["RemoveFromVersionId"]
          ? versions.get(String(body["RemoveFromVersionId"]))
          : undefined;
        const to = versions.get(String(body["MoveToVersionId"]));
        if (!to) {
          throw Object.assign(new Error("no such version"), { type: "InvalidParameterException" });
        }
        from?.stages.delete(stage);
        if (stage === "AWSCURRENT") {
          for (const v of versions.values()) {
            v.stages.delete("AWSPREVIOUS");
          }
          from?.stages.add("AWSPREVIOUS");
          to.stages.delete("AWSPENDING");
        }
        to.stages.add(stage);
        return { ARN: id };
      }
      case "GetRandomPassword": {
        const exclude = String(body["ExcludeCharacters"] ?? "");
        const alphabet = [
          ...'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#$%&*()-_=+[]{}<>:?/@" ',
        ].filter((c) => !exclude.includes(c));
        const length = Number(body["PasswordLength"] ?? 32);
        const bytes = randomBytes(length);
        return { RandomPassword: Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("") };
      }
      default:
        throw Object.assign(new Error(`unsupported ${target}`), { type: "InvalidRequestException" });
    }
  }

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const target = String(req.headers["x-amz-target"] ?? "").replace(/^secretsmanager\./, "");
        try {
          const out = this.handle(
            target,
            JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>,
          );
          res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
          res.end(JSON.stringify(out));
        } catch (error) {
          const type = (error as { type?: string }).type ?? "InternalServiceError";
          res.writeHead(400, { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": type });
          res.end(JSON.stringify({ __type: type, message: (error as Error).message }));
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.endpoint = `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

function which(names: string[], dirs = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"]): string | undefined {
  for (const name of names) {
    for (const dir of dirs) {
      const candidate = path.join(dir, name);
      if (fs.existsSync(candidate)) {
        return candidate;
      }
    }
  }
  return undefined;
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A MariaDB server of the Debian packages, on 127.0.0.1:<port>, TLS required, in a temporary datadir. */
export class LocalMariaDb {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), "tdp-mariadb-"));
  port = 0;
  /** The server's certificate, self-signed for 127.0.0.1: the clients' trust. */
  ca = "";
  private process?: ChildProcess;
  private readonly socket = path.join(this.dir, "mysqld.sock");

  async start(): Promise<void> {
    const server = which(["mariadbd", "mysqld"]);
    const install = which(["mariadb-install-db", "mysql_install_db"]);
    if (!server || !install) {
      throw new Error(
        "MariaDB is not installed: the rotation tests need the Debian packages (apt-get update && apt-get install -y mariadb-server); .ci/run installs them",
      );
    }
    const user = os.userInfo().username;
    const data = path.join(this.dir, "data");
    const key = path.join(this.dir, "server-key.pem");
    const cert = path.join(this.dir, "server-cert.pem");
    execFileSync(
      "openssl",
      ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", key, "-out", cert].concat([
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1,DNS:localhost",
      ]),
      { stdio: "ignore" },
    );
    this.ca = fs.readFileSync(cert, "utf8");
    execFileSync(
      install,
      [
        "--no-defaults",
        `--datadir=${data}`,
        `--user=${user}`,
        "--auth-root-authentication-method=normal",
        "--skip-test-db",
      ],
      { stdio: "ignore" },
    );
    this.port = await freePort();
    this.process = spawn(
      server,
      [
        "--no-defaults",
        `--datadir=${data}`,
        `--socket=${this.socket}`,
        `--pid-file=${path.join(this.dir, "mysqld.pid")}`,
        `--log-error=${path.join(this.dir, "error.log")}`,
        `--port=${this.port}`,
        "--bind-address=127.0.0.1",
        `--user=${user}`,
        `--ssl-cert=${cert}`,
        `--ssl-key=${key}`,
        "--require-secure-transport=ON",
        "--skip-name-resolve",
        "--innodb-buffer-pool-size=16M",
        "--innodb-log-file-size=8M",
        "--performance-schema=OFF",
      ],
      { stdio: "ignore" },
    );
    const deadline = Date.now() + 60000;
    for (;;) {
      try {
        const c = await this.root();
        await c.end();
        return;
      } catch (error) {
        if (Date.now() > deadline || this.process.exitCode !== null) {
          const log = fs.existsSync(path.join(this.dir, "error.log"))
            ? fs.readFileSync(path.join(this.dir, "error.log"), "utf8")
            : "";
          throw new Error(`MariaDB did not start: ${(error as Error).message}\n${log}`);
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** root over the unix socket (a secure transport for require_secure_transport). */
  root(): Promise<Connection> {
    return createConnection({
      socketPath: this.socket,
      user: "root",
      password: "",
      multipleStatements: false,
    });
  }

  async stop(): Promise<void> {
    const child = this.process;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
