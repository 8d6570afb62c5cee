/**
 * Pure checks shared by the data-layer components and by the stack's `tdp:data` schema. Each
 * throws an Error naming the field, the value and the rule.
 */

// A practical address check (RFC 5321 lengths, one @, a dotted domain); SES and SNS verify the rest.
const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function validateEmail(field: string, value: string): void {
  if (value.length > 254 || !EMAIL.test(value) || value.split("@")[0]!.length > 64) {
    throw new Error(
      `${field} "${value}" is not an e-mail address (local@domain.tld, at most 254 characters)`,
    );
  }
}

/**
 * S3 general-purpose bucket naming rules: 3-63 characters; lowercase letters, digits, dots and
 * hyphens; starting and ending with a letter or digit; no two adjacent dots; not an IP address;
 * not starting with `xn--`, `sthree-` or `amzn-s3-demo-`; not ending with `-s3alias`, `--ol-s3`
 * or `.mrap`.
 */
export function validateBucketName(field: string, value: string): void {
  const fail = (rule: string) => {
    throw new Error(`${field} "${value}" is not a valid S3 bucket name: ${rule}`);
  };
  if (value.length < 3 || value.length > 63) {
    fail(`it has ${value.length} characters; S3 allows 3 to 63`);
  }
  if (!/^[a-z0-9.-]+$/.test(value)) {
    fail("use only lowercase letters, digits, dots and hyphens");
  }
  if (!/^[a-z0-9].*[a-z0-9]$/.test(value)) {
    fail("it must begin and end with a letter or digit");
  }
  if (value.includes("..")) {
    fail("two adjacent dots are not allowed");
  }
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(value)) {
    fail("it must not be formatted as an IP address");
  }
  for (const prefix of ["xn--", "sthree-", "amzn-s3-demo-"]) {
    if (value.startsWith(prefix)) {
      fail(`the prefix "${prefix}" is reserved by AWS`);
    }
  }
  for (const suffix of ["-s3alias", "--ol-s3", ".mrap", "--x-s3"]) {
    if (value.endsWith(suffix)) {
      fail(`the suffix "${suffix}" is reserved by AWS`);
    }
  }
}

/** A whole number in [min, max], with the rule in the message. */
export function validateIntBetween(field: string, value: number, min: number, max: number, why = ""): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(
      `${field} ${value} must be a whole number from ${min} to ${max}${why ? ` (${why})` : ""}`,
    );
  }
}

const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/;

/** A KMS key ARN (not an alias: bucket policies compare the full key ARN). */
export function validateKmsKeyArn(field: string, value: string): void {
  if (!KMS_KEY_ARN.test(value)) {
    throw new Error(`${field} "${value}" is not a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)`);
  }
}

const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function validateRoleArn(field: string, value: string): void {
  if (!IAM_ROLE_ARN.test(value)) {
    throw new Error(`${field} "${value}" is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)`);
  }
}

/**
 * A KMS key ARN of the given account and region: RDS, like most services, uses only a key of the
 * resource's own account and region. Checks the form first ({@link validateKmsKeyArn}).
 */
export function validateKmsKeyArnIn(
  field: string,
  value: string,
  where: { accountId?: string; region?: string },
): void {
  validateKmsKeyArn(field, value);
  const [, , , region, account] = value.split(":") as [string, string, string, string, string];
  if (where.region !== undefined && region !== where.region) {
    throw new Error(
      `${field} "${value}" is a key of region ${region}; this deployment is in ${where.region}, and a key is used only in its own region: give a key of ${where.region}`,
    );
  }
  if (where.accountId !== undefined && account !== where.accountId) {
    throw new Error(
      `${field} "${value}" is a key of account ${account}; this deployment is in account ${where.accountId}: give a key of that account`,
    );
  }
}
