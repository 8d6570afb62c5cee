import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Naming, PolicyStatement } from "@tdp/core";
import {
  keyAdministrationStatement,
  KEY_USE_ACTIONS,
  LOGS_KEY_ACTIONS,
  keyUseThroughServicesStatements,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

import { validateKmsKeyArnIn } from "./validation";

/** The purposes the data layer keeps a customer-managed key for. */
export const KEY_PURPOSES = [
  "datalake",
  "database",
  "search",
  "logs",
  "messaging",
  "secrets",
  "backup",
  "backup-vault",
  "compute",
] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

/**
 * Services that use each key on behalf of principals of the account (`kms:ViaService`). A
 * principal of the account can use a key only through one of these services, never directly.
 */
export const KEY_VIA_SERVICES: Record<KeyPurpose, string[]> = {
  // The data lake, stream, artifacts and Athena-results buckets: S3 encrypts and decrypts.
  datalake: ["s3"],
  // RDS storage and Performance Insights; AWS Backup copies the instance's snapshots.
  database: ["rds", "backup"],
  search: ["es"],
  // Log groups use the service principal below; reading them goes through CloudWatch Logs.
  logs: ["logs"],
  messaging: ["sns", "sqs"],
  // Secrets Manager (database master password), SSM SecureStrings and Lambda environments.
  secrets: ["secretsmanager", "ssm", "lambda"],
  // The backup bucket: OpenSearch snapshots are written and read through S3 by the snapshot role.
  backup: ["s3"],
  // The AWS Backup vault's own key (issue 4, "a vault with its own key"): only AWS Backup uses it,
  // for the recovery points it stores, so the bucket's readers cannot decrypt them and back.
  "backup-vault": ["backup"],
  // The EBS volumes of the EKS nodes, the Windows workers and the BI dashboard instances: EC2
  // creates and attaches them (the Auto Scaling service-linked role below launches the instances).
  compute: ["ec2"],
};

const KEY_DESCRIPTIONS: Record<KeyPurpose, string> = {
  datalake: "encrypts the data lake, stream, artifacts and Athena-results buckets",
  database: "encrypts the RDS PostgreSQL storage, snapshots and Performance Insights",
  search: "encrypts the OpenSearch domain at rest",
  logs: "encrypts the CloudWatch log groups",
  messaging: "encrypts the SNS alert topic and SQS queues",
  secrets: "encrypts Secrets Manager secrets, SSM SecureStrings and Lambda environments",
  backup: "encrypts the backup bucket (OpenSearch snapshots)",
  "backup-vault": "encrypts the AWS Backup vault's recovery points",
  compute: "encrypts the EBS volumes of the EKS nodes, the Windows workers and the BI dashboard instances",
};

/** The Auto Scaling service-linked role of an account (AWS creates it with the first group). */
export function autoScalingServiceLinkedRoleArn(
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::${accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
}

/** A grant in a key policy to an AWS service principal acting for this account. */
export interface ServicePrincipalGrant {
  /** The service principal, e.g. `cloudwatch.amazonaws.com`. */
  service: pulumi.Input<string>;
  /** KMS actions it may call. */
  actions: string[];
  /**
   * Extra conditions. `aws:SourceAccount` = this account is always added unless an
   * encryption-context condition is given (some services, like CloudWatch Logs, do not send it).
   * @default {}
   */
  conditions?: NonNullable<PolicyStatement["Condition"]>;
}

/** Settings the DR issue adds to a key without reshaping it. */
export interface KeyReplicationSettings {
  /** Create a multi-Region primary key, so a replica can be made in the DR region. @default false */
  multiRegion?: boolean;
  /**
   * Extra principals (role or account ARNs, e.g. the S3 replication role or the DR account's
   * backup copy) allowed to use the key for encryption and decryption. @default []
   */
  additionalPrincipalArns?: pulumi.Input<string>[];
  /**
   * Other accounts (the DR account) that copy what the key encrypts, such as the database's
   * shared snapshots or AWS Backup's cross-account copies: their principals may decrypt and
   * describe the key and create grants for the AWS resources they copy into. Nothing else.
   * @default []
   */
  copyAccountIds?: pulumi.Input<string>[];
  /**
   * The service endpoints (full names, `rds.us-east-1.amazonaws.com`) through which the copy
   * accounts' requests reach the key (`kms:ViaService`): their principals may use it through
   * these and nothing else. A cross-Region copy of a shared RDS snapshot is requested in the
   * destination Region and read in the key's Region, so the stacks name both Regions' RDS.
   * @default [`rds.<region>.amazonaws.com`]
   */
  copyViaServices?: string[];
}

/** What another account needs of a key to copy a snapshot or recovery point it encrypts. */
export const KEY_COPY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:ReEncryptFrom"];

export interface DataKeyArgs extends KeyReplicationSettings {
  /** Physical names of the deployment. */
  naming: Naming;
  /** What the key is for; becomes part of its alias and resource names. */
  purpose: string;
  /** Why the key exists (the KMS description). */
  description: string;
  /** The region the key lives in (service endpoint names are built from it). */
  region: string;
  /** The account id; looked up from the provider's credentials when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /** Short names of the services that may use the key for the account's principals (`s3`, `rds`). @default [] */
  viaServices?: string[];
  /** Grants to service principals (CloudWatch Logs, CloudWatch alarms, CloudTrail). @default [] */
  servicePrincipals?: ServicePrincipalGrant[];
  /**
   * Service-linked roles that use the key themselves and attach what they encrypt to the AWS
   * resources they launch (kms:CreateGrant only for AWS resources), e.g. the Auto Scaling role
   * launching instances with encrypted volumes. Each role must exist when the policy is set (KMS
   * rejects a policy naming an unknown principal). @default []
   */
  serviceLinkedRoleArns?: pulumi.Input<string>[];
  /** What the key waits for: the resources creating those service-linked roles. @default [] */
  dependsOn?: pulumi.Resource[];
  /** The alias, `alias/...`. @default `alias/<infrastructureName>-<environment>-<purpose>` */
  aliasName?: string;
  /** Waiting period before a scheduled deletion takes effect, 7 to 30 days. @default 30 */
  deletionWindowInDays?: number;
  /** Days between automatic rotations, 90 to 2560. @default 365 (seed 003: "rotates yearly") */
  rotationPeriodInDays?: number;
  /**
   * Statements appended to the policy as given, each with its own Sid: grants the settings above
   * cannot express, such as another account's role encrypting through one service (the DR replica
   * keys). The policy pack checks them like the rest. @default []
   */
  additionalStatements?: PolicyStatement[];
}

const ALIAS = /^alias\/[A-Za-z0-9/_-]{1,250}$/;
const SERVICE_SHORT_NAME = /^[a-z0-9-]+$/;
const SERVICE_ENDPOINT = /^[a-z0-9-]+\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$/;

/** The Sids {@link dataKeyPolicy} writes itself; an additional statement must not reuse one. */
export const DATA_KEY_POLICY_SIDS = [
  "AccountAdministersTheKey",
  "AccountPrincipalsUseTheKeyThroughServices",
  "ServicesHoldGrantsForTheirResources",
  "ServiceLinkedRolesUseTheKey",
  "ServiceLinkedRolesAttachPersistentResources",
  "AdditionalPrincipalsUseTheKey",
  "CopyAccountsDecrypt",
  "CopyAccountsGrantToTheirCopies",
];

/** KMS rotates a key every 90 to 2560 days; the seed (003) asks for yearly. */
export function validateRotationPeriodInDays(days: number, field = "rotationPeriodInDays"): void {
  if (!Number.isInteger(days) || days < 90 || days > 2560) {
    throw new Error(
      `${field} ${days} must be a whole number from 90 to 2560 (KMS's automatic rotation range)`,
    );
  }
}

/** Checks a key's arguments; throws an Error naming the field, the value and the rule. */
export function validateDataKeyArgs(args: DataKeyArgs): void {
  const where = `key "${args.purpose}"`;
  if (!/^[a-z][a-z0-9-]*$/.test(args.purpose)) {
    throw new Error(`${where}: purpose "${args.purpose}" must be lowercase letters, digits and hyphens`);
  }
  const window = args.deletionWindowInDays ?? 30;
  if (!Number.isInteger(window) || window < 7 || window > 30) {
    throw new Error(
      `${where}: deletionWindowInDays ${window} must be a whole number from 7 to 30 (KMS's range)`,
    );
  }
  validateRotationPeriodInDays(args.rotationPeriodInDays ?? 365, `${where}: rotationPeriodInDays`);
  if (args.aliasName !== undefined) {
    if (!ALIAS.test(args.aliasName) || args.aliasName.startsWith("alias/aws/")) {
      throw new Error(
        `${where}: aliasName "${args.aliasName}" must be alias/<name> (letters, digits, / _ -) and not under alias/aws/`,
      );
    }
  }
  for (const service of args.viaServices ?? []) {
    if (!SERVICE_SHORT_NAME.test(service)) {
      throw new Error(`${where}: viaServices entry "${service}" must be a service short name such as "s3"`);
    }
  }
  if (args.copyViaServices !== undefined) {
    if (args.copyViaServices.length === 0) {
      throw new Error(
        `${where}: copyViaServices is empty; name the endpoints the copy accounts use the key through (rds.<region>.amazonaws.com) or leave it out`,
      );
    }
    for (const endpoint of args.copyViaServices) {
      if (!SERVICE_ENDPOINT.test(endpoint)) {
        throw new Error(
          `${where}: copyViaServices entry "${endpoint}" must be a regional service endpoint such as rds.us-east-1.amazonaws.com`,
        );
      }
    }
  }
  const seen = new Set<string>();
  for (const statement of args.additionalStatements ?? []) {
    const sid = statement.Sid ?? "";
    if (!/^[A-Za-z0-9]+$/.test(sid) || DATA_KEY_POLICY_SIDS.includes(sid) || seen.has(sid)) {
      throw new Error(
        `${where}: additionalStatements Sid "${sid}" must be letters and digits, unique, and none of the key's own (${DATA_KEY_POLICY_SIDS.join(", ")})`,
      );
    }
    seen.add(sid);
  }
  if ((args.viaServices ?? []).length === 0 && (args.servicePrincipals ?? []).length === 0) {
    throw new Error(
      `${where}: give viaServices or servicePrincipals; a key nobody may use through a service is useless`,
    );
  }
}

/** The key policy of a data key: administration by the account, use only through the named services. */
export function dataKeyPolicy(
  args: Pick<
    DataKeyArgs,
    | "region"
    | "viaServices"
    | "servicePrincipals"
    | "serviceLinkedRoleArns"
    | "additionalPrincipalArns"
    | "copyAccountIds"
    | "copyViaServices"
    | "additionalStatements"
  >,
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Output<string> {
  const root = pulumi.interpolate`arn:${partition}:iam::${accountId}:root`;
  const statements: PolicyStatement[] = [keyAdministrationStatement(root)];
  const via = (args.viaServices ?? []).map((s) => `${s}.${args.region}.amazonaws.com`);
  if (via.length > 0) {
    // RDS, OpenSearch, Backup and others also hold grants on the key for the resources they manage.
    statements.push(...keyUseThroughServicesStatements(root, accountId, via));
  }
  (args.servicePrincipals ?? []).forEach((grant, i) => {
    const conditions = { ...(grant.conditions ?? {}) };
    const hasContext = Object.values(conditions).some((c) =>
      Object.keys(c).some((k) => k.startsWith("kms:EncryptionContext")),
    );
    if (!hasContext) {
      conditions["StringEquals"] = { ...(conditions["StringEquals"] ?? {}), "aws:SourceAccount": accountId };
    }
    statements.push({
      Sid: `ServicePrincipal${i}`,
      Effect: "Allow",
      Principal: { Service: grant.service },
      Action: grant.actions,
      Resource: "*",
      Condition: conditions,
    });
  });
  const serviceLinkedRoles = args.serviceLinkedRoleArns ?? [];
  if (serviceLinkedRoles.length > 0) {
    // AWS's "key policy for use with encrypted volumes": the role uses the key directly, and
    // grants it only to the AWS resources (the volumes) it creates.
    statements.push(
      {
        Sid: "ServiceLinkedRolesUseTheKey",
        Effect: "Allow",
        Principal: { AWS: serviceLinkedRoles },
        Action: KEY_USE_ACTIONS,
        Resource: "*",
      },
      {
        Sid: "ServiceLinkedRolesAttachPersistentResources",
        Effect: "Allow",
        Principal: { AWS: serviceLinkedRoles },
        Action: ["kms:CreateGrant"],
        Resource: "*",
        Condition: { Bool: { "kms:GrantIsForAWSResource": true } },
      },
    );
  }
  const extra = args.additionalPrincipalArns ?? [];
  if (extra.length > 0) {
    statements.push({
      Sid: "AdditionalPrincipalsUseTheKey",
      Effect: "Allow",
      Principal: { AWS: extra },
      Action: KEY_USE_ACTIONS,
      Resource: "*",
    });
  }
  const copiers = (args.copyAccountIds ?? []).map(
    (id) => pulumi.interpolate`arn:${partition}:iam::${id}:root`,
  );
  if (copiers.length > 0) {
    // The copy accounts read what the key encrypts only through the copying service (RDS copies
    // the shared snapshots and AWS Backup's RDS recovery points), never directly.
    const copyVia = args.copyViaServices ?? [`rds.${args.region}.amazonaws.com`];
    statements.push(
      {
        Sid: "CopyAccountsDecrypt",
        Effect: "Allow",
        Principal: { AWS: copiers },
        Action: KEY_COPY_ACTIONS,
        Resource: "*",
        Condition: { StringEquals: { "kms:ViaService": copyVia } },
      },
      {
        Sid: "CopyAccountsGrantToTheirCopies",
        Effect: "Allow",
        Principal: { AWS: copiers },
        Action: ["kms:CreateGrant"],
        Resource: "*",
        Condition: {
          StringEquals: { "kms:ViaService": copyVia },
          Bool: { "kms:GrantIsForAWSResource": true },
        },
      },
    );
  }
  statements.push(...(args.additionalStatements ?? []));
  return policyJson(policyDocument(...statements));
}

/**
 * A customer-managed symmetric KMS key with yearly rotation, a policy scoped to the services that
 * use it, and an alias. Protected: `pulumi destroy` stops at it and a deletion leaves it.
 */
export class DataKey extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly arn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;
  readonly aliasName: pulumi.Output<string>;
  readonly aliasArn: pulumi.Output<string>;

  constructor(name: string, args: DataKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataKeyArgs(args);
    super("tdp:data:DataKey", name, {}, opts);
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${args.naming.base}: ${args.description}`,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: args.rotationPeriodInDays ?? 365,
        deletionWindowInDays: args.deletionWindowInDays ?? 30,
        multiRegion: args.multiRegion ?? false,
        policy: dataKeyPolicy(args, accountId, partition),
      },
      statefulResourceOptions({ parent: this, dependsOn: args.dependsOn ?? [] }),
    );
    const alias = new aws.kms.Alias(
      `${name}-alias`,
      {
        name: args.aliasName ?? `alias/${args.naming.base}-${args.purpose}`,
        targetKeyId: this.key.keyId,
      },
      { parent: this },
    );
    this.arn = this.key.arn;
    this.keyId = this.key.keyId;
    this.aliasName = alias.name;
    this.aliasArn = alias.arn;
    this.registerOutputs({ arn: this.arn, keyId: this.keyId, aliasName: this.aliasName });
  }
}

/**
 * The purposes whose key a deployment may adopt instead of creating one: the database's, for a DR
 * recovery (RDS restores an instance under its snapshot's key, so the recovery uses the key the DR
 * copies are encrypted with). The other keys carry grants to this deployment's own service
 * principals and roles, which an adopted key's policy would not have.
 */
export const ADOPTABLE_KEY_PURPOSES = ["database"] as const;
export type AdoptableKeyPurpose = (typeof ADOPTABLE_KEY_PURPOSES)[number];

export interface DataKeysArgs {
  /** Physical names of the deployment. */
  naming: Naming;
  /** The region the keys live in. */
  region: string;
  /** The account id; looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /** Per-purpose DR settings (multi-Region keys, extra principals). @default {} */
  replication?: Partial<Record<KeyPurpose, KeyReplicationSettings>>;
  /** Days between automatic rotations of every key. @default 365 */
  rotationPeriodInDays?: number;
  /**
   * The resources creating the service-linked roles a key's policy names (the Auto Scaling role,
   * for the compute key): those keys wait for them. @default [] (the roles exist already)
   */
  serviceLinkedRoles?: pulumi.Resource[];
  /**
   * Existing keys (ARNs, this account and region) used instead of creating the purpose's key: no
   * key or alias is created for it and `arns[purpose]` is the given ARN. Its policy is the owner's
   * (for the database, the dr stack's DR database key admits RDS and AWS Backup of this account).
   * @default {} (every key created)
   */
  adoptedKeyArns?: Partial<Record<AdoptableKeyPurpose, pulumi.Input<string>>>;
}

export function validateDataKeysArgs(args: DataKeysArgs): void {
  if (args.rotationPeriodInDays !== undefined) {
    validateRotationPeriodInDays(args.rotationPeriodInDays);
  }
  for (const [purpose, keyArn] of Object.entries(args.adoptedKeyArns ?? {})) {
    if (!(ADOPTABLE_KEY_PURPOSES as readonly string[]).includes(purpose)) {
      throw new Error(
        `adoptedKeyArns.${purpose}: only the ${ADOPTABLE_KEY_PURPOSES.join(", ")} key may be adopted; the others carry grants to this deployment's own services`,
      );
    }
    if (typeof keyArn === "string") {
      validateKmsKeyArnIn(`adoptedKeyArns.${purpose}`, keyArn, {
        region: args.region,
        accountId: typeof args.accountId === "string" ? args.accountId : undefined,
      });
    }
    if (args.replication?.[purpose as KeyPurpose] !== undefined) {
      throw new Error(
        `replication.${purpose}: the ${purpose} key is adopted (adoptedKeyArns.${purpose}), so its policy is not this deployment's to change; leave one of the two out`,
      );
    }
  }
  for (const purpose of Object.keys(args.replication ?? {})) {
    if (!(KEY_PURPOSES as readonly string[]).includes(purpose)) {
      throw new Error(
        `replication.${purpose}: unknown key purpose; the purposes are ${KEY_PURPOSES.join(", ")}`,
      );
    }
  }
}

