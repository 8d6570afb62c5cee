import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming, PolicyStatement } from "@tdp/core";
import {
  LAMBDA_VPC_NETWORK_INTERFACES,
  ServiceRole,
  allow,
  lambdaArchive,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

import type { AlarmTarget } from "./alarms";
import { createAlarm } from "./alarms";
import { createLogGroup } from "./log-group";
import type { AuditLoggingArgs } from "./snapshot/audit-logging";
import { auditLoggingProblems, auditLoggingSettingsFor } from "./snapshot/audit-logging";
import { DEFAULT_MAPPABLE_OPENSEARCH_ROLES, openSearchRoleProblem } from "./snapshot/role-mappings";
import type { SearchRestoreArgs } from "./snapshot/restore-choice";
import { LATEST_SNAPSHOT, validateSearchRestore } from "./snapshot/restore-choice";
import type { SlowLogArgs } from "./snapshot/slow-logs";
import { slowLogSettingsFor, slowLogThresholdProblems } from "./snapshot/slow-logs";
import {
  DEFAULT_DATA_INSTANCE_COUNT,
  DEFAULT_DATA_INSTANCE_TYPE,
  DEFAULT_MASTER_INSTANCE_COUNT,
  DEFAULT_MASTER_INSTANCE_TYPE,
  DEFAULT_MINIMUM_SNAPSHOTS,
  DEFAULT_SEARCH_ENGINE_VERSION,
  DEFAULT_SNAPSHOT_INTERVAL_HOURS,
  DEFAULT_SNAPSHOT_RETENTION_DAYS,
  DEFAULT_VOLUME_SIZE_GIB,
  isBurstableSearchInstanceType,
  normalizeSearchInstanceType,
  validateSearchSettings,
} from "./search-validation";
import { validateBucketName } from "./validation";

// The audit and slow-log arguments and their validators, for the stack's config schema.
export type { AuditLoggingArgs } from "./snapshot/audit-logging";
export {
  AUDIT_REST_CATEGORIES,
  AUDIT_TRANSPORT_CATEGORIES,
  DEFAULT_DISABLED_AUDIT_CATEGORIES,
  auditLoggingProblems,
} from "./snapshot/audit-logging";
export type { SearchRestoreArgs } from "./snapshot/restore-choice";
export { LATEST_SNAPSHOT, indexMatches, validateSearchRestore } from "./snapshot/restore-choice";
export type { SlowLogArgs, SlowLogThreshold } from "./snapshot/slow-logs";
export {
  DEFAULT_SLOW_LOG_THRESHOLDS,
  SLOW_LOG_SETTINGS,
  slowLogThresholdProblems,
} from "./snapshot/slow-logs";

/** The log types the domain publishes, and the short name of each one's log group. */
export const SEARCH_LOG_TYPES = {
  ES_APPLICATION_LOGS: "application",
  INDEX_SLOW_LOGS: "index-slow",
  SEARCH_SLOW_LOGS: "search-slow",
  AUDIT_LOGS: "audit",
} as const;
export type SearchLogType = keyof typeof SEARCH_LOG_TYPES;

/** TLS 1.2 minimum with forward-secret ciphers only (seed 001 post-deployment task 4, FSBP Opensearch.8). */
export const SEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";

/** Where the snapshots go (seed EsBackupInterval) and how long they stay. */
export interface SearchSnapshotArgs {
  /** The backup bucket (`DataBuckets.buckets.backup.bucketName`). */
  bucketName: pulumi.Input<string>;
  /** Its ARN. */
  bucketArn: pulumi.Input<string>;
  /** The bucket's default-encryption key (the backup key): the snapshot role writes through S3 with it. */
  bucketKmsKeyArn: pulumi.Input<string>;
  /** S3 prefix of the repository in the bucket. @default "opensearch" */
  basePath?: string;
  /** Seed EsBackupInterval: hours between snapshots, dividing 24. @default 6 */
  intervalHours?: number;
  /** Our snapshots older than this are deleted... @default 14 */
  retentionDays?: number;
  /** ...except the newest this many successful ones. @default 4 */
  minimumSnapshots?: number;
  /** Name of the repository registered in the domain. @default "tdp-s3" */
  repositoryName?: string;
  /**
   * A dead-letter queue for failed asynchronous invocations (CKV_AWS_116), encrypted with this
   * key (the messaging key: its policy admits SQS). Absent: no queue. @default none
   */
  deadLetterQueueKmsKeyArn?: pulumi.Input<string>;
  /** Key of the function's environment variables (CKV_AWS_173; the secrets key admits Lambda). @default AWS-managed */
  environmentKmsKeyArn?: pulumi.Input<string>;
  /** The function's deployment package; tests pass a small one. @default the bundled src/snapshot/handler.ts */
  code?: pulumi.asset.Archive;
}

/** Role mappings the snapshot function keeps in the domain (docs/operations.md). */
export interface SearchRoleMappingsArgs {
  /**
   * The SSM String parameter (a path, `/...`) holding `{ "<OpenSearch role>": ["<IAM role ARN>", ...] }`;
   * written by the service layer, possibly later than the domain: a missing parameter is nothing to do.
   */
  parameterName: string;
  /**
   * OpenSearch roles the document may name; `all_access`, `security_manager`, `manage_snapshots`
   * and `kibana_server` never. @default ["readall", "readall_and_monitor", "tdp_platform"]
   */
  allowedRoles?: string[];
  /**
   * The VPC interface endpoints' security group (`Network.endpointSecurityGroupId`): the function
   * gets egress 443 to it to reach SSM. Absent: no rule (SSM reached another way). @default none
   */
  endpointSecurityGroupId?: pulumi.Input<string>;
}

export interface SearchDomainArgs {
  /** Physical names of the deployment. */
  naming: Naming;
  /** Seed IAMRolePrefix and IAMBoundaryPolicy. */
  iam: IamSettings;
  /** The region of the domain. */
  region: string;
  /** The account id; looked up when absent. @default caller identity */
  accountId?: pulumi.Input<string>;
  /** The VPC (`Network.vpcId`). */
  vpcId: pulumi.Input<string>;
  /**
   * The network's private subnets, one per zone in zone order (`Network.privateSubnetIds`); the
   * domain and the snapshot function use the first `availabilityZoneCount`.
   */
  privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Zones the domain spans (zone awareness): the network's zone count, 2 or 3. */
  availabilityZoneCount: number;
  /** The search key (`DataKeys.arns.search`): encryption at rest. */
  kmsKeyArn: pulumi.Input<string>;
  /** The logs key (`DataKeys.arns.logs`) for the domain's and the function's log groups. */
  logsKmsKeyArn: pulumi.Input<string>;
  /** Seed LogRetentionDays. @default 90 */
  logRetentionDays?: number;
  /** Security groups admitted on 443 (the service layer's). More can be added with `securityGroupId`. @default [] */
  clientSecurityGroupIds?: pulumi.Input<string>[];
  /** Seed EsMasterInstanceType (`.elasticsearch` names map to `.search`). @default "m6g.large.search" */
  masterInstanceType?: string;
  /** Dedicated master nodes: 3 or 5. @default 3 */
  masterInstanceCount?: number;
  /** Seed EsDatanodeInstanceType. @default "m6g.large.search" */
  dataInstanceType?: string;
  /** Seed EsDatanodeInstanceCount: 3 or more, a multiple of availabilityZoneCount. @default 3 */
  dataInstanceCount?: number;
  /** Seed EsDatanodeVolumeSize: gp3 GiB per data node. @default 100 */
  volumeSizeGiB?: number;
  /** @default "OpenSearch_2.19" */
  engineVersion?: string;
  /** The domain's name (3-28 characters). @default `<infrastructureName>-<environment>-search`, shortened */
  domainName?: string;
  /**
   * Principals (role ARNs) allowed to assume the fine-grained-access master role, for operators.
   * The snapshot function runs as that role. @default []
   */
  adminPrincipalArns?: pulumi.Input<string>[];
  /** Snapshots to the backup bucket. */
  snapshots: SearchSnapshotArgs;
  /** The alert topic: cluster status, storage, JVM pressure and snapshot alarms. Absent: no alarms. */
  alarms?: AlarmTarget;
  /**
   * Resources the domain must wait for: the OpenSearch service-linked role when the same
   * deployment creates it (`ServiceLinkedRoles`), since a VPC domain cannot be created before it.
   * @default []
   */
  dependsOn?: pulumi.Resource[];
  /** Role mappings reconciled by the snapshot function on each run. Absent: none (an operator maps). @default none */
  roleMappings?: SearchRoleMappingsArgs;
  /** Hour (UTC) the 10-hour off-peak window for service software updates and Auto-Tune starts. @default 2 */
  offPeakWindowStartHourUtc?: number;
  /**
   * Audit logging inside OpenSearch, kept by the snapshot function on each run: without it the
   * audit log group stays empty. @default enabled, REST and transport, AUTHENTICATED and
   * GRANTED_PRIVILEGES not logged, compliance logging on
   */
  auditLogging?: AuditLoggingArgs;
  /**
   * Slow-log thresholds the snapshot function sets on every non-system index on each run: without
   * them the slow-log groups stay empty. @default enabled, {@link DEFAULT_SLOW_LOG_THRESHOLDS}
   */
  slowLogs?: SlowLogArgs;
  /**
   * Restore indices from the snapshot repository once, after the domain and the function exist (a
   * DR recovery, the repository being the replicated backup bucket): the function is invoked with
   * `{"action": "restore", ...}`, on creation and again whenever these settings change. It starts
   * the restore and returns; already present indices are left alone. @default none (no restore)
   */
  restore?: SearchRestoreArgs;
}

/** The master role's trust policy statement for the snapshot function. */
const LAMBDA_SERVICE = "lambda.amazonaws.com";

/** Checks every argument; throws naming the field, the value and the rule. */
export function validateSearchDomainArgs(args: SearchDomainArgs): void {
  const s = args.snapshots;
  validateSearchSettings(
    {
      masterInstanceType: args.masterInstanceType,
      masterInstanceCount: args.masterInstanceCount,
      dataInstanceType: args.dataInstanceType,
      dataInstanceCount: args.dataInstanceCount,
      volumeSizeGiB: args.volumeSizeGiB,
      engineVersion: args.engineVersion,
      snapshotIntervalHours: s.intervalHours,
      snapshotRetentionDays: s.retentionDays,
      minimumSnapshots: s.minimumSnapshots,
      snapshotBasePath: s.basePath,
    },
    args.availabilityZoneCount,
  );
  if (args.domainName !== undefined && !/^[a-z][a-z0-9-]{2,27}$/.test(args.domainName)) {
    throw new Error(
      `domainName "${args.domainName}" must be 3 to 28 lowercase letters, digits and hyphens, starting with a letter`,
    );
  }
  if (s.repositoryName !== undefined && !/^[a-z0-9][a-z0-9_-]{0,99}$/.test(s.repositoryName)) {
    throw new Error(
      `snapshots.repositoryName "${s.repositoryName}" must be lowercase letters, digits, _ and -`,
    );
  }
  if (typeof s.bucketName === "string") {
    validateBucketName("snapshots.bucketName", s.bucketName);
  }
  const mappings = args.roleMappings;
  if (mappings !== undefined) {
    if (!/^\/[A-Za-z0-9_.\-/]{1,1010}$/.test(mappings.parameterName)) {
      throw new Error(
        `roleMappings.parameterName "${mappings.parameterName}" must be an SSM parameter path: /, then letters, digits, _ . - and /`,
      );
    }
    for (const role of mappings.allowedRoles ?? []) {
      const problem = openSearchRoleProblem(role);
      if (problem) {
        throw new Error(`roleMappings.allowedRoles: ${problem}`);
      }
    }
    if (mappings.allowedRoles !== undefined && mappings.allowedRoles.length === 0) {
      throw new Error(
        "roleMappings.allowedRoles is empty: name at least one OpenSearch role, or leave it out",
      );
    }
  }
  const [auditProblem] = auditLoggingProblems(args.auditLogging ?? {});
  if (auditProblem) {
    throw new Error(`auditLogging.${auditProblem.message}`);
  }
  const [slowLogProblem] = slowLogThresholdProblems(args.slowLogs?.thresholds ?? {});
  if (slowLogProblem) {
    throw new Error(`slowLogs.thresholds.${slowLogProblem.message}`);
  }
  if (args.restore !== undefined) {
    validateSearchRestore(args.restore, "restore");
  }
  const hour = args.offPeakWindowStartHourUtc ?? 2;
  if (!Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new Error(`offPeakWindowStartHourUtc ${hour} must be a whole hour from 0 to 23`);
  }
}

/**
 * The snapshot function's deployment package: the folder holding `index.js`, bundled from
 * src/snapshot/handler.ts (prebuilt in dist/bundles/snapshot when the package is installed).
 */
export function snapshotFunctionCode(): pulumi.asset.FileArchive {
  return lambdaArchive("@tdp/data", __dirname, "snapshot");
}

/**
 * The platform's OpenSearch domain (seed 001 Elasticsearch): in the VPC's private subnets with its
 * own security group, dedicated masters, zone awareness, gp3 volumes, encryption at rest with the
 * search key, node-to-node encryption, HTTPS only with TLS 1.2+, fine-grained access control with
 * an IAM master role, its four log types in encrypted log groups (with the CloudWatch Logs resource
 * policy that admits the service to exactly those), snapshots to the backup bucket every
 * `intervalHours` by a scheduled function, and alarms.
 */
export class SearchDomain extends pulumi.ComponentResource {
  readonly domain: aws.opensearch.Domain;
  readonly domainName: pulumi.Output<string>;
  readonly domainArn: pulumi.Output<string>;
  /** The VPC endpoint's host name (HTTPS on 443). */
  readonly endpoint: pulumi.Output<string>;
  /** The domain's security group: the service layer adds its ingress from its own groups. */
  readonly securityGroupId: pulumi.Output<string>;
  /** The snapshot function's security group (egress 443 to the domain only). */
  readonly snapshotFunctionSecurityGroupId: pulumi.Output<string>;
  /** The fine-grained access control master role (the snapshot function runs as it). */
  readonly masterRoleArn: pulumi.Output<string>;
  /** The role OpenSearch assumes to write snapshots to the bucket. */
  readonly snapshotRoleArn: pulumi.Output<string>;
  readonly snapshotFunctionName: pulumi.Output<string>;
  readonly snapshotRepository: string;
  /** Log group ARN by log type. */
  readonly logGroupArns: Record<SearchLogType, pulumi.Output<string>>;
  readonly alarmNames: pulumi.Output<string>[];
  /** What the restore invocation started (the function's answer, JSON); absent without `restore`. */
  readonly restoreResult?: pulumi.Output<string>;

  constructor(name: string, args: SearchDomainArgs, opts?: pulumi.ComponentResourceOptions) {
    validateSearchDomainArgs(args);
    super("tdp:data:SearchDomain", name, {}, opts);
    const child = { parent: this };
    const { naming, region } = args;
    const accountId = args.accountId ?? aws.getCallerIdentityOutput({}, child).accountId;
    const partition = aws.getPartitionOutput({}, child).partition;

    const masterType = normalizeSearchInstanceType(
      "masterInstanceType",
      args.masterInstanceType ?? DEFAULT_MASTER_INSTANCE_TYPE,
    );
    const dataType = normalizeSearchInstanceType(
      "dataInstanceType",
      args.dataInstanceType ?? DEFAULT_DATA_INSTANCE_TYPE,
    );
    const zones = args.availabilityZoneCount;
    const domainName = args.domainName ?? naming.name("openSearchDomain", "search");
    const domainArn = pulumi.interpolate`arn:${partition}:es:${region}:${accountId}:domain/${domainName}`;
    const subnetIds = pulumi.output(args.privateSubnetIds).apply((ids) => {
      if (ids.length < zones) {
        throw new Error(
          `privateSubnetIds has ${ids.length} subnets; the domain spans ${zones} zones and needs one in each`,
        );
      }
      return ids.slice(0, zones);
    });
    const snap = args.snapshots;
    const basePath = snap.basePath ?? "opensearch";
    const repository = snap.repositoryName ?? "tdp-s3";
    const interval = snap.intervalHours ?? DEFAULT_SNAPSHOT_INTERVAL_HOURS;
    const logSettings = { retentionDays: args.logRetentionDays, kmsKeyArn: args.logsKmsKeyArn };

    // ---- Network: the domain's group admits 443 from the clients and the snapshot function only.
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        namePrefix: `${naming.name("securityGroup", "search")}-`,
        description: "OpenSearch domain: HTTPS from the admitted client groups only",
        tags: { Name: naming.name("securityGroup", "search") },
      },
      child,
    );
    const functionSg = new aws.ec2.SecurityGroup(
      `${name}-snapshot-sg`,
      {
        vpcId: args.vpcId,
        namePrefix: `${naming.name("securityGroup", "search-snapshots")}-`,
        description: "OpenSearch snapshot function: HTTPS to the domain only",
        tags: { Name: naming.name("securityGroup", "search-snapshots") },
      },
      child,
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-snapshot-to-domain`,
      {
        securityGroupId: functionSg.id,
        referencedSecurityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        description: "HTTPS to the OpenSearch domain",
      },
      child,
    );
    const mappings = args.roleMappings;
    if (mappings?.endpointSecurityGroupId !== undefined) {
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-snapshot-to-endpoints`,
        {
          securityGroupId: functionSg.id,
          referencedSecurityGroupId: mappings.endpointSecurityGroupId,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: "HTTPS to the VPC interface endpoints (SSM: the role mapping parameter)",
        },
        child,
      );
    }
    const clients: pulumi.Input<string>[] = [functionSg.id, ...(args.clientSecurityGroupIds ?? [])];
    clients.forEach((groupId, i) => {
      new aws.vpc.SecurityGroupIngressRule(
        i === 0 ? `${name}-from-snapshot-function` : `${name}-from-client-${i}`,
        {
          securityGroupId: sg.id,
          referencedSecurityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          description: i === 0 ? "HTTPS from the snapshot function" : "HTTPS from an admitted client group",
        },
        child,
      );
    });

    // ---- Logs: four encrypted groups and the resource policy admitting the service to them only.
    const logGroups = {} as Record<SearchLogType, aws.cloudwatch.LogGroup>;
    for (const [logType, short] of Object.entries(SEARCH_LOG_TYPES) as [SearchLogType, string][]) {
      logGroups[logType] = createLogGroup(
        `${name}-logs-${short}`,
        naming.logGroupName(`opensearch/${short}`),
        logSettings,
        child,
      );
    }
    const logPolicy = new aws.cloudwatch.LogResourcePolicy(
      `${name}-log-policy`,
      {
        policyName: naming.name("generic", "opensearch-logs"),
        policyDocument: policyJson(
          policyDocument({
            Sid: "OpenSearchWritesItsLogGroups",
            Effect: "Allow",
            Principal: { Service: "es.amazonaws.com" },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: Object.values(logGroups).map((g) => pulumi.interpolate`${g.arn}:*`),
            // Only this account's domain of this name: no other domain may write here.
            Condition: {
              StringEquals: { "aws:SourceAccount": accountId },
              ArnLike: { "aws:SourceArn": domainArn },
            },
          }),
        ),
      },
      child,
    );

    // ---- Roles: the snapshot role OpenSearch assumes, and the master role.
    const bucketArn = pulumi.output(snap.bucketArn);
    const snapshotRole = new ServiceRole(
      `${name}-snapshot-role`,
      {
        naming,
        iam: args.iam,
        purpose: "search-snapshots",
        services: ["es.amazonaws.com"],
        sourceAccount: accountId,
        description: "OpenSearch writes the domain's snapshots to the backup bucket",
        inlinePolicies: {
          "snapshot-bucket": policyDocument(
            allow("s3:ListBucket", bucketArn, {
              Condition: { StringLike: { "s3:prefix": [basePath, `${basePath}/*`] } },
            }),
            allow(
              ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
              pulumi.interpolate`${bucketArn}/${basePath}/*`,
            ),
            allow(["kms:GenerateDataKey", "kms:Decrypt"], snap.bucketKmsKeyArn, {
              Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
            }),
          ),
        },
      },
      child,
    );

    const logGroupFn = createLogGroup(
      `${name}-snapshot-logs`,
      naming.logGroupName("opensearch/snapshot-function"),
      logSettings,
      child,
    );
    const dlq =
      snap.deadLetterQueueKmsKeyArn === undefined
        ? undefined
        : new aws.sqs.Queue(
            `${name}-snapshot-dlq`,
            {
              name: naming.name("sqsQueue", "search-snapshot-dlq"),
              kmsMasterKeyId: snap.deadLetterQueueKmsKeyArn,
              kmsDataKeyReusePeriodSeconds: 300,
              messageRetentionSeconds: 1209600,
            },
            child,
          );
    const trust: PolicyStatement[] = [
      {
        Sid: "SnapshotFunction",
        Effect: "Allow",
        Principal: { Service: LAMBDA_SERVICE },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ];
    if ((args.adminPrincipalArns ?? []).length > 0) {
      trust.push({
        Sid: "Operators",
        Effect: "Allow",
        Principal: { AWS: args.adminPrincipalArns! },
        Action: "sts:AssumeRole",
      });
    }
    const functionStatements: PolicyStatement[] = [
      allow(
        ["es:ESHttpGet", "es:ESHttpPut", "es:ESHttpPost", "es:ESHttpDelete"],
        [domainArn, pulumi.interpolate`${domainArn}/*`],
      ),
      // Registering the repository hands the snapshot role to OpenSearch.
      allow("iam:PassRole", snapshotRole.arn, {
        Condition: { StringEquals: { "iam:PassedToService": "es.amazonaws.com" } },
      }),
    ];
    const masterRole = new ServiceRole(
      `${name}-master-role`,
      {
        naming,
        iam: args.iam,
        purpose: "search-master",
        assumeRolePolicy: policyDocument(...trust),
        description:
          "Fine-grained access control master of the OpenSearch domain; the snapshot function runs as it",
        inlinePolicies: {
          "domain-http": policyDocument(...functionStatements),
          "own-logs": policyDocument(
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${logGroupFn.arn}:*`),
          ),
          // Lambda attaches the function to the VPC through network interfaces it manages.
          "vpc-network-interfaces": policyDocument(LAMBDA_VPC_NETWORK_INTERFACES),
          // The role mapping document: exactly that String parameter (ARNs are not secret: no KMS).
          ...(mappings
            ? {
                "role-mappings-parameter": policyDocument(
                  allow(
                    "ssm:GetParameter",
                    pulumi.interpolate`arn:${partition}:ssm:${region}:${accountId}:parameter${mappings.parameterName}`,
                  ),
                ),
              }
            : {}),
          ...(dlq
            ? {
                "dead-letter-queue": policyDocument(
                  allow("sqs:SendMessage", dlq.arn),
                  allow(["kms:GenerateDataKey", "kms:Decrypt"], snap.deadLetterQueueKmsKeyArn!, {
                    Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
                  }),
                ),
              }
            : {}),
        },
      },
      child,
    );

    // ---- The domain.
    const autoTune = !isBurstableSearchInstanceType(dataType);
    const offPeakHour = args.offPeakWindowStartHourUtc ?? 2;
    this.domain = new aws.opensearch.Domain(
      `${name}-domain`,
      {
        domainName,
        engineVersion: args.engineVersion ?? DEFAULT_SEARCH_ENGINE_VERSION,
        clusterConfig: {
          instanceType: dataType,
          instanceCount: args.dataInstanceCount ?? DEFAULT_DATA_INSTANCE_COUNT,
          dedicatedMasterEnabled: true,
          dedicatedMasterType: masterType,
          dedicatedMasterCount: args.masterInstanceCount ?? DEFAULT_MASTER_INSTANCE_COUNT,
          zoneAwarenessEnabled: true,
          zoneAwarenessConfig: { availabilityZoneCount: zones },
        },
        ebsOptions: {
          ebsEnabled: true,
          volumeType: "gp3",
          volumeSize: args.volumeSizeGiB ?? DEFAULT_VOLUME_SIZE_GIB,
        },
        vpcOptions: { subnetIds, securityGroupIds: [sg.id] },
        encryptAtRest: { enabled: true, kmsKeyId: args.kmsKeyArn },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: SEARCH_TLS_POLICY },
        advancedSecurityOptions: {
          enabled: true,
          anonymousAuthEnabled: false,
          internalUserDatabaseEnabled: false,
          masterUserOptions: { masterUserArn: masterRole.arn },
        },
        // Requests must be signed by a principal of this account; fine-grained access control
        // then decides what each may do inside the domain.
        accessPolicies: policyJson(
          policyDocument({
            Sid: "AccountPrincipalsOnly",
            Effect: "Allow",
            Principal: { AWS: pulumi.interpolate`arn:${partition}:iam::${accountId}:root` },
            Action: "es:ESHttp*",
            Resource: pulumi.interpolate`${domainArn}/*`,
          }),
        ),
        logPublishingOptions: (Object.keys(SEARCH_LOG_TYPES) as SearchLogType[]).map((logType) => ({
          logType,
          enabled: true,
          cloudwatchLogGroupArn: logGroups[logType].arn,
        })),
        autoTuneOptions: {
          desiredState: autoTune ? "ENABLED" : "DISABLED",
          rollbackOnDisable: "NO_ROLLBACK",
          useOffPeakWindow: autoTune,
        },
        offPeakWindowOptions: {
          enabled: true,
          offPeakWindow: { windowStartTime: { hours: offPeakHour, minutes: 0 } },
        },
        softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
        ipAddressType: "ipv4",
        tags: { Name: domainName },
      },
      // The service checks at creation that it may write the log groups.
      statefulResourceOptions({ parent: this, dependsOn: [logPolicy, ...(args.dependsOn ?? [])] }),
    );

    // ---- Snapshots: a function, run every `interval` hours by an EventBridge rule. After each
    // snapshot it also keeps audit logging and the slow-log thresholds on (the domain publishes
    // those logs, but OpenSearch writes none until they are enabled inside it).
    const audit = auditLoggingSettingsFor(args.auditLogging);
    const auditEnvironment: Record<string, string> = audit
      ? {
          AUDIT_LOGGING: "true",
          AUDIT_REST: String(audit.rest),
          AUDIT_TRANSPORT: String(audit.transport),
          AUDIT_DISABLED_REST_CATEGORIES: audit.disabledRestCategories.join(",") || "NONE",
          AUDIT_DISABLED_TRANSPORT_CATEGORIES: audit.disabledTransportCategories.join(",") || "NONE",
          ...(audit.ignoreUsers ? { AUDIT_IGNORE_USERS: audit.ignoreUsers.join(",") || "NONE" } : {}),
          AUDIT_COMPLIANCE: String(audit.compliance),
        }
      : {};
    const slowLogThresholds = slowLogSettingsFor(args.slowLogs);
    const fn = new aws.lambda.Function(
      `${name}-snapshot-function`,
      {
        name: naming.name("lambdaFunction", "search-snapshots"),
        description: `Registers the S3 repository and takes an OpenSearch snapshot every ${interval} h, pruning old ones`,
        role: masterRole.arn,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: snap.code ?? snapshotFunctionCode(),
        memorySize: 256,
        timeout: 300,
        // One run at a time: two would race on the repository.
        reservedConcurrentExecutions: 1,
        kmsKeyArn: snap.environmentKmsKeyArn,
        ...(dlq ? { deadLetterConfig: { targetArn: dlq.arn } } : {}),
        vpcConfig: { subnetIds, securityGroupIds: [functionSg.id] },
        loggingConfig: { logFormat: "Text", logGroup: logGroupFn.name },
        environment: {
          variables: {
            DOMAIN_ENDPOINT: pulumi.interpolate`https://${this.domain.endpoint}`,
            REPOSITORY: repository,
            BUCKET: snap.bucketName,
            BASE_PATH: basePath,
            SNAPSHOT_ROLE_ARN: snapshotRole.arn,
            SNAPSHOT_PREFIX: "tdp",
            RETENTION_DAYS: String(snap.retentionDays ?? DEFAULT_SNAPSHOT_RETENTION_DAYS),
            MINIMUM_SNAPSHOTS: String(snap.minimumSnapshots ?? DEFAULT_MINIMUM_SNAPSHOTS),
            ...(mappings
              ? {
                  ROLE_MAPPINGS_PARAMETER: mappings.parameterName,
                  ROLE_MAPPINGS_ALLOWED_ROLES: (
                    mappings.allowedRoles ?? DEFAULT_MAPPABLE_OPENSEARCH_ROLES
                  ).join(","),
                  MASTER_ROLE_ARN: masterRole.arn,
                }
              : {}),
            ...auditEnvironment,
            ...(slowLogThresholds ? { SLOW_LOG_THRESHOLDS: JSON.stringify(slowLogThresholds) } : {}),
          },
        },
      },
      { parent: this, dependsOn: [masterRole, logGroupFn] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-snapshot-retries`,
      { functionName: fn.name, maximumRetryAttempts: 1, maximumEventAgeInSeconds: 3600 },
      child,
    );
    const rule = new aws.cloudwatch.EventRule(
      `${name}-snapshot-schedule`,
      {
        name: naming.name("eventRule", "search-snapshots"),
        description: `OpenSearch snapshot every ${interval} h (seed EsBackupInterval)`,
        scheduleExpression: `cron(0 ${interval === 24 ? "0" : `0/${interval}`} * * ? *)`,
      },
      child,
    );
    const permission = new aws.lambda.Permission(
      `${name}-snapshot-from-schedule`,
      {
        function: fn.name,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
        sourceAccount: accountId,
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-snapshot-target`,
      {
        rule: rule.name,
        arn: fn.arn,
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
      },
      { parent: this, dependsOn: [permission] },
    );
    if (mappings) {
      // A written mapping document applies at once, not at the next scheduled run: the parameter's
      // change runs the function (a snapshot is taken too, which retention prunes like any other).
      const changeRule = new aws.cloudwatch.EventRule(
        `${name}-role-mappings-change`,
        {
          name: naming.name("eventRule", "search-role-mappings"),
          description: `Runs the OpenSearch snapshot function when ${mappings.parameterName} is written`,
          eventPattern: JSON.stringify({
            source: ["aws.ssm"],
            "detail-type": ["Parameter Store Change"],
            detail: { name: [mappings.parameterName], operation: ["Create", "Update"] },
          }),
        },
        child,
      );
      const changePermission = new aws.lambda.Permission(
        `${name}-snapshot-from-role-mappings-change`,
        {
          function: fn.name,
          action: "lambda:InvokeFunction",
          principal: "events.amazonaws.com",
          sourceArn: changeRule.arn,
          sourceAccount: accountId,
        },
        child,
      );
      new aws.cloudwatch.EventTarget(
        `${name}-role-mappings-change-target`,
        {
          rule: changeRule.name,
          arn: fn.arn,
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
        },
        { parent: this, dependsOn: [changePermission] },
      );
    }

    // ---- The one-time restore (DR recovery). The settings are also the triggers, so a change of
    // them replaces the invocation, and a replacement is what invokes again (CREATE_ONLY).
    let restoreInvocation: aws.lambda.Invocation | undefined;
    if (args.restore !== undefined) {
      const request = {
        action: "restore",
        snapshot: args.restore.snapshot ?? LATEST_SNAPSHOT,
        indices: args.restore.indices ?? "*",
      };
      restoreInvocation = new aws.lambda.Invocation(
        `${name}-restore`,
        {
          functionName: fn.name,
          input: JSON.stringify(request),
          triggers: { snapshot: request.snapshot, indices: request.indices },
        },
        { parent: this, dependsOn: [this.domain, fn] },
      );
    }

    // ---- Alarms (AWS's recommended OpenSearch alarms) to the alert topic.
    const alarmNames: pulumi.Output<string>[] = [];
    if (args.alarms !== undefined) {
      const dimensions = { DomainName: domainName, ClientId: accountId };
      const volumeMiB = (args.volumeSizeGiB ?? DEFAULT_VOLUME_SIZE_GIB) * 1024;
      const specs = [
        {
          purpose: "search-status-red",
          description: `OpenSearch ${domainName}: at least one primary shard is unassigned (cluster status red); data is missing from searches`,
          metricName: "ClusterStatus.red",
          statistic: "Maximum" as const,
          comparison: ">=" as const,
          threshold: 1,
          periodSeconds: 60,
        },
        {
          purpose: "search-status-yellow",
          description: `OpenSearch ${domainName}: replica shards unassigned for 5 minutes (cluster status yellow); a node or zone may be lost`,
          metricName: "ClusterStatus.yellow",
          statistic: "Maximum" as const,
          comparison: ">=" as const,
          threshold: 1,
          periodSeconds: 60,
          evaluationPeriods: 5,
        },
        {
          purpose: "search-free-storage",
          description: `OpenSearch ${domainName}: a data node has less than 25% of its ${args.volumeSizeGiB ?? DEFAULT_VOLUME_SIZE_GIB} GiB free; grow volumeSizeGiB or delete indices`,
          metricName: "FreeStorageSpace",
          statistic: "Minimum" as const,
          comparison: "<=" as const,
          threshold: Math.floor(volumeMiB * 0.25),
          periodSeconds: 60,
        },
        {
          purpose: "search-jvm-pressure",
          description: `OpenSearch ${domainName}: JVM memory pressure at 95% or more for 3 minutes; out-of-memory errors follow`,
          metricName: "JVMMemoryPressure",
          statistic: "Maximum" as const,
          comparison: ">=" as const,
          threshold: 95,
          periodSeconds: 60,
          evaluationPeriods: 3,
        },
        {
          purpose: "search-writes-blocked",
          description: `OpenSearch ${domainName}: the cluster blocks writes (storage or JVM memory exhausted); indexing is failing`,
          metricName: "ClusterIndexWritesBlocked",
          statistic: "Maximum" as const,
          comparison: ">=" as const,
          threshold: 1,
          periodSeconds: 300,
        },
        {
          purpose: "search-kms-key-error",
          description: `OpenSearch ${domainName}: the search key is disabled or its grants are gone; the domain cannot read or write its data`,
          metricName: "KMSKeyInaccessible",
          statistic: "Maximum" as const,
          comparison: ">=" as const,
          threshold: 1,
          periodSeconds: 60,
        },
        {
          purpose: "search-snapshot-failed",
          description: `OpenSearch ${domainName}: the service's automated snapshot failed`,
          metricName: "AutomatedSnapshotFailure",
          statistic: "Maximum" as const,
          comparison: ">=" as const,
          threshold: 1,
          periodSeconds: 60,
        },
      ];
      for (const spec of specs) {
        alarmNames.push(
          createAlarm(name, args.alarms, { ...spec, namespace: "AWS/ES", dimensions }, child).name,
        );
      }
      alarmNames.push(
        createAlarm(
          name,
          args.alarms,
          {
            purpose: "search-snapshot-function-errors",
            description: `OpenSearch ${domainName}: the snapshot function failed (its log group names the request and the domain's answer)`,
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: { FunctionName: fn.name },
            statistic: "Sum",
            comparison: ">=",
            threshold: 1,
            periodSeconds: 3600,
            treatMissingData: "notBreaching",
          },
          child,
        ).name,
      );
    }

    this.domainName = this.domain.domainName;
    this.domainArn = this.domain.arn;
    this.endpoint = this.domain.endpoint;
    this.securityGroupId = sg.id;
    this.snapshotFunctionSecurityGroupId = functionSg.id;
    this.masterRoleArn = masterRole.arn;
    this.snapshotRoleArn = snapshotRole.arn;
    this.snapshotFunctionName = fn.name;
    this.snapshotRepository = repository;
    this.logGroupArns = Object.fromEntries(Object.entries(logGroups).map(([k, g]) => [k, g.arn])) as Record<
      SearchLogType,
      pulumi.Output<string>
    >;
    this.alarmNames = alarmNames;
    this.restoreResult = restoreInvocation?.result;
    this.registerOutputs({
      domainArn: this.domainArn,
      endpoint: this.endpoint,
      securityGroupId: this.securityGroupId,
      masterRoleArn: this.masterRoleArn,
      snapshotRoleArn: this.snapshotRoleArn,
    });
  }
}
