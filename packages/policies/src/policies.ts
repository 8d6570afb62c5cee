import { s3Policies } from "./services/s3";
import { stackWidePolicies } from "./services/stack-wide";
import type { TdpPolicy } from "./types";
import { eksPolicies } from "./services/eks";
import { ecsPolicies } from "./services/ecs";
import { elbPolicies } from "./services/elb";
import { kmsPolicies } from "./services/kms";
import { rdsPolicies } from "./services/rds";
import { opensearchPolicies } from "./services/opensearch";
import { backupPolicies } from "./services/backup";
import { secretsPolicies } from "./services/secrets";
import { lambdaPolicies } from "./services/lambda";
import { logsPolicies } from "./services/logs";
import { snsSqsPolicies } from "./services/sns-sqs";
import { ec2Policies } from "./services/ec2";
import { iamPolicies } from "./services/iam";
import { cognitoPolicies } from "./services/cognito";
import { acmPolicies } from "./services/acm";
import { cloudtrailPolicies } from "./services/cloudtrail";
import { athenaPolicies } from "./services/athena";
import { gluePolicies } from "./services/glue";
import { organizationsPolicies } from "./services/organizations";
import { drPolicies } from "./services/dr";

/** Every policy of the pack, by service module. */
export const allPolicies: TdpPolicy[] = [
  ...s3Policies,
  ...stackWidePolicies,
  ...eksPolicies,
  ...ecsPolicies,
  ...elbPolicies,
  ...kmsPolicies,
  ...rdsPolicies,
  ...opensearchPolicies,
  ...backupPolicies,
  ...drPolicies,
  ...secretsPolicies,
  ...lambdaPolicies,
  ...logsPolicies,
  ...snsSqsPolicies,
  ...ec2Policies,
  ...iamPolicies,
  ...cognitoPolicies,
  ...acmPolicies,
  ...cloudtrailPolicies,
  ...athenaPolicies,
  ...gluePolicies,
  ...organizationsPolicies,
];