/**
 * One customer-managed key per purpose ({@link KEY_PURPOSES}), but for the adopted ones
 * (`adoptedKeyArns`). The database key's alias follows the seed, `alias/ts-rds-<environment>`
 * (the DR snapshot tool looked it up by that name).
 */
export class DataKeys extends pulumi.ComponentResource {
  /** The keys created here: every purpose but the adopted ones. */
  readonly keys: Partial<Record<KeyPurpose, DataKey>>;
  /** The key ARN of each purpose, created or adopted. */
  readonly arns: Record<KeyPurpose, pulumi.Output<string>>;
  /** The purposes whose key was adopted, not created. */
  readonly adopted: readonly AdoptableKeyPurpose[];

  constructor(name: string, args: DataKeysArgs, opts?: pulumi.ComponentResourceOptions) {
    validateDataKeysArgs(args);
    super("tdp:data:DataKeys", name, {}, opts);
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    // The specs first, so that any bad setting throws before the first key is registered.
    const adopted = ADOPTABLE_KEY_PURPOSES.filter((p) => args.adoptedKeyArns?.[p] !== undefined);
    const specs = KEY_PURPOSES.filter((p) => !(adopted as readonly string[]).includes(p)).map((purpose) => {
      const spec: DataKeyArgs = {
        naming: args.naming,
        purpose,
        description: KEY_DESCRIPTIONS[purpose],
        region: args.region,
        accountId,
        viaServices: KEY_VIA_SERVICES[purpose],
        servicePrincipals: servicePrincipalsFor(purpose, args.region, accountId, partition),
        serviceLinkedRoleArns: serviceLinkedRolesFor(purpose, accountId, partition),
        ...(purpose === "compute" && args.serviceLinkedRoles ? { dependsOn: args.serviceLinkedRoles } : {}),
        aliasName: purpose === "database" ? `alias/ts-rds-${args.naming.environment}` : undefined,
        rotationPeriodInDays: args.rotationPeriodInDays,
        ...(args.replication?.[purpose] ?? {}),
      };
      validateDataKeyArgs(spec);
      return spec;
    });
    const keys: Partial<Record<KeyPurpose, DataKey>> = {};
    const arns = {} as Record<KeyPurpose, pulumi.Output<string>>;
    for (const spec of specs) {
      const purpose = spec.purpose as KeyPurpose;
      keys[purpose] = new DataKey(`${name}-${purpose}`, spec, { parent: this });
    }
    for (const purpose of KEY_PURPOSES) {
      const given = (args.adoptedKeyArns as Partial<Record<KeyPurpose, pulumi.Input<string>>> | undefined)?.[
        purpose
      ];
      arns[purpose] = given === undefined ? keys[purpose]!.arn : pulumi.output(given);
    }
    this.keys = keys;
    this.arns = arns;
    this.adopted = adopted;
    this.registerOutputs({ arns, adopted });
  }
}

