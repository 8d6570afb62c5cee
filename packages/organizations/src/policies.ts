import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument, PolicyStatement } from "@tdp/core";
import { keyAdministrationStatement, keyUseThroughServicesStatements, policyDocument } from "@tdp/core";

/**
 * The policy documents of one organization, as pure functions of ARNs: the component turns them
 * into resources, and the isolation tests evaluate the very same documents with an IAM simulator.
 * The seed's (003) examples are the starting point, with their transcription errors corrected:
 * real action names (`ecr:ListImages`, `athena:StartQueryExecution` for the retired
 * `athena:RunQuery`, `athena:GetTableMetadata`/`ListTableMetadata` for `athena:GetTable(s)`),
 * fully qualified ARNs (region and account in KMS, ECR and Glue ARNs), no spaces in bucket names.
 */

/** What every per-organization document is built from. */
export interface OrgPolicyContext {
  orgSlug: string;
  partition: pulumi.Input<string>;
  region: string;
  accountId: pulumi.Input<string>;
  /** The organization's KMS key. */
  keyArn: pulumi.Input<string>;
  /** The shared data lake bucket (the Data Hub uploads there; Athena reads there). */
  datalakeBucketArn: pulumi.Input<string>;
  /** The shared Athena-results bucket. */
  athenaResultsBucketArn: pulumi.Input<string>;
  /** The organization's Glue database. */
  glueDatabaseName: string;
  /** The organization's Athena workgroup. */
  athenaWorkgroupName: string;
  /** The connector secrets' SSM path, `/tetrascience/<environment>/orgs/<orgSlug>/`. */
  connectorSecretsPath: string;
  /** The Data Connector image repositories (seed: `repository/data-connector-*`). */
  connectorRepositoryArn: pulumi.Input<string>;
  /** The Glue Data Catalog's key, when the catalog is encrypted (Athena reads metadata through it). */
  catalogKeyArn?: pulumi.Input<string>;
}

/** `<bucketArn>/<orgSlug>/*`: the organization's objects in a shared bucket. */
export function orgPrefixObjectsArn(bucketArn: pulumi.Input<string>, orgSlug: string): pulumi.Output<string> {
  return pulumi.interpolate`${bucketArn}/${orgSlug}/*`;
}

/** Listing a shared bucket, limited to the organization's prefix (`s3:prefix`). */
function listOwnPrefix(sid: string, bucketArn: pulumi.Input<string>, orgSlug: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: "s3:ListBucket",
    Resource: bucketArn,
    Condition: { StringLike: { "s3:prefix": [`${orgSlug}/`, `${orgSlug}/*`] } },
  };
}

