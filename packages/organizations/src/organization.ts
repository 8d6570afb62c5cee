import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";
import { ServiceRole, policyJson, statefulResourceOptions } from "@tdp/core";

import type { OrganizationNames } from "./names";
import { organizationNames, validateOrgSlug } from "./names";
import type { OrgPolicyContext } from "./policies";
import {
  athenaPolicy,
  dataHubIotPolicy,
  dataHubPolicy,
  dataHubTrustPolicy,
  orgKeyPolicy,
  ssmManagedInstancePolicy,
  ssmServiceTrustPolicy,
} from "./policies";

/** Seed 003: "Temporary credentials are requested every 30 minutes and are valid for 1 hour." */
export const DEFAULT_CREDENTIAL_DURATION_SECONDS = 3600;
/** The IoT credentials provider issues credentials for 900 to 43200 seconds; the platform caps it at the seed's hour. */
export const MIN_CREDENTIAL_DURATION_SECONDS = 900;
export const MAX_CREDENTIAL_DURATION_SECONDS = 3600;

export interface OrganizationArgs {
  /** The organization's orgSlug (seed 003): its top-level prefix in the shared buckets. */
  orgSlug: string;
  /** Physical names of the deployment (environment, role names). */
  naming: Naming;
  /** Seed 001 IAMRolePrefix and IAMBoundaryPolicy, for the roles and the optional user. */
  iam: IamSettings;
  /** The region the organization's resources live in. */
  region: string;
  /** The account id; looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /** The shared buckets the organization has a prefix in (physical names). */
  buckets: { datalake: pulumi.Input<string>; athenaResults: pulumi.Input<string> };
  /**
   * Provision the Data Hub: the IoT credentials-provider role, its role alias and IoT policy, and
   * the SSM hybrid-activation service role. @default true
   */
  dataHub?: boolean;
  /**
   * Seed AthenaCreateIamUser: an IAM user with only the Athena policy. Off by default (seed 000:
   * "we do NOT create IAM users"): a user has long-lived access keys, which the platform then
   * cannot rotate or revoke for you. @default false
   */
  athenaCreateIamUser?: boolean;
  /** Seconds the Data Hub's credentials are valid, 900 to 3600. @default 3600 (seed: 1 hour) */
  credentialDurationSeconds?: number;
  /** Days between rotations of the organization key. @default 365 (seed 003: yearly) */
  keyRotationPeriodInDays?: number;
  /** Waiting period of a scheduled deletion of the key, 7 to 30 days. @default 30 */
  keyDeletionWindowInDays?: number;
  /**
   * The Data Connector image repositories the Data Hub pulls from.
   * @default `arn:<partition>:ecr:<region>:<account>:repository/data-connector-*`
   */
  connectorRepositoryArn?: pulumi.Input<string>;
  /**
   * The Glue Data Catalog's key ({@link DataCatalogEncryption}): the Athena policy may decrypt
   * catalog metadata with it through Glue. @default none (an unencrypted catalog)
   */
  catalogKeyArn?: pulumi.Input<string>;
}

/** Checks the arguments; throws naming the field, the value, the rule and the fix. */
export function validateOrganizationArgs(args: OrganizationArgs): void {
  validateOrgSlug(args.orgSlug, args.region, args.naming.environment, {
    athenaCreateIamUser: args.athenaCreateIamUser ?? false,
  });
  const duration = args.credentialDurationSeconds ?? DEFAULT_CREDENTIAL_DURATION_SECONDS;
  if (
    !Number.isInteger(duration) ||
    duration < MIN_CREDENTIAL_DURATION_SECONDS ||
    duration > MAX_CREDENTIAL_DURATION_SECONDS
  ) {
    throw new Error(
      `credentialDurationSeconds ${duration} must be a whole number from ${MIN_CREDENTIAL_DURATION_SECONDS} to ${MAX_CREDENTIAL_DURATION_SECONDS} (IoT's minimum; the seed's one hour at most, refreshed every 30 minutes)`,
    );
  }
  const rotation = args.keyRotationPeriodInDays ?? 365;
  if (!Number.isInteger(rotation) || rotation < 90 || rotation > 2560) {
    throw new Error(
      `keyRotationPeriodInDays ${rotation} must be a whole number from 90 to 2560 (KMS's automatic rotation range; the seed asks for 365)`,
    );
  }
  const window = args.keyDeletionWindowInDays ?? 30;
  if (!Number.isInteger(window) || window < 7 || window > 30) {
    throw new Error(`keyDeletionWindowInDays ${window} must be a whole number from 7 to 30 (KMS's range)`);
  }
}

