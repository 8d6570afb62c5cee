import { s3Policies } from "./services/s3";
import { stackWidePolicies } from "./services/stack-wide";
import type { TdpPolicy } from "./types";

/** Every policy of the pack, by service module. */
export const allPolicies: TdpPolicy[] = [...s3Policies, ...stackWidePolicies];