/** The SSM parameter ARNs of the connector-secret path (the path itself and everything under it). */
export function connectorParameterArns(
  ctx: Pick<OrgPolicyContext, "partition" | "region" | "accountId" | "connectorSecretsPath">,
): pulumi.Output<string>[] {
  // A parameter ARN holds the name without its leading slash: parameter/tetrascience/...
  const path = ctx.connectorSecretsPath.replace(/^\//, "").replace(/\/$/, "");
  const base = pulumi.interpolate`arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:parameter/${path}`;
  return [base, pulumi.interpolate`${base}/*`];
}

/** Reading the organization's connector secrets, and decrypting them through SSM only. */
function readConnectorSecrets(ctx: OrgPolicyContext): PolicyStatement[] {
  return [
    {
      Sid: "ReadConnectorSecrets",
      Effect: "Allow",
      Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
      Resource: connectorParameterArns(ctx),
    },
    {
      Sid: "DecryptConnectorSecretsThroughSsm",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: ctx.keyArn,
      Condition: { StringEquals: { "kms:ViaService": `ssm.${ctx.region}.amazonaws.com` } },
    },
  ];
}

/**
 * The Data Hub role's policy (seed 003 "an example of an IAM policy for a Data Hub"): upload under
 * the organization's prefix only, encrypt with its key, pull the Data Connector images; plus what
 * the seed leaves implicit: decrypting through S3 under its own prefix (S3 needs kms:Decrypt to
 * complete a multipart upload of an SSE-KMS object), the ECR log-in token, and its connector secrets.
 */
export function dataHubPolicy(ctx: OrgPolicyContext): PolicyDocument {
  return policyDocument(
    {
      Sid: "UploadToS3",
      Effect: "Allow",
      Action: "s3:PutObject",
      Resource: orgPrefixObjectsArn(ctx.datalakeBucketArn, ctx.orgSlug),
    },
    {
      Sid: "AccessKMSKey",
      Effect: "Allow",
      Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: ctx.keyArn,
    },
    {
      Sid: "CompleteMultipartUploadsUnderOwnPrefix",
      Effect: "Allow",
      Action: "kms:Decrypt",
      Resource: ctx.keyArn,
      Condition: {
        StringEquals: { "kms:ViaService": `s3.${ctx.region}.amazonaws.com` },
        ArnLike: {
          "kms:EncryptionContext:aws:s3:arn": orgPrefixObjectsArn(ctx.datalakeBucketArn, ctx.orgSlug),
        },
      },
    },
    {
      Sid: "DownloadDataConnectorImages",
      Effect: "Allow",
      Action: [
        "ecr:GetDownloadUrlForLayer",
        "ecr:ListImages",
        "ecr:BatchGetImage",
        "ecr:DescribeImages",
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetRepositoryPolicy",
      ],
      Resource: ctx.connectorRepositoryArn,
    },
    {
      // ECR issues log-in tokens for the registry, not for a repository: the action takes "*" only.
      Sid: "LogInToTheRegistry",
      Effect: "Allow",
      Action: "ecr:GetAuthorizationToken",
      Resource: "*",
    },
    ...readConnectorSecrets(ctx),
  );
}

/**
 * The attachable Athena policy (seed 003, `ts-athena-<region>-<environment>-<orgSlug>-policy`) with
 * the seed's four capabilities: read the organization's data in the data lake; read and write its
 * query results under its folder of the Athena-results bucket; decrypt (and encrypt results) with
 * its key; use its Athena workgroup and its Glue database and tables.
 */
export function athenaPolicy(ctx: OrgPolicyContext): PolicyDocument {
  const glue = (resource: string) =>
    pulumi.interpolate`arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:${resource}`;
  return policyDocument(
    {
      Sid: "S3Access",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:GetObjectVersion"],
      Resource: orgPrefixObjectsArn(ctx.datalakeBucketArn, ctx.orgSlug),
    },
    listOwnPrefix("S3ListOwnPrefix", ctx.datalakeBucketArn, ctx.orgSlug),
    {
      Sid: "S3ResultsAccess",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: orgPrefixObjectsArn(ctx.athenaResultsBucketArn, ctx.orgSlug),
    },
    listOwnPrefix("S3ResultsListOwnPrefix", ctx.athenaResultsBucketArn, ctx.orgSlug),
    {
      // Athena asks where the buckets are before it reads or writes; it reveals no object.
      Sid: "S3BucketLocation",
      Effect: "Allow",
      Action: "s3:GetBucketLocation",
      Resource: [ctx.datalakeBucketArn, ctx.athenaResultsBucketArn],
    },
    {
      Sid: "AccessKMSKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: ctx.keyArn,
    },
    {
      Sid: "AthenaWorkgroup",
      Effect: "Allow",
      Action: [
        "athena:StartQueryExecution",
        "athena:StopQueryExecution",
        "athena:GetQueryExecution",
        "athena:GetQueryResults",
        "athena:BatchGetQueryExecution",
        "athena:ListQueryExecutions",
        "athena:GetWorkGroup",
      ],
      Resource: pulumi.interpolate`arn:${ctx.partition}:athena:${ctx.region}:${ctx.accountId}:workgroup/${ctx.athenaWorkgroupName}`,
    },
    {
      Sid: "AthenaCatalogMetadata",
      Effect: "Allow",
      Action: [
        "athena:GetDataCatalog",
        "athena:GetDatabase",
        "athena:GetTableMetadata",
        "athena:ListTableMetadata",
      ],
      Resource: pulumi.interpolate`arn:${ctx.partition}:athena:${ctx.region}:${ctx.accountId}:datacatalog/AwsDataCatalog`,
    },
    {
      Sid: "GluePermissions",
      Effect: "Allow",
      Action: [
        "glue:GetDatabase",
        "glue:GetTable",
        "glue:GetTables",
        "glue:GetPartition",
        "glue:GetPartitions",
        "glue:BatchGetPartition",
      ],
      Resource: [
        glue("catalog"),
        glue(`database/${ctx.glueDatabaseName}`),
        glue(`table/${ctx.glueDatabaseName}/*`),
      ],
    },
    ...(ctx.catalogKeyArn === undefined
      ? []
      : [
          {
            // The catalog's metadata is encrypted: Glue decrypts it for the caller, through Glue only.
            Sid: "DecryptCatalogMetadataThroughGlue",
            Effect: "Allow" as const,
            Action: "kms:Decrypt",
            Resource: ctx.catalogKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `glue.${ctx.region}.amazonaws.com` } },
          },
        ]),
  );
}

