import type * as pulumi from "@pulumi/pulumi";
import type { IamSettings, Naming } from "@tdp/core";

/** The Application Load Balancer in front of the dashboard. */
export interface LoadBalancerArgs {
  /** Internet-facing (in publicSubnetIds) or internal (in the private subnets). @default false */
  internetFacing?: boolean;
  /** Public subnets of the network; required when internetFacing. @default [] */
  publicSubnetIds?: pulumi.Input<string>[];
  /** Networks allowed to reach 80/443. @default ["0.0.0.0/0"] when internetFacing, else the VPC's block */
  allowedCidrs?: string[];
  /** An existing ACM certificate for the listener. Give this, or domainName and hostedZoneId. @default created */
  certificateArn?: string;
  /** The dashboard's DNS name: used for the created certificate, the alias record and the URL. @default none */
  domainName?: string;
  /** The public Route53 zone of domainName, for certificate validation and the alias record. @default none */
  hostedZoneId?: string;
  /** Key algorithm of a created certificate: RSA_2048, EC_prime256v1 or EC_secp384r1 (what ACM issues; RSA_1024 is refused: ACM.2). @default "RSA_2048" */
  certificateKeyAlgorithm?: string;
  /** HTTPS listener policy; TLS 1.2+ policies only (ELB.17). @default "ELBSecurityPolicy-TLS13-1-2-2021-06" */
  sslPolicy?: string;
  /** Sticky sessions (lb_cookie): the reference kept users on one instance for a day. @default { enabled: true, durationSeconds: 86400 } */
  stickiness?: { enabled?: boolean; durationSeconds?: number };
  /** ELB.6. Turn off only for throw-away test deployments. @default true */
  deletionProtection?: boolean;
  /** Idle timeout in seconds: the reference's 2000, so long report requests do not end in a 504. @default 2000 */
  idleTimeoutSeconds?: number;
  /**
   * Protocol from the ALB to the instances on 8224: HTTPS (the image's dashboard container serves
   * TLS there, as Panintelligence's own deployment of it uses) or HTTP (for an image that does
   * not; the instances' security group admits 8224 from the ALB only either way). @default "HTTPS"
   */
  targetProtocol?: "HTTPS" | "HTTP";
  /**
   * The target group's health check; the reference's values: a dashboard busy with a long report
   * answers slowly, and an unhealthy target is replaced (ELB health checks).
   * @default { intervalSeconds: 65, timeoutSeconds: 60, healthyThreshold: 4, unhealthyThreshold: 4 }
   */
  healthCheck?: {
    intervalSeconds?: number;
    timeoutSeconds?: number;
    healthyThreshold?: number;
    unhealthyThreshold?: number;
  };
}

/**
 * The dashboard image: the Marketplace image with amazon-efs-utils (EFS over TLS), the AWS CLI and
 * the CloudWatch agent layered on by an EC2 Image Builder recipe, built once at deployment; the
 * instances launch from its output and install nothing at boot.
 */
export interface ImageArgs {
  /**
   * An image already carrying mount.efs, aws, jq and the CloudWatch agent (for example the output
   * of an earlier build, or one built elsewhere): the pipeline is not created. @default built
   */
  prebuiltAmiId?: string;
  /** The build instance (it compiles amazon-efs-utils once). @default "t3.large" */
  buildInstanceType?: string;
  /** The subnet of the build instance; it needs a route to the internet (NAT). @default the first private subnet */
  buildSubnetId?: pulumi.Input<string>;
}

/** The dashboard's alarms, to the alert topic. */
export interface AlarmsArgs {
  /** ALB and target 5xx responses per 5 minutes that raise an alarm. @default 10 */
  http5xxPerFiveMinutes?: number;
  /** Average database CPU % over 15 minutes. @default 80 */
  dbCpuPercent?: number;
  /** Free database storage, GiB, below which the alarm fires. @default 2 */
  dbFreeStorageGiB?: number;
}

