import { absent, knownText, numberOf } from "../conditions";
import { resourcePolicy, stackPolicy, type StackResource } from "../define";
import { get, isPending } from "../props";
import { ofTypes } from "../companions";

export const SECRET_TYPES = ["aws:secretsmanager/secret:Secret"];
export const ROTATION_TYPES = ["aws:secretsmanager/secretRotation:SecretRotation"];

/** The longest rotation interval SecretsManager.4 accepts. */
export const MAX_ROTATION_DAYS = 90;

function secretName(secret: StackResource): string | undefined {
  return knownText(secret.props["name"]);
}

/**
 * Does `rotation` rotate `secret`? Matched on its secretId (the secret's name, or its ARN, which
 * ends in `:secret:<name>-<6 characters>`), else on the dependency the reference creates (a new
 * secret's ARN is not known in a preview).
 */
function rotates(rotation: StackResource, secret: StackResource): boolean {
  const reference = knownText(rotation.props["secretId"]);
  const name = secretName(secret);
  if (reference !== undefined && name !== undefined) {
    if (reference === name) return true;
    const arnName = /:secret:(.+)-[A-Za-z0-9]{6}$/.exec(reference)?.[1];
    if (arnName === name) return true;
  }
  return rotation.dependencyUrns.includes(secret.urn);
}

export const secretsRotation = stackPolicy({
  name: "secrets-rotation",
  satisfiedBy: [
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/bi-dashboard/src/rotation",
    "packages/data/src/database.ts",
  ],
  description:
    "Every Secrets Manager secret rotates automatically (an aws.secretsmanager.SecretRotation names it). Master passwords RDS manages (manageMasterUserPassword) rotate on their own and are not resources of the stack.",
  module: "secrets",
  controls: { fsbp: ["SecretsManager.1"], checkov: ["CKV2_AWS_57"] },
  enforcementLevel: "mandatory",
  remediation:
    "Add an aws.secretsmanager.SecretRotation with a rotation function, or let RDS manage a database password (manageMasterUserPassword); a secret AWS cannot rotate (a vendor's licence key) goes into allowlist.yaml with its reason",
  check(resources, report) {
    const rotations = ofTypes(resources, ROTATION_TYPES);
    for (const secret of ofTypes(resources, SECRET_TYPES)) {
      if (!rotations.some((rotation) => rotates(rotation, secret)))
        report(`secret ${secretName(secret) ?? secret.name} does not rotate`, secret.urn);
    }
  },
});

/** The interval of a Secrets Manager schedule expression, in days; undefined for a cron expression. */
function rateDays(expression: string): number | undefined {
  const match = /^rate\(\s*(\d+)\s+(hours?|days?)\s*\)$/.exec(expression.trim());
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2]?.startsWith("hour") ? amount / 24 : amount;
}

export const secretsRotationInterval = resourcePolicy({
  name: "secrets-rotation-interval",
  satisfiedBy: ["packages/bi-dashboard/src/db-rotation.ts"],
  description: `Every rotation schedule rotates within ${MAX_ROTATION_DAYS} days.`,
  module: "secrets",
  controls: { fsbp: ["SecretsManager.4"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation: `Set rotationRules.automaticallyAfterDays to ${MAX_ROTATION_DAYS} or fewer (or a scheduleExpression running at least every ${MAX_ROTATION_DAYS} days)`,
  types: ROTATION_TYPES,
  check(resource, report) {
    const rules = resource.props["rotationRules"];
    if (isPending(rules)) return;
    const after = get(rules, "automaticallyAfterDays");
    const schedule = get(rules, "scheduleExpression");
    const days = numberOf(after);
    const name = resource.name;
    if (days !== undefined) {
      if (days > MAX_ROTATION_DAYS)
        report(`rotation ${name} runs every ${days} days, more than ${MAX_ROTATION_DAYS}`);
    } else if (typeof schedule === "string" && !isPending(schedule)) {
      const interval = rateDays(schedule);
      if (interval !== undefined && interval > MAX_ROTATION_DAYS)
        report(`rotation ${name} runs on ${schedule}, less often than every ${MAX_ROTATION_DAYS} days`);
    } else if (!isPending(after) && !isPending(schedule)) {
      report(`rotation ${name} has no schedule (rotationRules.automaticallyAfterDays or scheduleExpression)`);
    }
  },
});

export const secretsCmk = resourcePolicy({
  name: "secrets-kms-cmk",
  satisfiedBy: ["packages/bi-dashboard/src/secrets.ts", "packages/data/src/keys.ts"],
  description:
    "Every secret is encrypted with a customer-managed KMS key, so the key policy, not only IAM, decides who may read it.",
  module: "secrets",
  controls: { fsbp: [], checkov: ["CKV_AWS_149"] },
  enforcementLevel: "mandatory",
  remediation: "Set kmsKeyId on the secret to the secrets key (@tdp/data's DataKeys secrets key)",
  types: SECRET_TYPES,
  check(resource, report) {
    const key = resource.props["kmsKeyId"];
    const name = knownText(resource.props["name"]) ?? resource.name;
    if (absent(key) || (typeof key === "string" && /alias\/aws\/secretsmanager$/.test(key)))
      report(`secret ${name} is encrypted with the AWS-managed aws/secretsmanager key`);
  },
});

export const secretsPolicies = [secretsRotation, secretsRotationInterval, secretsCmk];
