/**
 * The rotation function of the dashboard's DB secret (Lambda entry point `index.handler`,
 * bundled by the component). Secrets Manager invokes it four times per rotation; the steps are
 * in ./rotator.ts.
 */
import {
  DescribeSecretCommand,
  GetRandomPasswordCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";
import type { SslOptions } from "mysql2";
import { createConnection } from "mysql2/promise";

import type { Connect, RotationEvent, SecretsApi } from "./rotator";
import { DEFAULT_EXCLUDE_CHARACTERS, Rotator } from "./rotator";

/** Secrets Manager through the SDK (the endpoint is the VPC's interface endpoint, by private DNS). */
export function sdkSecretsApi(client: SecretsManagerClient): SecretsApi {
  return {
    describeSecret: (secretId) => client.send(new DescribeSecretCommand({ SecretId: secretId })),
    getSecretValue: (request) => client.send(new GetSecretValueCommand(request)),
    putSecretValue: async (request) => {
      await client.send(new PutSecretValueCommand(request));
    },
    updateSecretVersionStage: async (request) => {
      await client.send(new UpdateSecretVersionStageCommand(request));
    },
    getRandomPassword: async (request) =>
      (await client.send(new GetRandomPasswordCommand(request))).RandomPassword ?? "",
  };
}

/** MariaDB over TLS with the given trust (a mysql2 TLS profile name or options); never without TLS. */
export function mariaDbConnector(ssl: string | SslOptions): Connect {
  return async (secret) => {
    const connection = await createConnection({
      host: secret.host,
      port: secret.port,
      user: secret.username,
      password: secret.password,
      database: secret.dbname || undefined,
      ssl,
      connectTimeout: 5000,
    });
    return {
      query: async (sql, values) => (await connection.query(sql, values))[0],
      end: () => connection.end(),
    };
  };
}

/** MariaDB over TLS, verified against the RDS certificate authorities (mysql2's RDS profile). */
export const connectMariaDb: Connect = mariaDbConnector("Amazon RDS");

let rotator: Rotator | undefined;

export async function handler(event: RotationEvent): Promise<void> {
  rotator ??= new Rotator(sdkSecretsApi(new SecretsManagerClient({})), connectMariaDb, {
    excludeCharacters: process.env["EXCLUDE_CHARACTERS"] || DEFAULT_EXCLUDE_CHARACTERS,
    log: (entry) => console.log(JSON.stringify(entry)),
  });
  await rotator.handle(event);
}
