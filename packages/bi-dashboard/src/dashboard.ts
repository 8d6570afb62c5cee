import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { PolicyStatement } from "@tdp/core";
import {
  ELB_ACCOUNT_BY_REGION,
  KEY_ADMIN_ACTIONS,
  KEY_USE_ACTIONS,
  ServiceRole,
  allow,
  objectsArn,
  policyDocument,
  policyJson,
  statefulResourceOptions,
} from "@tdp/core";

import type { BiDashboardArgs } from "./args";
import { SecureBucket } from "./buckets";
import { rotationFunctionCode, syncFunctionCode } from "./bundle";
import {
  DASHBOARD_PORT,
  DASHBOARD_SCHEMA,
  DEFAULT_EFS,
  MARIADB_PARAMETERS,
  ROTATION_EXCLUDE_CHARACTERS,
  NO_PERFORMANCE_INSIGHTS_CLASSES,
  REQUIRED_INTERFACE_ENDPOINTS,
  SYNC_EFS_MOUNT,
  SYNC_FOLDER_MAP,
} from "./defaults";
import { renderUserData } from "./user-data";
import { validateBiDashboardArgs } from "./validation";

/** The services that hold the dashboard's data with its key, and AWS Backup (EFS backups). */
export const KEY_VIA_SERVICES = [
  "secretsmanager",
  "rds",
  "elasticfilesystem",
  "s3",
  "sqs",
  "sns",
  "lambda",
  "backup",
];

/** The log types RDS for MariaDB exports to CloudWatch Logs (RDS.9). */
export const DB_LOG_EXPORTS = ["audit", "error", "general", "slowquery"];

/**
 * The EventBridge pattern of a rotation outcome of one secret: Secrets Manager records
 * `RotationSucceeded` and `RotationFailed` as CloudTrail service events naming the secret.
 */
export function rotationEventPattern(
  secretArn: string,
  eventName: "RotationSucceeded" | "RotationFailed" = "RotationSucceeded",
): Record<string, unknown> {
  return {
    source: ["aws.secretsmanager"],
    "detail-type": ["AWS Service Event via CloudTrail", "AWS API Call via CloudTrail"],
    detail: {
      eventSource: ["secretsmanager.amazonaws.com"],
      eventName: [eventName],
      // The secret is named in additionalEventData (documented); some deliveries carry it in
      // serviceEventDetails or responseElements instead, so any of the three matches.
      $or: [
        { additionalEventData: { SecretId: [secretArn] } },
        { serviceEventDetails: { secretId: [secretArn] } },
        { responseElements: { arn: [secretArn] } },
      ],
    },
  };
}

/**
 * The Panintelligence BI dashboard (seed 004), as the public CloudFormation project builds it and
 * without its defects (see panintelligence-cfn.md): an ALB with TLS 1.2+ in front of an Auto
 * Scaling group of Marketplace-AMI instances (launch template, IMDSv2, encrypted gp3), RDS
 * MariaDB (Multi-AZ, KMS, 7+ days of backups) whose credentials live in Secrets Manager and
 * rotate every 30 days through AWS's rotation application, an instance refresh after each
 * rotation, EFS (KMS, TLS and access point required) shared by the instances and fed from an S3
 * bucket by a Lambda function, and the interface endpoints private instances need.
 */
export class BiDashboard extends pulumi.ComponentResource {
  /** https://<domainName or ALB DNS name>. */
  readonly url: pulumi.Output<string>;
  readonly albDnsName: pulumi.Output<string>;
  readonly albArn: pulumi.Output<string>;
  readonly asgName: pulumi.Output<string>;
  readonly launchTemplateId: pulumi.Output<string>;
  readonly dbEndpoint: pulumi.Output<string>;
  readonly dbAddress: pulumi.Output<string>;
  /** The DB credentials secret (engine, host, port, username, password, dbname). */
  readonly secretArn: pulumi.Output<string>;
  /** The licence secret, when a licence key was given. */
  readonly licenceSecretArn: pulumi.Output<string | undefined>;
  /** The bucket the sync function copies to EFS. */
  readonly bucketName: pulumi.Output<string>;
  readonly logBucketName: pulumi.Output<string>;
  readonly efsId: pulumi.Output<string>;
  readonly accessPointId: pulumi.Output<string>;
  readonly syncFunctionName: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly alarmTopicArn: pulumi.Output<string>;
  readonly instanceSecurityGroupId: pulumi.Output<string>;