/**
 * What the SSM Agent on a Data Hub registered by hybrid activation needs: the actions of AWS's
 * AmazonSSMManagedInstanceCore without its `ssm:GetParameter(s)` on every parameter (which would
 * reach every organization's connector parameters), plus this organization's connector secrets.
 */
export const SSM_MANAGED_INSTANCE_ACTIONS = [
  "ssm:DescribeAssociation",
  "ssm:GetDeployablePatchSnapshotForInstance",
  "ssm:GetDocument",
  "ssm:DescribeDocument",
  "ssm:GetManifest",
  "ssm:ListAssociations",
  "ssm:ListInstanceAssociations",
  "ssm:PutInventory",
  "ssm:PutComplianceItems",
  "ssm:PutConfigurePackageResult",
  "ssm:UpdateAssociationStatus",
  "ssm:UpdateInstanceAssociationStatus",
  "ssm:UpdateInstanceInformation",
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
  "ec2messages:AcknowledgeMessage",
  "ec2messages:DeleteMessage",
  "ec2messages:FailMessage",
  "ec2messages:GetEndpoint",
  "ec2messages:GetMessages",
  "ec2messages:SendReply",
];

export function ssmManagedInstancePolicy(ctx: OrgPolicyContext): PolicyDocument {
  return policyDocument(
    { Sid: "ManagedInstanceCore", Effect: "Allow", Action: SSM_MANAGED_INSTANCE_ACTIONS, Resource: "*" },
    ...readConnectorSecrets(ctx),
  );
}

/** The role ARNs an organization's key policy names. */
export interface OrgKeyPrincipals {
  /** The Data Hub role (IoT credentials provider): encrypts directly. @default none */
  dataHubRoleArn?: pulumi.Input<string>;
}

/**
 * The organization key's policy: the account administers it (no use); principals of the account
 * use it only through S3, SSM and Glue (`kms:ViaService`), as their IAM policies allow; the Data
 * Hub role also encrypts directly (seed: "Access to encrypt and decrypt with your organization's
 * KMS key is only granted through IAM roles and policies").
 */
export function orgKeyPolicy(
  ctx: Pick<OrgPolicyContext, "partition" | "region" | "accountId">,
  principals: OrgKeyPrincipals,
): PolicyDocument {
  const root = pulumi.interpolate`arn:${ctx.partition}:iam::${ctx.accountId}:root`;
  const statements: PolicyStatement[] = [
    keyAdministrationStatement(root),
    ...keyUseThroughServicesStatements(
      root,
      ctx.accountId,
      ["s3", "ssm", "glue"].map((s) => `${s}.${ctx.region}.amazonaws.com`),
    ),
  ];
  if (principals.dataHubRoleArn !== undefined) {
    statements.push({
      Sid: "DataHubRoleEncrypts",
      Effect: "Allow",
      Principal: { AWS: principals.dataHubRoleArn },
      Action: ["kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"],
      Resource: "*",
    });
  }
  return policyDocument(...statements);
}

