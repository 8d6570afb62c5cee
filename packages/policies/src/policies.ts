import { s3Policies } from "./services/s3";
import { stackWidePolicies } from "./services/stack-wide";
import type { TdpPolicy } from "./types";
import { eksPolicies } from "./services/eks";
import { ecsPolicies } from "./services/ecs";
import { elbPolicies } from "./services/elb";

/** Every policy of the pack, by service module. */
export const allPolicies: TdpPolicy[] = [
  ...s3Policies,
  ...stackWidePolicies,
  ...eksPolicies,
  ...ecsPolicies,
  ...elbPolicies,
];