/** The dashboard instances (launch template). */
export interface InstancesArgs {
  /** The Panintelligence Marketplace AMI id of the region (see the README: subscribe first). Required. */
  amiId: string;
  /** Seed 004 table: t3.medium or t3a.medium; larger t3/t3a/m5/m6 sizes allowed. @default "t3.medium" */
  instanceType?: string;
  /** Encrypted gp3 root volume, 15 GiB or more (seed 004). @default 15 */
  rootVolumeSizeGiB?: number;
  /** The AMI's root device (Ubuntu: /dev/sda1). @default "/dev/sda1" */
  rootDeviceName?: string;
  /** An EC2 key pair for SSH; Session Manager is the intended access. @default none */
  keyPairName?: string;
}

/** The Auto Scaling group and its CPU scaling (seed 004). */
export interface ScalingArgs {
  /** @default 1 */
  minSize?: number;
  /** @default 5 */
  maxSize?: number;
  /** @default minSize */
  desiredCapacity?: number;
  /** Scale out by one above this average CPU %. @default 70 */
  scaleOutCpuPercent?: number;
  /** Scale in by one below this average CPU %. @default 20 */
  scaleInCpuPercent?: number;
  /** Seconds between scaling activities. @default 300 */
  cooldownSeconds?: number;
  /** Seconds after launch before ELB health checks count (the dashboard starts slowly); also the default instance warmup, so at most 3600. @default 600 */
  healthCheckGracePeriodSeconds?: number;
  /** The scale-out alarm's period and periods (the reference: 1 × 60 s). @default 60 */
  scaleOutPeriodSeconds?: number;
  /** @default 1 */
  scaleOutEvaluationPeriods?: number;
  /** The scale-in alarm's period and periods (the reference: 2 × 60 s). @default 60 */
  scaleInPeriodSeconds?: number;
  /** @default 2 */
  scaleInEvaluationPeriods?: number;
  /** Instances are replaced after this many days (the reference's 30); 0 turns it off. @default 30 */
  maxInstanceLifetimeDays?: number;
}

/** RDS for MariaDB, the dashboard's repository database. */
export interface DatabaseArgs {
  /** Seed 004 table: db.t3.micro or db.t3.small; larger classes allowed. @default "db.t3.small" */
  instanceClass?: string;
  /** A MariaDB LTS version RDS supports: 10.11, 11.4 or 11.8. @default "11.4" */
  engineVersion?: string;
  /** @default 20 */
  allocatedStorageGiB?: number;
  /** Storage autoscaling ceiling, at least 10% above allocatedStorageGiB (RDS's rule). @default 100, or 10% above allocatedStorageGiB when that is more */
  maxAllocatedStorageGiB?: number;
  /** Days of automated backups, 7 to 35 (the reference kept 1). @default 7 */
  backupRetentionDays?: number;
  /** RDS.5. @default true */
  multiAz?: boolean;
  /** Master user name (RDS.25: not admin); its password is in RDS's own secret, rotated by RDS. @default "pi_admin" */
  username?: string;
  /**
   * The dashboard's application user (privileges on its schema only); its secret alternates
   * between this user and `<name>_clone` at each rotation, so live connections never break.
   * @default "pi_app"
   */
  appUsername?: string;
  /** @default 3306 */
  port?: number;
  /** Days between automatic rotations of the application user's password, 1 to 90 (seed: 30; SecretsManager.4: within 90). @default 30 */
  rotationDays?: number;
  /** RDS.8. Turn off only for throw-away test deployments. @default true */
  deletionProtection?: boolean;
  /** The rotation function's code; by default src/rotation/handler.ts bundled with esbuild. @default bundled */
  rotationCode?: pulumi.asset.Archive;
}