/**
 * One organization of the platform (seed 003), declared instead of clicked: its own KMS key, the
 * Athena policy named as the seed says, its Glue database and Athena workgroup, the Data Hub's IoT
 * credentials provider (role, role alias, IoT policy) and SSM hybrid-activation role, and the SSM
 * path of its connector secrets. Its isolation in the shared buckets comes from the IAM policies
 * here and from {@link orgBucketPolicyStatements} in the buckets' policies.
 */
export class Organization extends pulumi.ComponentResource {
  readonly orgSlug: string;
  readonly names: OrganizationNames;
  readonly key: aws.kms.Key;
  readonly keyArn: pulumi.Output<string>;
  readonly keyAliasName: pulumi.Output<string>;
  readonly athenaPolicy: aws.iam.Policy;
  readonly athenaPolicyArn: pulumi.Output<string>;
  readonly athenaPolicyName: pulumi.Output<string>;
  readonly glueDatabaseName: pulumi.Output<string>;
  readonly workgroupName: pulumi.Output<string>;
  /** `/tetrascience/<environment>/orgs/<orgSlug>/`. */
  readonly connectorSecretsPath: string;
  /** The Data Hub role (IoT credentials provider); undefined with dataHub off. */
  readonly dataHubRoleArn: pulumi.Output<string> | undefined;
  readonly ssmServiceRoleArn: pulumi.Output<string> | undefined;
  readonly ssmServiceRoleName: pulumi.Output<string> | undefined;
  readonly roleAliasName: pulumi.Output<string> | undefined;
  readonly roleAliasArn: pulumi.Output<string> | undefined;
  readonly iotPolicyName: pulumi.Output<string> | undefined;
  /** The AthenaCreateIamUser user, when asked for. */
  readonly athenaUserName: pulumi.Output<string> | undefined;

  constructor(name: string, args: OrganizationArgs, opts?: pulumi.ComponentResourceOptions) {
    validateOrganizationArgs(args);
    // The slug is the component's one input: the policy pack reads it to check the children.
    super("tdp:organizations:Organization", name, { orgSlug: args.orgSlug }, opts);
    const slug = args.orgSlug;
    const names = organizationNames(slug, args.region, args.naming.environment);
    this.orgSlug = slug;
    this.names = names;
    this.connectorSecretsPath = names.connectorSecretsPath;
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const dataHub = args.dataHub ?? true;
    const where = { partition, region: args.region, accountId };

    // The roles first: the key policy names the Data Hub role, and KMS rejects unknown principals.
    const dataHubRole = dataHub
      ? new ServiceRole(
          `${name}-datahub`,
          {
            naming: args.naming,
            purpose: `org-${slug}-datahub`,
            iam: args.iam,
            description: `Data Hub of organization ${slug}: AWS IoT credentials provider (role alias ${names.iotRoleAlias})`,
            assumeRolePolicy: dataHubTrustPolicy(where, names.iotRoleAlias),
          },
          { parent: this },
        )
      : undefined;
    const ssmRole = dataHub
      ? new ServiceRole(
          `${name}-ssm`,
          {
            naming: args.naming,
            purpose: `org-${slug}-ssm`,
            iam: args.iam,
            description: `Data Hub of organization ${slug}: service role of its SSM hybrid activations`,
            assumeRolePolicy: ssmServiceTrustPolicy(where),
          },
          { parent: this },
        )
      : undefined;

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${args.naming.base}: organization ${slug} (its data, query results and connector secrets)`,
        keyUsage: "ENCRYPT_DECRYPT",
        // SYMMETRIC_DEFAULT is AES-256-GCM (seed 003).
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        enableKeyRotation: true,
        rotationPeriodInDays: args.keyRotationPeriodInDays ?? 365,
        deletionWindowInDays: args.keyDeletionWindowInDays ?? 30,
        policy: policyJson(orgKeyPolicy(where, { dataHubRoleArn: dataHubRole?.arn })),
      },
      statefulResourceOptions({ parent: this }),
    );
    const alias = new aws.kms.Alias(
      `${name}-key-alias`,
      { name: names.keyAlias, targetKeyId: this.key.keyId },
      { parent: this },
    );
    this.keyArn = this.key.arn;
    this.keyAliasName = alias.name;

    const datalakeBucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.buckets.datalake}`;
    const athenaResultsBucketArn = pulumi.interpolate`arn:${partition}:s3:::${args.buckets.athenaResults}`;
    const ctx: OrgPolicyContext = {
      orgSlug: slug,
      ...where,
      keyArn: this.key.arn,
      datalakeBucketArn,
      athenaResultsBucketArn,
      glueDatabaseName: names.glueDatabase,
      athenaWorkgroupName: names.athenaWorkgroup,
      connectorSecretsPath: names.connectorSecretsPath,
      connectorRepositoryArn:
        args.connectorRepositoryArn ??
        pulumi.interpolate`arn:${partition}:ecr:${args.region}:${accountId}:repository/data-connector-*`,
      catalogKeyArn: args.catalogKeyArn,
    };

    // Catalog metadata of the organization's tables: kept when the organization is removed.
    const database = new aws.glue.CatalogDatabase(
      `${name}-glue-database`,
      {
        name: names.glueDatabase,
        description: pulumi.interpolate`Tables of organization ${slug} (data under s3://${args.buckets.datalake}/${slug}/)`,
        catalogId: accountId,
      },
      statefulResourceOptions({ parent: this }),
    );
    this.glueDatabaseName = database.name;

    const workgroup = new aws.athena.Workgroup(
      `${name}-workgroup`,
      {
        name: names.athenaWorkgroup,
        description: `Athena queries of organization ${slug}; results under its folder, encrypted with its key`,
        state: "ENABLED",
        forceDestroy: false,
        configuration: {
          enforceWorkgroupConfiguration: true,
          publishCloudwatchMetricsEnabled: true,
          resultConfiguration: {
            outputLocation: pulumi.interpolate`s3://${args.buckets.athenaResults}/${slug}/`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: this.key.arn },
            expectedBucketOwner: accountId,
          },
        },
      },
      // The name is fixed and a new name replaces the workgroup: delete the old one first, or the
      // new one collides with it.
      { parent: this, deleteBeforeReplace: true },
    );
    this.workgroupName = workgroup.name;