/** The IoT role alias ARN. */
export function roleAliasArn(
  ctx: Pick<OrgPolicyContext, "partition" | "region" | "accountId">,
  alias: string,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${ctx.partition}:iot:${ctx.region}:${ctx.accountId}:rolealias/${alias}`;
}

/**
 * The Data Hub role's trust: the IoT credentials provider, for this account's role alias only
 * (AWS IoT's confused-deputy guard: `aws:SourceAccount` and `aws:SourceArn`).
 */
export function dataHubTrustPolicy(
  ctx: Pick<OrgPolicyContext, "partition" | "region" | "accountId">,
  alias: string,
): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "credentials.iot.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": ctx.accountId },
      ArnEquals: { "aws:SourceArn": roleAliasArn(ctx, alias) },
    },
  });
}

/** The hybrid-activation service role's trust: Systems Manager acting for this account. */
export function ssmServiceTrustPolicy(
  ctx: Pick<OrgPolicyContext, "partition" | "region" | "accountId">,
): PolicyDocument {
  return policyDocument({
    Effect: "Allow",
    Principal: { Service: "ssm.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: {
      StringEquals: { "aws:SourceAccount": ctx.accountId },
      ArnLike: {
        "aws:SourceArn": pulumi.interpolate`arn:${ctx.partition}:ssm:${ctx.region}:${ctx.accountId}:*`,
      },
    },
  });
}

/** The MQTT topic root of an organization's Data Hubs: `datahub/<orgSlug>/<thing name>/...`. */
export const DATAHUB_TOPIC_ROOT = "datahub";

/** IoT's policy variable for the thing a certificate is attached to. */
const THING = "${iot:Connection.Thing.ThingName}";

/**
 * The IoT policy on every Data Hub certificate of an organization: exchange the certificate for
 * credentials of the role alias (nothing else), connect as its own thing only, and publish,
 * subscribe and receive on its own topics only.
 */
export function dataHubIotPolicy(
  ctx: Pick<OrgPolicyContext, "partition" | "region" | "accountId" | "orgSlug">,
  alias: string,
): PolicyDocument {
  const iot = (resource: string) =>
    pulumi.interpolate`arn:${ctx.partition}:iot:${ctx.region}:${ctx.accountId}:${resource}`;
  const topics = `${DATAHUB_TOPIC_ROOT}/${ctx.orgSlug}/${THING}`;
  return policyDocument(
    {
      Sid: "AssumeRoleWithCertificate",
      Effect: "Allow",
      Action: "iot:AssumeRoleWithCertificate",
      Resource: roleAliasArn(ctx, alias),
    },
    {
      Sid: "ConnectAsItsOwnThing",
      Effect: "Allow",
      Action: "iot:Connect",
      Resource: iot(`client/${THING}`),
      Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
    },
    {
      Sid: "PublishOwnTopics",
      Effect: "Allow",
      Action: ["iot:Publish", "iot:Receive"],
      Resource: [iot(`topic/${topics}`), iot(`topic/${topics}/*`)],
    },
    {
      Sid: "SubscribeOwnTopics",
      Effect: "Allow",
      Action: "iot:Subscribe",
      Resource: [iot(`topicfilter/${topics}`), iot(`topicfilter/${topics}/*`)],
    },
  );
}

/** An organization as the shared buckets' policies see it. */
export interface OrgBucketEntry {
  orgSlug: string;
  keyArn: pulumi.Input<string>;
}

/** A statement id for an organization: IAM Sids are letters and digits. */
export function orgSid(prefix: string, orgSlug: string): string {
  return `${prefix}${orgSlug
    .split("-")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("")}`;
}

/**
 * The statements a shared bucket's policy gets for the organizations: under each organization's
 * prefix, an upload naming any KMS key but that organization's is refused, so one organization's
 * key never encrypts another's data (an upload without a key header takes the bucket's default key).
 */
export function orgBucketPolicyStatements(
  bucketArn: pulumi.Input<string>,
  orgs: OrgBucketEntry[],
): PolicyStatement[] {
  const seen = new Set<string>();
  return orgs.map((org, i) => {
    let sid = orgSid("RefuseOtherKeysUnderPrefixOf", org.orgSlug);
    if (seen.has(sid)) {
      sid = `${sid}${i}`;
    }
    seen.add(sid);
    return {
      Sid: sid,
      Effect: "Deny",
      Principal: "*",
      Action: "s3:PutObject",
      Resource: orgPrefixObjectsArn(bucketArn, org.orgSlug),
      Condition: {
        StringNotEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": org.keyArn },
        Null: { "s3:x-amz-server-side-encryption-aws-kms-key-id": "false" },
      },
    };
  });
}