  constructor(name: string, args: BiDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validated before the component registers: a bad argument leaves nothing behind.
    const s = validateBiDashboardArgs(args);
    // Bundled first too: a handler that does not build leaves nothing behind either.
    const syncCode = args.sync?.code ?? syncFunctionCode();
    const rotationCode = args.database?.rotationCode ?? rotationFunctionCode();
    super("tdp:bi-dashboard:BiDashboard", name, {}, opts);

    const naming = args.naming;
    const iam = args.iam ?? {};
    const d = s.deploymentName;
    const region = s.region;
    const child = { parent: this };
    const physical = (kind: Parameters<typeof naming.name>[0], purpose: string) =>
      naming.name(kind, `${d}-${purpose}`);
    const identity = aws.getCallerIdentityOutput({}, child);
    const partition = aws.getPartitionOutput({}, child).partition;
    const account = identity.accountId;
    const subnets = args.privateSubnetIds;

    // Names fixed up front: some go into policies before their resources exist.
    const syncFunctionName = physical("lambdaFunction", "efs-sync");
    const rotationFunctionName = physical("lambdaFunction", "db-rotation");
    const dbIdentifier = physical("rdsIdentifier", "db");
    const syncLogGroupName = naming.logGroupName(`${d}/efs-sync`);
    const rotationLogGroupName = naming.logGroupName(`${d}/db-rotation`);
    const logGroupArnPatterns = [
      pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${syncLogGroupName}`,
      pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:${rotationLogGroupName}`,
      pulumi.interpolate`arn:${partition}:logs:${region}:${account}:log-group:/aws/rds/instance/${dbIdentifier}/*`,
    ];

    const root = pulumi.interpolate`arn:${partition}:iam::${account}:root`;
    const viaServices = KEY_VIA_SERVICES.map((service) => `${service}.${region}.amazonaws.com`);
    // One customer-managed key for the deployment's data at rest: secrets, database, file system,
    // bucket, queue, topic, function environment and log groups.
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `${naming.base} ${d}: Panintelligence dashboard data`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: policyJson(
          policyDocument(
            {
              Sid: "AccountAdministersTheKey",
              Effect: "Allow",
              Principal: { AWS: root },
              Action: KEY_ADMIN_ACTIONS,
              Resource: "*",
            },
            {
              // The account's principals use the key only through the services that hold the
              // deployment's data, never directly (no kms:Decrypt on everything encrypted).
              Sid: "AccountPrincipalsUseTheKeyThroughServices",
              Effect: "Allow",
              Principal: { AWS: root },
              Action: KEY_USE_ACTIONS,
              Resource: "*",
              Condition: { StringEquals: { "kms:CallerAccount": account, "kms:ViaService": viaServices } },
            },
            {
              Sid: "CloudWatchLogsUsesForThisDeploymentsLogGroupsOnly",
              Effect: "Allow",
              Principal: { Service: `logs.${region}.amazonaws.com` },
              Action: [
                "kms:Encrypt*",
                "kms:Decrypt*",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:Describe*",
              ],
              Resource: "*",
              Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": logGroupArnPatterns } },
            },
            {
              Sid: "AlarmsAndEventsPublishToTheEncryptedTopic",
              Effect: "Allow",
              Principal: { Service: ["cloudwatch.amazonaws.com", "events.amazonaws.com"] },
              Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
              Resource: "*",
              Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
          ),
        ),
      },
      statefulResourceOptions(child),
    );
    new aws.kms.Alias(
      `${name}-key-alias`,
      { name: `alias/${naming.base}-${d}-dashboard`, targetKeyId: key.keyId },
      child,
    );
    const keyArn = key.arn;