/** The EFS data of the dashboard. */
export interface EfsArgs {
  /** POSIX owner of the access point (the dashboard user; never root). @default 1000 */
  ownerUid?: number;
  /** @default 1000 */
  ownerGid?: number;
  /** Mode of the access point's root directory (never world-writable). @default "0750" */
  permissions?: string;
  /** AWS Backup's automatic EFS backups. @default true */
  backups?: boolean;
}

/** The S3 → EFS sync function (handler in src/sync/handler.ts). */
export interface SyncArgs {
  /** CKV_AWS_115. @default 5 */
  reservedConcurrency?: number;
  /** @default 512 */
  memorySizeMb?: number;
  /** @default 300 */
  timeoutSeconds?: number;
  /** The function's code; by default src/sync/handler.ts bundled with esbuild. @default bundled */
  code?: pulumi.asset.Archive;
}

/** How the dashboard on each instance receives its settings (the target image's layout by default). */
export interface DashboardServiceArgs {
  /** The dashboard's env file (DB settings, PI_EXTERNAL_DB, PI_LICENCE), written 0600 before each start. @default "/var/panintelligence/dashboard.env" */
  dashboardEnvFile?: string;
  /** The scheduler's env file (DB settings). @default "/var/panintelligence/scheduler.env" */
  schedulerEnvFile?: string;
  /** systemd units that run the dashboard; each gets a drop-in re-reading the secrets before every start. @default ["panintelligence.service"] */
  serviceUnits?: string[];
  /**
   * More settings for both env files, e.g. the image version's option for TLS to the database
   * when its driver does not negotiate TLS by itself (the server requires TLS). @default {}
   */
  dbTlsEnv?: Record<string, string>;
}

export interface BiDashboardArgs {
  /** Physical names of the platform deployment. */
  naming: Naming;
  /**
   * Name of this dashboard deployment, part of every physical name, so two deployments in one
   * account and region never collide. 2 to 16 lowercase letters, digits and hyphens.
   */
  deploymentName: string;
  /** IAMRolePrefix and IAMBoundaryPolicy for every role. @default {} */
  iam?: IamSettings;
  /** The region (endpoint service names and the ELB log account come from it). */
  region: string;
  /** The network's VPC. */
  vpcId: pulumi.Input<string>;
  /** The VPC's CIDR block (internal ALB ingress default; endpoint traffic of the rotation function). */
  vpcCidrBlock: pulumi.Input<string>;
  /** The network's private subnets, one per availability zone, at least 2: instances, DB, EFS, functions. */
  privateSubnetIds: pulumi.Input<string>[];
  /**
   * Create the interface endpoints ssm, ssmmessages, ec2messages, secretsmanager and logs. Set it
   * to false when the network already has them (their security group must admit 443 from the VPC).
   * @default true
   */
  createVpcEndpoints?: boolean;
  /** Route tables for an S3 gateway endpoint (created with the interface endpoints when given). @default [] */
  routeTableIds?: pulumi.Input<string>[];
  loadBalancer?: LoadBalancerArgs;
  instances: InstancesArgs;
  scaling?: ScalingArgs;
  database?: DatabaseArgs;
  efs?: EfsArgs;
  sync?: SyncArgs;
  image?: ImageArgs;
  alarms?: AlarmsArgs;
  dashboardService?: DashboardServiceArgs;
  /** The Panintelligence licence key (BYOL); pass a Pulumi secret. Stored in Secrets Manager. @default none (trial/metered AMIs) */
  licenceKey?: pulumi.Input<string>;
  /** Seed LogRetentionDays: every log group of the deployment. @default 90 */
  logRetentionDays?: number;
  /** SNS topic for the alarms; when absent the component creates one (KMS). @default created */
  alarmTopicArn?: pulumi.Input<string>;
  /**
   * KMS key of the instances' root volumes. Its policy must let the Auto Scaling service-linked
   * role (AWSServiceRoleForAutoScaling) use the key and create grants for AWS resources, or the
   * group cannot launch instances. @default the account's EBS default key (aws/ebs)
   */
  ebsKmsKeyArn?: pulumi.Input<string>;
}