    this.athenaPolicy = new aws.iam.Policy(
      `${name}-athena-policy`,
      {
        name: names.athenaPolicy,
        description: `Athena access of organization ${slug} (seed 003): its data, results, key, workgroup and Glue database`,
        policy: policyJson(athenaPolicy(ctx)),
      },
      // The seed fixes the name, so a replacement (a renamed region or environment) must delete
      // the old policy first; detach it from users and roles outside this program before that.
      { parent: this, deleteBeforeReplace: true },
    );
    this.athenaPolicyArn = this.athenaPolicy.arn;
    this.athenaPolicyName = this.athenaPolicy.name;

    if (args.athenaCreateIamUser ?? false) {
      const user = new aws.iam.User(
        `${name}-athena-user`,
        {
          name: names.athenaUser,
          permissionsBoundary: args.iam.permissionsBoundaryArn || undefined,
          forceDestroy: false,
        },
        // A fixed name: a replacement must delete the old user first.
        { parent: this, deleteBeforeReplace: true },
      );
      new aws.iam.UserPolicyAttachment(
        `${name}-athena-user-policy`,
        { user: user.name, policyArn: this.athenaPolicy.arn },
        { parent: this },
      );
      this.athenaUserName = user.name;
    }

    if (dataHubRole !== undefined && ssmRole !== undefined) {
      new aws.iam.RolePolicy(
        `${name}-datahub-policy`,
        { role: dataHubRole.roleName, name: "datahub", policy: policyJson(dataHubPolicy(ctx)) },
        { parent: this },
      );
      new aws.iam.RolePolicy(
        `${name}-ssm-policy`,
        {
          role: ssmRole.roleName,
          name: "managed-instance",
          policy: policyJson(ssmManagedInstancePolicy(ctx)),
        },
        { parent: this },
      );
      const roleAlias = new aws.iot.RoleAlias(
        `${name}-role-alias`,
        {
          alias: names.iotRoleAlias,
          roleArn: dataHubRole.arn,
          credentialDuration: args.credentialDurationSeconds ?? DEFAULT_CREDENTIAL_DURATION_SECONDS,
        },
        // A fixed alias name: a replacement must delete the old alias first.
        { parent: this, deleteBeforeReplace: true },
      );
      const iotPolicy = new aws.iot.Policy(
        `${name}-iot-policy`,
        { name: names.iotPolicy, policy: policyJson(dataHubIotPolicy(ctx, names.iotRoleAlias)) },
        // A fixed name: a replacement must delete the old policy first (detach it from the Data
        // Hub certificates before; IoT refuses to delete an attached policy).
        { parent: this, deleteBeforeReplace: true, dependsOn: [roleAlias] },
      );
      this.dataHubRoleArn = dataHubRole.arn;
      this.ssmServiceRoleArn = ssmRole.arn;
      this.ssmServiceRoleName = ssmRole.roleName;
      this.roleAliasName = roleAlias.alias;
      this.roleAliasArn = roleAlias.arn;
      this.iotPolicyName = iotPolicy.name;
    }

    this.registerOutputs({
      keyArn: this.keyArn,
      athenaPolicyArn: this.athenaPolicyArn,
      glueDatabaseName: this.glueDatabaseName,
      workgroupName: this.workgroupName,
      connectorSecretsPath: this.connectorSecretsPath,
      dataHubRoleArn: this.dataHubRoleArn,
      ssmServiceRoleArn: this.ssmServiceRoleArn,
      roleAliasName: this.roleAliasName,
      iotPolicyName: this.iotPolicyName,
    });
  }
}
