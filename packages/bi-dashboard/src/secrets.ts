import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

import type { KeyedContext } from "./context";
import { DB_PASSWORD_PUNCTUATION } from "./defaults";

export interface DashboardSecrets {
  /** The application user's first password; the rotation owns it afterwards. */
  password: random.RandomPassword;
  db: aws.secretsmanager.Secret;
  /** The licence secret, when a licence key was given. */
  licence?: aws.secretsmanager.Secret;
  /** Every secret the instances read. */
  arns: pulumi.Input<string>[];
}

/** DB credentials (rotated) and the licence key, both with the deployment's key. */
export function createSecrets(ctx: KeyedContext): DashboardSecrets {
  const { name, args, child, physical, keyArn } = ctx;
  const password = new random.RandomPassword(
    `${name}-db-password`,
    // The rotation function's alphabet: nothing RDS refuses or an env-file reader expands.
    { length: 32, special: true, overrideSpecial: DB_PASSWORD_PUNCTUATION },
    child,
  );
  const dbSecret = new aws.secretsmanager.Secret(
    `${name}-db-secret`,
    {
      name: physical("secret", "db"),
      description: `Panintelligence MariaDB application user (alternating ${ctx.s.database.appUsername} and ${ctx.s.database.appUsername}_clone, rotated by Secrets Manager)`,
      kmsKeyId: keyArn,
      recoveryWindowInDays: 7,
    },
    child,
  );
  let licenceSecret: aws.secretsmanager.Secret | undefined;
  if (args.licenceKey !== undefined) {
    licenceSecret = new aws.secretsmanager.Secret(
      `${name}-licence-secret`,
      {
        name: physical("secret", "licence"),
        description: "Panintelligence licence key (PI_LICENCE); replaced by a new licence, not rotated",
        kmsKeyId: keyArn,
        recoveryWindowInDays: 7,
      },
      child,
    );
    new aws.secretsmanager.SecretVersion(
      `${name}-licence-secret-value`,
      { secretId: licenceSecret.id, secretString: pulumi.secret(args.licenceKey) },
      child,
    );
  }
  const arns: pulumi.Input<string>[] = [dbSecret.arn, ...(licenceSecret ? [licenceSecret.arn] : [])];
  return { password, db: dbSecret, licence: licenceSecret, arns };
}
