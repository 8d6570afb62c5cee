/**
 * Defaults of the Network component, kept in one place so the stack config schema, the docs and
 * the component agree.
 */

/**
 * Seed 001 `VpcCIDR` has no default. 10.40.0.0/16 is chosen because it is a full /16 (room for
 * /19 private subnets: EKS pods take one VPC address each) and it avoids the ranges most likely to
 * collide when the VPC is later peered or attached to a corporate network: 10.0.0.0/16 (the
 * default of awsx and of most examples), 172.31.0.0/16 (every account's default VPC) and
 * 192.168.0.0/16 (home and VPN client networks). Coordinate the real value with the customer's IP
 * plan; the DR stack uses a different block (10.41.0.0/16) so the two can be peered.
 */
export const DEFAULT_VPC_CIDR = "10.40.0.0/16";

/** Seed 001 `PrivateDomain` default: the zone ECS services use to find each other. */
export const DEFAULT_PRIVATE_DOMAIN = "ts-dip.internal";

/** Seed 001 `LogRetentionDays` default. */
export const DEFAULT_LOG_RETENTION_DAYS = 90;

/** Availability zones used when the count is not given (seed 001: "preferably 3"). */
export const DEFAULT_AVAILABILITY_ZONE_COUNT = 3;

/**
 * Interface endpoints created by default. Seed 000 requires every AWS service endpoint to be
 * reachable from every subnet; seed 001 names logs, monitoring, sqs and cloudformation for the
 * Windows workers. The rest are what the platform's own workloads call without a NAT hop:
 * SSM (Session Manager needs ssm, ssmmessages, ec2messages), Secrets Manager, KMS, STS and ECR
 * (api and dkr; image layers come from S3 through the gateway endpoint).
 */
export const DEFAULT_INTERFACE_ENDPOINTS: readonly string[] = [
  "logs",
  "monitoring",
  "sqs",
  "cloudformation",
  "ssm",
  "ssmmessages",
  "ec2messages",
  "secretsmanager",
  "kms",
  "sts",
  "ecr.api",
  "ecr.dkr",
];

/** The services whose endpoints the Windows workers are given (seed 001 LogsEndpoint and friends). */
export const WINDOWS_WORKER_SERVICES = ["logs", "monitoring", "sqs", "cloudformation"] as const;
export type WindowsWorkerService = (typeof WINDOWS_WORKER_SERVICES)[number];

/** Smallest subnets the seeds accept (seed 000 installation requirements, seed 001 task 4). */
export const MAX_PRIVATE_PREFIX_LENGTH = 24;
export const MAX_PUBLIC_PREFIX_LENGTH = 28;
/** An internet-facing Application Load Balancer needs at least /27 subnets (8 free addresses). */
export const MAX_INTERNET_FACING_PUBLIC_PREFIX_LENGTH = 27;
/** AWS subnet size limits: /16 to /28. */
export const MIN_SUBNET_PREFIX_LENGTH = 16;
export const MAX_SUBNET_PREFIX_LENGTH = 28;
/**
 * The VPC block: AWS allows /16 to /28, but two /24 private subnets plus their public subnets
 * need at least a /22, so a smaller block can never satisfy the seed.
 */
export const MIN_VPC_PREFIX_LENGTH = 16;
export const MAX_VPC_PREFIX_LENGTH = 22;
