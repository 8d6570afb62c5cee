import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LAMBDA_VPC_NETWORK_INTERFACES, allow, policyDocument } from "@tdp/core";

import type { KeyedContext } from "./context";
import type { DashboardDatabase } from "./database";
import { createDeadLetterQueue, deadLetterQueuePolicy } from "./dead-letter-queue";
import { ROTATION_EXCLUDE_CHARACTERS } from "./defaults";
import { accountServiceRole } from "./roles";

export interface DbRotationInputs {
  logGroup: aws.cloudwatch.LogGroup;
  dbSecret: aws.secretsmanager.Secret;
  database: DashboardDatabase;
  /** The bundled rotation handler. */
  code: pulumi.asset.Archive;
}

/**
 * Rotation of the application user's secret with alternating users: our function (src/rotation)
 * in the private subnets logs in as the master user (RDS's own secret, read only) and switches the
 * secret between the user and its `_clone`. Its security group reaches MariaDB and the Secrets
 * Manager endpoint (the reference's could not). Its role goes through ServiceRole like every other
 * (prefix and permissions boundary). Rotation starts at once when it is turned on: the first
 * rotation creates the application user.
 */
export function createDbRotation(
  ctx: KeyedContext,
  securityGroupId: pulumi.Input<string>,
  { logGroup, dbSecret, database, code }: DbRotationInputs,
): aws.secretsmanager.SecretRotation {
  const { parent, name, args, s, region, account, child, names, keyArn } = ctx;
  const rotationDlq = createDeadLetterQueue(ctx, "rotation-dlq", "db-rotation-dlq");
  const rotationRole = accountServiceRole(ctx, "rotation-role", {
    purpose: "db-rotation",
    service: "lambda.amazonaws.com",
    description: "Rotates the Panintelligence DB application user (Secrets Manager alternating users)",
    inlinePolicies: {
      "rotate-db-secret": policyDocument(
        allow(
          [
            "secretsmanager:DescribeSecret",
            "secretsmanager:GetSecretValue",
            "secretsmanager:PutSecretValue",
            "secretsmanager:UpdateSecretVersionStage",
          ],
          dbSecret.arn,
        ),
        // The master user's secret (RDS manages and rotates it): read only.
        allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], database.masterSecretArn),
        // GetRandomPassword acts on no resource: IAM accepts only "*" for it.
        allow("secretsmanager:GetRandomPassword", "*"),
        allow(["kms:Decrypt", "kms:GenerateDataKey"], keyArn, {
          Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
        }),
      ),
      "vpc-network-interfaces": policyDocument(LAMBDA_VPC_NETWORK_INTERFACES),
      "own-logs": policyDocument(
        allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${logGroup.arn}:*`),
      ),
      "dead-letter-queue": deadLetterQueuePolicy(ctx, rotationDlq),
    },
  });
  const rotationFunction = new aws.lambda.Function(
    `${name}-rotation`,
    {
      name: names.rotationFunction,
      description:
        "Rotates the Panintelligence DB application user (alternating users): createSecret, setSecret, testSecret, finishSecret",
      role: rotationRole.arn,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      code,
      memorySize: 256,
      timeout: 60,
      reservedConcurrentExecutions: 2,
      kmsKeyArn: keyArn,
      deadLetterConfig: { targetArn: rotationDlq.arn },
      vpcConfig: { subnetIds: args.privateSubnetIds, securityGroupIds: [securityGroupId] },
      loggingConfig: { logFormat: "JSON", logGroup: logGroup.name },
      environment: { variables: { EXCLUDE_CHARACTERS: ROTATION_EXCLUDE_CHARACTERS } },
    },
    { parent, dependsOn: [rotationRole, logGroup] },
  );
  const rotationPermission = new aws.lambda.Permission(
    `${name}-rotation-from-secrets-manager`,
    {
      function: rotationFunction.name,
      action: "lambda:InvokeFunction",
      principal: "secretsmanager.amazonaws.com",
      sourceArn: dbSecret.arn,
      sourceAccount: account,
    },
    child,
  );
  return new aws.secretsmanager.SecretRotation(
    `${name}-db-secret-rotation`,
    {
      secretId: dbSecret.id,
      rotationLambdaArn: rotationFunction.arn,
      rotationRules: { automaticallyAfterDays: s.database.rotationDays },
      // The first rotation creates the application user before any instance reads the secret.
      rotateImmediately: true,
    },
    { parent, dependsOn: [database.db, database.secretValue, rotationPermission] },
  );
}