    // Log groups made before their writers, so none is created by a service without retention or KMS.
    const logGroup = (role: string, logGroupName: pulumi.Input<string>) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${role}-logs`,
        { name: logGroupName, retentionInDays: s.logRetentionDays, kmsKeyId: keyArn },
        child,
      );
    const syncLogGroup = logGroup("sync", syncLogGroupName);
    const rotationLogGroup = logGroup("rotation", rotationLogGroupName);
    const dbLogGroups = DB_LOG_EXPORTS.map((type) =>
      logGroup(`db-${type}`, `/aws/rds/instance/${dbIdentifier}/${type}`),
    );

    const createdTopic =
      args.alarmTopicArn === undefined
        ? new aws.sns.Topic(
            `${name}-alarms`,
            { name: physical("snsTopic", "alarms"), kmsMasterKeyId: keyArn },
            child,
          )
        : undefined;
    const alarmTopicArn = createdTopic ? createdTopic.arn : pulumi.output(args.alarmTopicArn!);

    // ---- Security groups: each admits exactly its clients (none of the reference's VPC-wide rules).
    const sg = (role: string, description: string) =>
      new aws.ec2.SecurityGroup(
        `${name}-${role}-sg`,
        { name: physical("securityGroup", role), description, vpcId: args.vpcId },
        child,
      );
    const albSg = sg("alb", "Panintelligence load balancer: 80/443 from the allowed networks");
    const instanceSg = sg("instances", "Panintelligence instances: 8224 from the load balancer");
    const dbSg = sg("db", "Panintelligence MariaDB: 3306 from the instances and the rotation function");
    const efsSg = sg("efs", "Panintelligence EFS: 2049 from the instances and the sync function");
    const rotationSg = sg("rotation", "Secrets Manager rotation function: to MariaDB and the endpoints");
    const syncSg = sg("sync", "S3 to EFS sync function: to EFS and S3");

    const ingress = (
      role: string,
      groupId: pulumi.Input<string>,
      port: number,
      from: { sg?: pulumi.Input<string>; cidr?: pulumi.Input<string> },
      description: string,
    ) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${role}`,
        {
          securityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: from.sg,
          cidrIpv4: from.cidr,
          description,
        },
        child,
      );
    const egress = (
      role: string,
      groupId: pulumi.Input<string>,
      port: number,
      to: { sg?: pulumi.Input<string>; cidr?: pulumi.Input<string> },
      description: string,
    ) =>
      new aws.vpc.SecurityGroupEgressRule(
        `${name}-${role}`,
        {
          securityGroupId: groupId,
          ipProtocol: "tcp",
          fromPort: port,
          toPort: port,
          referencedSecurityGroupId: to.sg,
          cidrIpv4: to.cidr,
          description,
        },
        child,
      );

    const albCidrs: pulumi.Input<string>[] =
      s.loadBalancer.allowedCidrs ?? (s.loadBalancer.internetFacing ? ["0.0.0.0/0"] : [args.vpcCidrBlock]);
    albCidrs.forEach((cidr, i) => {
      ingress(`alb-https-${i}`, albSg.id, 443, { cidr }, "HTTPS from an allowed network");
      ingress(`alb-http-${i}`, albSg.id, 80, { cidr }, "HTTP from an allowed network, redirected to HTTPS");
    });
    egress("alb-to-instances", albSg.id, DASHBOARD_PORT, { sg: instanceSg.id }, "to the dashboard");
    ingress("instances-from-alb", instanceSg.id, DASHBOARD_PORT, { sg: albSg.id }, "from the load balancer");
    egress("instances-to-db", instanceSg.id, s.database.port, { sg: dbSg.id }, "to MariaDB");
    egress("instances-to-efs", instanceSg.id, 2049, { sg: efsSg.id }, "to EFS (NFS over TLS)");
    egress(
      "instances-https",
      instanceSg.id,
      443,
      { cidr: "0.0.0.0/0" },
      "HTTPS: AWS endpoints, the Panintelligence licence manager, packages",
    );
    egress("instances-http", instanceSg.id, 80, { cidr: "0.0.0.0/0" }, "HTTP: Ubuntu package mirrors");
    ingress("db-from-instances", dbSg.id, s.database.port, { sg: instanceSg.id }, "from the dashboard");
    ingress(
      "db-from-rotation",
      dbSg.id,
      s.database.port,
      { sg: rotationSg.id },
      "from the rotation function",
    );
    ingress("efs-from-instances", efsSg.id, 2049, { sg: instanceSg.id }, "from the dashboard");
    ingress("efs-from-sync", efsSg.id, 2049, { sg: syncSg.id }, "from the sync function");
    egress("rotation-to-db", rotationSg.id, s.database.port, { sg: dbSg.id }, "to MariaDB");
    egress(
      "rotation-to-endpoints",
      rotationSg.id,
      443,
      { cidr: args.vpcCidrBlock },
      "to the Secrets Manager interface endpoint in the VPC",
    );
    egress("sync-to-efs", syncSg.id, 2049, { sg: efsSg.id }, "to EFS");
    egress("sync-to-s3", syncSg.id, 443, { cidr: "0.0.0.0/0" }, "to S3 (gateway endpoint or NAT)");

    // ---- Interface endpoints for private instances, when the network has none.
    if (s.createVpcEndpoints) {
      const endpointSg = sg("endpoints", "Interface endpoints of the dashboard: 443 from its clients");
      ingress("endpoints-from-instances", endpointSg.id, 443, { sg: instanceSg.id }, "from the instances");
      ingress(
        "endpoints-from-rotation",
        endpointSg.id,
        443,
        { sg: rotationSg.id },
        "from the rotation function",
      );
      ingress("endpoints-from-sync", endpointSg.id, 443, { sg: syncSg.id }, "from the sync function");
      for (const service of REQUIRED_INTERFACE_ENDPOINTS) {
        new aws.ec2.VpcEndpoint(
          `${name}-endpoint-${service}`,
          {
            vpcId: args.vpcId,
            serviceName: `com.amazonaws.${region}.${service}`,
            vpcEndpointType: "Interface",
            privateDnsEnabled: true,
            subnetIds: subnets,
            securityGroupIds: [endpointSg.id],
            tags: { Name: physical("generic", `${service}-endpoint`) },
          },
          child,
        );
      }
      if ((args.routeTableIds ?? []).length > 0) {
        new aws.ec2.VpcEndpoint(
          `${name}-endpoint-s3`,
          {
            vpcId: args.vpcId,
            serviceName: `com.amazonaws.${region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: args.routeTableIds,
            tags: { Name: physical("generic", "s3-endpoint") },
          },
          child,
        );
      }
    }

    // ---- Buckets: access logs (SSE-S3: the only encryption ALB and S3 log delivery accept), and
    // the resources bucket the sync function reads.
    const logBucketName = physical("s3Bucket", "logs");
    const resourcesBucketName = physical("s3Bucket", "resources");
    const elbAccount = ELB_ACCOUNT_BY_REGION[region];
    const elbPrincipal: Record<string, pulumi.Input<string>> = elbAccount
      ? { AWS: pulumi.interpolate`arn:${partition}:iam::${elbAccount}:root` }
      : { Service: "logdelivery.elasticloadbalancing.amazonaws.com" };
    const logBucket = new SecureBucket(
      `${name}-log-bucket`,
      {
        bucketName: logBucketName,
        expireDays: 365,
        noncurrentDays: 30,
        extraStatements: (bucketArn): PolicyStatement[] => [
          {
            Sid: "LoadBalancerAccessLogs",
            Effect: "Allow",
            Principal: elbPrincipal,
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/alb/AWSLogs/${account}/*`,
          },
          {
            Sid: "S3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: "logging.s3.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/s3/*`,
            Condition: {
              StringEquals: { "aws:SourceAccount": account },
              ArnLike: { "aws:SourceArn": pulumi.interpolate`arn:${partition}:s3:::${resourcesBucketName}` },
            },
          },
        ],
      },
      child,
    );
    const resourcesBucket = new SecureBucket(
      `${name}-resources`,
      {
        bucketName: resourcesBucketName,
        kmsKeyArn: keyArn,
        logBucket: logBucket.bucketName,
        logPrefix: `s3/${resourcesBucketName}/`,
      },
      child,
    );

    // ---- Secrets: DB credentials (rotated) and the licence key, both with the deployment's key.
    const password = new random.RandomPassword(
      `${name}-db-password`,
      // RDS refuses / @ " and space in passwords; the rotation function excludes the same.
      { length: 32, special: true, overrideSpecial: "!#$%&*()-_=+[]{}<>:?" },
      child,
    );
    const dbSecret = new aws.secretsmanager.Secret(
      `${name}-db-secret`,
      {
        name: physical("secret", "db"),
        description: "Panintelligence MariaDB credentials (rotated by Secrets Manager)",
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
    const secretArns: pulumi.Input<string>[] = [dbSecret.arn, ...(licenceSecret ? [licenceSecret.arn] : [])];

    // ---- EFS: encrypted, TLS and the access point required, owned by the dashboard user.
    const fileSystem = new aws.efs.FileSystem(
      `${name}-efs`,
      {
        creationToken: physical("generic", "efs"),
        encrypted: true,
        kmsKeyId: keyArn,
        performanceMode: "generalPurpose",
        throughputMode: "elastic",
        lifecyclePolicies: [{ transitionToIa: "AFTER_30_DAYS" }],
        tags: { Name: physical("generic", "efs") },
      },
      statefulResourceOptions(child),
    );
    new aws.efs.BackupPolicy(
      `${name}-efs-backup`,
      { fileSystemId: fileSystem.id, backupPolicy: { status: s.efs.backups ? "ENABLED" : "DISABLED" } },
      child,
    );
    const mountTargets = subnets.map(
      (subnetId, i) =>
        new aws.efs.MountTarget(
          `${name}-efs-mount-${i}`,
          { fileSystemId: fileSystem.id, subnetId, securityGroups: [efsSg.id] },
          child,
        ),
    );
    const accessPoint = new aws.efs.AccessPoint(
      `${name}-efs-access-point`,
      {
        fileSystemId: fileSystem.id,
        posixUser: { uid: s.efs.ownerUid, gid: s.efs.ownerGid },
        rootDirectory: {
          path: DEFAULT_EFS.rootPath,
          creationInfo: {
            ownerUid: s.efs.ownerUid,
            ownerGid: s.efs.ownerGid,
            permissions: s.efs.permissions,
          },
        },
        tags: { Name: physical("generic", "efs-access-point") },
      },
      child,
    );
    const efsClientStatement = (roleArns: pulumi.Input<string>[]): PolicyStatement => ({
      Sid: "DashboardClientsThroughTheAccessPointOnly",
      Effect: "Allow",
      Principal: { AWS: roleArns },
      Action: ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      Resource: fileSystem.arn,
      Condition: {
        Bool: { "aws:SecureTransport": "true" },
        StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn },
      },
    });
    const efsClientPolicy = allow(
      ["elasticfilesystem:ClientMount", "elasticfilesystem:ClientWrite"],
      fileSystem.arn,
      { Condition: { StringEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } } },
    );

    // The network interfaces of functions in the VPC. EC2 does not scope these actions to
    // resources, so they take "*" (what AWSLambdaVPCAccessExecutionRole grants, without its logs:*).
    const vpcNetworkInterfaces = allow(
      [
        "ec2:CreateNetworkInterface",
        "ec2:DescribeNetworkInterfaces",
        "ec2:DescribeSubnets",
        "ec2:DeleteNetworkInterface",
        "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses",
      ],
      "*",
    );

    // ---- Database.
    const monitoringRole = new ServiceRole(
      `${name}-db-monitoring`,
      {
        naming,
        iam,
        purpose: `${d}-db-monitoring`,
        services: ["monitoring.rds.amazonaws.com"],
        sourceAccount: account,
        description: "RDS enhanced monitoring of the Panintelligence database",
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
      },
      child,
    );
    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-db-subnets`,
      { name: physical("rdsIdentifier", "db-subnets"), subnetIds: subnets },
      child,
    );
    const parameterGroup = new aws.rds.ParameterGroup(
      `${name}-db-parameters`,
      {
        name: physical("rdsIdentifier", `db-${s.database.parameterGroupFamily.replace(".", "-")}`),
        family: s.database.parameterGroupFamily,
        description: "Panintelligence dashboard settings (reference parameter group)",
        parameters: Object.entries(MARIADB_PARAMETERS).map(([parameterName, value]) => ({
          name: parameterName,
          value,
          // lower_case_table_names is static: it applies at the first boot (before any table exists).
          applyMethod: "pending-reboot",
        })),
      },
      { parent: this, deleteBeforeReplace: false },
    );
    const optionGroup = new aws.rds.OptionGroup(
      `${name}-db-options`,
      {
        name: physical("rdsIdentifier", `db-options-${s.database.engineVersion.replace(".", "-")}`),
        optionGroupDescription: "MariaDB audit plugin, so the exported audit log has content",
        engineName: "mariadb",
        majorEngineVersion: s.database.engineVersion,
        options: [{ optionName: "MARIADB_AUDIT_PLUGIN" }],
      },
      child,
    );
    const performanceInsights = !NO_PERFORMANCE_INSIGHTS_CLASSES.includes(s.database.instanceClass);
    const db = new aws.rds.Instance(
      `${name}-db`,
      {
        identifier: dbIdentifier,
        engine: "mariadb",
        engineVersion: s.database.engineVersion,
        instanceClass: s.database.instanceClass,
        allocatedStorage: s.database.allocatedStorageGiB,
        maxAllocatedStorage: s.database.maxAllocatedStorageGiB,
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: keyArn,
        dbName: DASHBOARD_SCHEMA,
        username: s.database.username,
        password: password.result,
        port: s.database.port,
        multiAz: s.database.multiAz,
        publiclyAccessible: false,
        dbSubnetGroupName: subnetGroup.name,
        vpcSecurityGroupIds: [dbSg.id],
        parameterGroupName: parameterGroup.name,
        optionGroupName: optionGroup.name,
        backupRetentionPeriod: s.database.backupRetentionDays,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:04:30-sun:05:30",
        deletionProtection: s.database.deletionProtection,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: `${dbIdentifier}-final`,
        copyTagsToSnapshot: true,
        autoMinorVersionUpgrade: true,
        enabledCloudwatchLogsExports: DB_LOG_EXPORTS,
        monitoringInterval: 60,
        monitoringRoleArn: monitoringRole.arn,
        performanceInsightsEnabled: performanceInsights,
        performanceInsightsKmsKeyId: performanceInsights ? keyArn : undefined,
        performanceInsightsRetentionPeriod: performanceInsights ? 7 : undefined,
        iamDatabaseAuthenticationEnabled: true,
        caCertIdentifier: "rds-ca-rsa2048-g1",
      },
      // The password belongs to Secrets Manager's rotation after the first deployment.
      statefulResourceOptions({ parent: this, dependsOn: dbLogGroups, ignoreChanges: ["password"] }),
    );
    const dbSecretValue = new aws.secretsmanager.SecretVersion(
      `${name}-db-secret-value`,
      {
        secretId: dbSecret.id,
        // The shape AWS's rotation functions read and keep (they replace only the password).
        secretString: pulumi.jsonStringify({
          engine: "mariadb",
          host: db.address,
          port: s.database.port,
          username: s.database.username,
          password: password.result,
          dbname: DASHBOARD_SCHEMA,
        }),
      },
      // After the first rotation the current value is Secrets Manager's, not ours.
      { parent: this, ignoreChanges: ["secretString"] },
    );

    // Rotation: our single-user function (src/rotation) in the private subnets; its security
    // group reaches MariaDB and the Secrets Manager endpoint (the reference's could not). Its role
    // goes through ServiceRole like every other (prefix and permissions boundary).
    const rotationDlq = new aws.sqs.Queue(
      `${name}-rotation-dlq`,
      {
        name: physical("sqsQueue", "db-rotation-dlq"),
        kmsMasterKeyId: keyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 1209600,
      },
      child,
    );
    const rotationRole = new ServiceRole(
      `${name}-rotation-role`,
      {
        naming,
        iam,
        purpose: `${d}-db-rotation`,
        services: ["lambda.amazonaws.com"],
        sourceAccount: account,
        description: "Rotates the Panintelligence DB password (Secrets Manager single-user rotation)",
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
            // GetRandomPassword acts on no resource: IAM accepts only "*" for it.
            allow("secretsmanager:GetRandomPassword", "*"),
            allow(["kms:Decrypt", "kms:GenerateDataKey"], keyArn, {
              Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
            }),
          ),
          "vpc-network-interfaces": policyDocument(vpcNetworkInterfaces),
          "own-logs": policyDocument(
            allow(
              ["logs:CreateLogStream", "logs:PutLogEvents"],
              pulumi.interpolate`${rotationLogGroup.arn}:*`,
            ),
          ),
          "dead-letter-queue": policyDocument(
            allow("sqs:SendMessage", rotationDlq.arn),
            allow(["kms:GenerateDataKey", "kms:Decrypt"], keyArn, {
              Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
            }),
          ),
        },
      },
      child,
    );
    const rotationFunction = new aws.lambda.Function(
      `${name}-rotation`,
      {
        name: rotationFunctionName,
        description:
          "Rotates the Panintelligence DB password: createSecret, setSecret, testSecret, finishSecret",
        role: rotationRole.arn,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: rotationCode,
        memorySize: 256,
        timeout: 60,
        reservedConcurrentExecutions: 2,
        kmsKeyArn: keyArn,
        deadLetterConfig: { targetArn: rotationDlq.arn },
        vpcConfig: { subnetIds: subnets, securityGroupIds: [rotationSg.id] },
        loggingConfig: { logFormat: "JSON", logGroup: rotationLogGroup.name },
        environment: { variables: { EXCLUDE_CHARACTERS: ROTATION_EXCLUDE_CHARACTERS } },
      },
      { parent: this, dependsOn: [rotationRole, rotationLogGroup] },
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
    const rotation = new aws.secretsmanager.SecretRotation(
      `${name}-db-secret-rotation`,
      {
        secretId: dbSecret.id,
        rotationLambdaArn: rotationFunction.arn,
        rotationRules: { automaticallyAfterDays: s.database.rotationDays },
      },
      { parent: this, dependsOn: [db, dbSecretValue, rotationPermission] },
    );

    // ---- Load balancer.
    let certificateArn: pulumi.Input<string>;
    const lbArgs = s.loadBalancer;
    if (lbArgs.certificateArn !== undefined) {
      certificateArn = lbArgs.certificateArn;
    } else {
      const certificate = new aws.acm.Certificate(
        `${name}-certificate`,
        {
          domainName: lbArgs.domainName!,
          validationMethod: "DNS",
          keyAlgorithm: lbArgs.certificateKeyAlgorithm,
        },
        child,
      );
      const validationRecord = new aws.route53.Record(
        `${name}-certificate-validation-record`,
        {
          zoneId: lbArgs.hostedZoneId!,
          name: certificate.domainValidationOptions.apply((o) => o?.[0]?.resourceRecordName ?? ""),
          type: certificate.domainValidationOptions.apply((o) => o?.[0]?.resourceRecordType ?? "CNAME"),
          records: [certificate.domainValidationOptions.apply((o) => o?.[0]?.resourceRecordValue ?? "")],
          ttl: 300,
          allowOverwrite: true,
        },
        child,
      );
      certificateArn = new aws.acm.CertificateValidation(
        `${name}-certificate-validation`,
        { certificateArn: certificate.arn, validationRecordFqdns: [validationRecord.fqdn] },
        child,
      ).certificateArn;
    }
    const lbSubnets = lbArgs.internetFacing ? (args.loadBalancer?.publicSubnetIds ?? []) : subnets;
    const alb = new aws.lb.LoadBalancer(
      `${name}-alb`,
      {
        name: physical("loadBalancer", "alb"),
        loadBalancerType: "application",
        internal: !lbArgs.internetFacing,
        securityGroups: [albSg.id],
        subnets: lbSubnets,
        dropInvalidHeaderFields: true,
        desyncMitigationMode: "defensive",
        enableDeletionProtection: lbArgs.deletionProtection,
        idleTimeout: lbArgs.idleTimeoutSeconds,
        enableHttp2: true,
        accessLogs: { bucket: logBucket.bucketName, prefix: "alb", enabled: true },
      },
      { parent: this, dependsOn: [logBucket.policy] },
    );
    const targetGroup = new aws.lb.TargetGroup(
      `${name}-tg`,
      {
        name: physical("targetGroup", "tg"),
        port: DASHBOARD_PORT,
        protocol: "HTTP",
        targetType: "instance",
        vpcId: args.vpcId,
        deregistrationDelay: 30,
        // The reference's health check: the login page answers 200 or redirects (302).
        healthCheck: {
          path: "/",
          matcher: "200,302",
          protocol: "HTTP",
          port: "traffic-port",
          interval: 30,
          timeout: 10,
          healthyThreshold: 3,
          unhealthyThreshold: 3,
        },
        stickiness: {
          type: "lb_cookie",
          enabled: lbArgs.stickiness.enabled,
          cookieDuration: lbArgs.stickiness.durationSeconds,
        },
      },
      child,
    );
    new aws.lb.Listener(
      `${name}-https`,
      {
        loadBalancerArn: alb.arn,
        port: 443,
        protocol: "HTTPS",
        sslPolicy: lbArgs.sslPolicy,
        certificateArn,
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      },
      child,
    );
    new aws.lb.Listener(
      `${name}-http`,
      {
        loadBalancerArn: alb.arn,
        port: 80,
        protocol: "HTTP",
        defaultActions: [
          { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ],
      },
      child,
    );
    if (lbArgs.domainName !== undefined && lbArgs.hostedZoneId !== undefined) {
      new aws.route53.Record(
        `${name}-alias`,
        {
          zoneId: lbArgs.hostedZoneId,
          name: lbArgs.domainName,
          type: "A",
          aliases: [{ name: alb.dnsName, zoneId: alb.zoneId, evaluateTargetHealth: true }],
        },
        child,
      );
    }

    // ---- Instances.
    const instanceRole = new ServiceRole(
      `${name}-instance-role`,
      {
        naming,
        iam,
        purpose: `${d}-instance`,
        services: ["ec2.amazonaws.com"],
        description: "Panintelligence dashboard instances: Session Manager, this deployment's secrets, EFS",
        managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
        inlinePolicies: {
          "read-deployment-secrets": policyDocument(
            allow(["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"], secretArns),
            allow("kms:Decrypt", keyArn, {
              Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
            }),
          ),
          "efs-through-access-point": policyDocument(efsClientPolicy),
        },
      },
      child,
    );
    const instanceProfile = new aws.iam.InstanceProfile(
      `${name}-instance-profile`,
      { name: naming.roleName(`${d}-instance`), role: instanceRole.roleName },
      child,
    );
    const userData = pulumi
      .all([dbSecret.arn, licenceSecret?.arn ?? "", fileSystem.id, accessPoint.id])
      .apply(([dbSecretArn, licenceSecretArn, fileSystemId, accessPointId]) =>
        Buffer.from(
          renderUserData({
            region,
            dbSecretArn,
            licenceSecretArn,
            fileSystemId,
            accessPointId,
            envFiles: s.dashboardService.envFiles,
            serviceUnits: s.dashboardService.serviceUnits,
          }),
        ).toString("base64"),
      );
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-launch-template`,
      {
        name: physical("launchTemplate", "instances"),
        description: "Panintelligence dashboard (Marketplace AMI)",
        imageId: s.instances.amiId,
        instanceType: s.instances.instanceType,
        keyName: s.instances.keyPairName,
        iamInstanceProfile: { arn: instanceProfile.arn },
        userData,
        updateDefaultVersion: true,
        ebsOptimized: "true",
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          // 2 hops: the dashboard runs in containers on the instance.
          httpPutResponseHopLimit: 2,
          instanceMetadataTags: "disabled",
        },
        blockDeviceMappings: [
          {
            deviceName: s.instances.rootDeviceName,
            ebs: {
              volumeSize: s.instances.rootVolumeSizeGiB,
              volumeType: "gp3",
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        networkInterfaces: [
          { associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [instanceSg.id] },
        ],
        monitoring: { enabled: true },
        tagSpecifications: [
          { resourceType: "instance", tags: { Name: physical("generic", "dashboard") } },
          { resourceType: "volume", tags: { Name: physical("generic", "dashboard") } },
        ],
      },
      // The instances need the database, the file system's mount targets and the secret value at boot.
      { parent: this, dependsOn: [...mountTargets, dbSecretValue] },
    );
    const asgName = physical("autoScalingGroup", "asg");
    const asg = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        name: asgName,
        vpcZoneIdentifiers: subnets,
        minSize: s.scaling.minSize,
        maxSize: s.scaling.maxSize,
        desiredCapacity: s.scaling.desiredCapacity,
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        targetGroupArns: [targetGroup.arn],
        healthCheckType: "ELB",
        healthCheckGracePeriod: s.scaling.healthCheckGracePeriodSeconds,
        defaultCooldown: s.scaling.cooldownSeconds,
        defaultInstanceWarmup: s.scaling.healthCheckGracePeriodSeconds,
        enabledMetrics: ["GroupDesiredCapacity", "GroupInServiceInstances", "GroupTotalInstances"],
        instanceRefresh: {
          strategy: "Rolling",
          preferences: {
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            instanceWarmup: String(s.scaling.healthCheckGracePeriodSeconds),
          },
        },
        tags: [{ key: "Name", value: physical("generic", "dashboard"), propagateAtLaunch: true }],
      },
      // The scaling policies own the desired capacity after creation.
      { parent: this, ignoreChanges: ["desiredCapacity"] },
    );
    const scaling = (direction: "out" | "in") => {
      const out = direction === "out";
      const policy = new aws.autoscaling.Policy(
        `${name}-scale-${direction}`,
        {
          name: physical("generic", `scale-${direction}`),
          autoscalingGroupName: asg.name,
          policyType: "SimpleScaling",
          adjustmentType: "ChangeInCapacity",
          scalingAdjustment: out ? 1 : -1,
          cooldown: s.scaling.cooldownSeconds,
        },
        child,
      );
      new aws.cloudwatch.MetricAlarm(
        `${name}-cpu-${out ? "high" : "low"}`,
        {
          name: physical("generic", `cpu-${out ? "high" : "low"}`),
          alarmDescription: out
            ? `Scale the dashboard out: average CPU above ${s.scaling.scaleOutCpuPercent} %`
            : `Scale the dashboard in: average CPU below ${s.scaling.scaleInCpuPercent} %`,
          namespace: "AWS/EC2",
          metricName: "CPUUtilization",
          dimensions: { AutoScalingGroupName: asg.name },
          statistic: "Average",
          period: 300,
          evaluationPeriods: 2,
          threshold: out ? s.scaling.scaleOutCpuPercent : s.scaling.scaleInCpuPercent,
          comparisonOperator: out ? "GreaterThanThreshold" : "LessThanThreshold",
          alarmActions: [policy.arn],
        },
        child,
      );
    };
    scaling("out");
    scaling("in");

    // ---- After each successful rotation, an instance refresh: new instances read the new password.
    const automationDocumentName = physical("generic", "instance-refresh");
    const asgArn = pulumi.interpolate`arn:${partition}:autoscaling:${region}:${account}:autoScalingGroup:*:autoScalingGroupName/${asgName}`;
    const automationRole = new ServiceRole(
      `${name}-refresh-automation-role`,
      {
        naming,
        iam,
        purpose: `${d}-refresh-automation`,
        services: ["ssm.amazonaws.com"],
        sourceAccount: account,
        description: "Starts an instance refresh of the dashboard group after a secret rotation",
        inlinePolicies: {
          "start-instance-refresh": policyDocument(allow("autoscaling:StartInstanceRefresh", asgArn)),
        },
      },
      child,
    );
    const automationDocument = new aws.ssm.Document(
      `${name}-refresh-document`,
      {
        name: automationDocumentName,
        documentType: "Automation",
        documentFormat: "JSON",
        content: JSON.stringify({
          schemaVersion: "0.3",
          description: "Replace the Panintelligence instances so they read the rotated DB password",
          assumeRole: "{{ AutomationAssumeRole }}",
          parameters: {
            AutoScalingGroupName: { type: "String" },
            AutomationAssumeRole: { type: "String" },
          },
          mainSteps: [
            {
              name: "StartInstanceRefresh",
              action: "aws:executeAwsApi",
              inputs: {
                Service: "autoscaling",
                Api: "StartInstanceRefresh",
                AutoScalingGroupName: "{{ AutoScalingGroupName }}",
                Strategy: "Rolling",
                Preferences: {
                  MinHealthyPercentage: 100,
                  MaxHealthyPercentage: 200,
                  InstanceWarmup: s.scaling.healthCheckGracePeriodSeconds,
                },
              },
            },
          ],
        }),
      },
      child,
    );
    const automationDefinitionArn = pulumi.interpolate`arn:${partition}:ssm:${region}:${account}:automation-definition/${automationDocumentName}`;
    const eventsRole = new ServiceRole(
      `${name}-refresh-events-role`,
      {
        naming,
        iam,
        purpose: `${d}-refresh-events`,
        services: ["events.amazonaws.com"],
        sourceAccount: account,
        description: "EventBridge starts the instance-refresh automation after a rotation",
        inlinePolicies: {
          "start-refresh-automation": policyDocument(
            allow("ssm:StartAutomationExecution", pulumi.interpolate`${automationDefinitionArn}:*`),
            allow("iam:PassRole", automationRole.arn, {
              Condition: { StringEquals: { "iam:PassedToService": "ssm.amazonaws.com" } },
            }),
          ),
        },
      },
      child,
    );
    const rotationRule = new aws.cloudwatch.EventRule(
      `${name}-rotation-succeeded`,
      {
        name: physical("eventRule", "rotation-succeeded"),
        description: "The DB secret rotated: refresh the dashboard instances",
        eventPattern: dbSecret.arn.apply((arn) =>
          JSON.stringify(rotationEventPattern(arn, "RotationSucceeded")),
        ),
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-rotation-refresh`,
      {
        rule: rotationRule.name,
        arn: pulumi.interpolate`${automationDefinitionArn}:$DEFAULT`,
        roleArn: eventsRole.arn,
        input: pulumi
          .all([asg.name, automationRole.arn])
          .apply(([group, roleArn]) =>
            JSON.stringify({ AutoScalingGroupName: [group], AutomationAssumeRole: [roleArn] }),
          ),
      },
      { parent: this, dependsOn: [automationDocument, rotation] },
    );

    // A failed rotation keeps the old password (staging labels) but must reach a person.
    const rotationFailedRule = new aws.cloudwatch.EventRule(
      `${name}-rotation-failed`,
      {
        name: physical("eventRule", "rotation-failed"),
        description: "The DB secret's rotation failed: notify the alarm topic",
        eventPattern: dbSecret.arn.apply((arn) =>
          JSON.stringify(rotationEventPattern(arn, "RotationFailed")),
        ),
      },
      child,
    );
    new aws.cloudwatch.EventTarget(
      `${name}-rotation-failed-notify`,
      { rule: rotationFailedRule.name, arn: alarmTopicArn },
      child,
    );
    if (createdTopic) {
      new aws.sns.TopicPolicy(
        `${name}-alarms-policy`,
        {
          arn: createdTopic.arn,
          policy: policyJson(
            policyDocument(
              {
                Sid: "AccountAlarmsPublish",
                Effect: "Allow",
                Principal: { Service: "cloudwatch.amazonaws.com" },
                Action: "sns:Publish",
                Resource: createdTopic.arn,
                Condition: { StringEquals: { "aws:SourceAccount": account } },
              },
              {
                Sid: "RotationFailedRulePublishes",
                Effect: "Allow",
                Principal: { Service: "events.amazonaws.com" },
                Action: "sns:Publish",
                Resource: createdTopic.arn,
                Condition: { ArnEquals: { "aws:SourceArn": rotationFailedRule.arn } },
              },
            ),
          ),
        },
        child,
      );
    }

    // ---- The S3 → EFS sync function (handler: src/sync/handler.ts; contract in the README).
    const dlq = new aws.sqs.Queue(
      `${name}-sync-dlq`,
      {
        name: physical("sqsQueue", "efs-sync-dlq"),
        kmsMasterKeyId: keyArn,
        kmsDataKeyReusePeriodSeconds: 300,
        messageRetentionSeconds: 1209600,
      },
      child,
    );
    new aws.cloudwatch.MetricAlarm(
      `${name}-sync-dlq-alarm`,
      {
        name: physical("generic", "efs-sync-dlq"),
        alarmDescription:
          "S3 objects the sync function could not copy to EFS are waiting in its dead-letter queue",
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: dlq.name },
        statistic: "Maximum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
        alarmActions: [alarmTopicArn],
        okActions: [alarmTopicArn],
      },
      child,
    );
    const syncRole = new ServiceRole(
      `${name}-sync-role`,
      {
        naming,
        iam,
        purpose: `${d}-efs-sync`,
        services: ["lambda.amazonaws.com"],
        sourceAccount: account,
        description: "S3 to EFS sync: read the resources bucket, write EFS through the access point",
        inlinePolicies: {
          "read-resources": policyDocument(
            allow(["s3:GetObject", "s3:GetObjectVersion"], objectsArn(resourcesBucket.arn)),
            allow("kms:Decrypt", keyArn, {
              Condition: { StringEquals: { "kms:ViaService": `s3.${region}.amazonaws.com` } },
            }),
          ),
          "efs-through-access-point": policyDocument(efsClientPolicy),
          "vpc-network-interfaces": policyDocument(vpcNetworkInterfaces),
          "own-logs": policyDocument(
            allow(["logs:CreateLogStream", "logs:PutLogEvents"], pulumi.interpolate`${syncLogGroup.arn}:*`),
          ),
          "dead-letter-queue": policyDocument(
            allow("sqs:SendMessage", dlq.arn),
            allow(["kms:GenerateDataKey", "kms:Decrypt"], keyArn, {
              Condition: { StringEquals: { "kms:ViaService": `sqs.${region}.amazonaws.com` } },
            }),
          ),
        },
      },
      child,
    );
    new aws.efs.FileSystemPolicy(
      `${name}-efs-policy`,
      {
        fileSystemId: fileSystem.id,
        policy: policyJson(
          policyDocument(
            {
              Sid: "DenyWithoutTls",
              Effect: "Deny",
              Principal: { AWS: "*" },
              Action: "*",
              Resource: fileSystem.arn,
              Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            {
              Sid: "DenyOutsideTheAccessPoint",
              Effect: "Deny",
              Principal: { AWS: "*" },
              Action: [
                "elasticfilesystem:ClientMount",
                "elasticfilesystem:ClientWrite",
                "elasticfilesystem:ClientRootAccess",
              ],
              Resource: fileSystem.arn,
              Condition: { StringNotEquals: { "elasticfilesystem:AccessPointArn": accessPoint.arn } },
            },
            efsClientStatement([instanceRole.arn, syncRole.arn]),
          ),
        ),
      },
      child,
    );
    const syncFunction = new aws.lambda.Function(
      `${name}-sync`,
      {
        name: syncFunctionName,
        description: "Copies objects of the resources bucket to the dashboard's EFS folders",
        role: syncRole.arn,
        runtime: "nodejs22.x",
        architectures: ["arm64"],
        handler: "index.handler",
        code: syncCode,
        memorySize: s.sync.memorySizeMb,
        timeout: s.sync.timeoutSeconds,
        reservedConcurrentExecutions: s.sync.reservedConcurrency,
        kmsKeyArn: keyArn,
        deadLetterConfig: { targetArn: dlq.arn },
        vpcConfig: { subnetIds: subnets, securityGroupIds: [syncSg.id] },
        fileSystemConfig: { arn: accessPoint.arn, localMountPath: SYNC_EFS_MOUNT },
        loggingConfig: { logFormat: "JSON", logGroup: syncLogGroup.name },
        environment: {
          variables: {
            EFS_MOUNT_PATH: SYNC_EFS_MOUNT,
            ALLOWED_FOLDERS: Object.entries(SYNC_FOLDER_MAP)
              .map(([prefix, folder]) => `${prefix}=${folder}`)
              .join(","),
            OWNER_UID: String(s.efs.ownerUid),
            OWNER_GID: String(s.efs.ownerGid),
            FILE_MODE: "0640",
            DIR_MODE: "0750",
            BUCKET_NAME: resourcesBucket.bucketName,
            NODE_OPTIONS: "--enable-source-maps",
          },
        },
      },
      // Lambda mounts EFS at creation: the mount targets must exist.
      { parent: this, dependsOn: [...mountTargets, syncRole, syncLogGroup] },
    );
    new aws.lambda.FunctionEventInvokeConfig(
      `${name}-sync-retries`,
      { functionName: syncFunction.name, maximumRetryAttempts: 2, maximumEventAgeInSeconds: 21600 },
      child,
    );
    const permission = new aws.lambda.Permission(
      `${name}-sync-from-s3`,
      {
        function: syncFunction.name,
        action: "lambda:InvokeFunction",
        principal: "s3.amazonaws.com",
        sourceArn: resourcesBucket.arn,
        sourceAccount: account,
      },
      child,
    );
    new aws.s3.BucketNotification(
      `${name}-resources-notification`,
      {
        bucket: resourcesBucket.bucket.id,
        lambdaFunctions: [
          { lambdaFunctionArn: syncFunction.arn, events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"] },
        ],
      },
      { parent: this, dependsOn: [permission] },
    );

    this.url =
      lbArgs.domainName !== undefined
        ? pulumi.output(`https://${lbArgs.domainName}`)
        : pulumi.interpolate`https://${alb.dnsName}`;
    this.albDnsName = alb.dnsName;
    this.albArn = alb.arn;
    this.asgName = asg.name;
    this.launchTemplateId = launchTemplate.id;
    this.dbEndpoint = db.endpoint;
    this.dbAddress = db.address;
    this.secretArn = dbSecret.arn;
    this.licenceSecretArn = licenceSecret ? licenceSecret.arn : pulumi.output(undefined);
    this.bucketName = resourcesBucket.bucketName;
    this.logBucketName = logBucket.bucketName;
    this.efsId = fileSystem.id;
    this.accessPointId = accessPoint.id;
    this.syncFunctionName = syncFunction.name;
    this.kmsKeyArn = keyArn;
    this.alarmTopicArn = alarmTopicArn;
    this.instanceSecurityGroupId = instanceSg.id;
    this.registerOutputs({
      url: this.url,
      albDnsName: this.albDnsName,
      asgName: this.asgName,
      dbEndpoint: this.dbEndpoint,
      secretArn: this.secretArn,
      bucketName: this.bucketName,
      efsId: this.efsId,
    });
  }
}