/** Service-linked roles that use a key themselves when they launch resources. */
function serviceLinkedRolesFor(
  purpose: KeyPurpose,
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): pulumi.Input<string>[] {
  // Auto Scaling (the Windows workers, the dashboard, and the EKS managed node groups, which
  // launch through an Auto Scaling group too) creates the instances' encrypted volumes.
  return purpose === "compute" ? [autoScalingServiceLinkedRoleArn(accountId, partition)] : [];
}

/** Service principals that encrypt with a key themselves rather than for a caller. */
function servicePrincipalsFor(
  purpose: KeyPurpose,
  region: string,
  accountId: pulumi.Input<string>,
  partition: pulumi.Input<string>,
): ServicePrincipalGrant[] {
  switch (purpose) {
    case "logs":
      // CloudWatch Logs encrypts each group's data; the context names the group, so only this
      // account's groups in this region can use the key.
      return [
        {
          service: `logs.${region}.amazonaws.com`,
          actions: LOGS_KEY_ACTIONS,
          conditions: {
            ArnLike: {
              "kms:EncryptionContext:aws:logs:arn": pulumi.interpolate`arn:${partition}:logs:${region}:${accountId}:log-group:*`,
            },
          },
        },
      ];
    case "messaging":
      // CloudWatch alarms, EventBridge rules and AWS Backup notifications publish to the
      // encrypted alert topic: they need a data key for each message.
      return ["cloudwatch.amazonaws.com", "events.amazonaws.com", "backup.amazonaws.com"].map((service) => ({
        service,
        actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      }));
    default:
      return [];
  }
}
