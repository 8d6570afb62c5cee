import type { ReportViolation } from "@pulumi/policy";

import { allowedBy, type AllowlistEntry } from "./allowlist";
import { isStackPolicy, type TdpPolicy } from "./types";

/**
 * The policies as the real pack runs them: a violation the allow-list accepts is not reported
 * (`pnpm policy` still lists it, marked allowed, so nothing is waived out of sight).
 */
export function withAllowlist(policies: TdpPolicy[], entries: AllowlistEntry[]): TdpPolicy[] {
  return policies.map((policy) => {
    const filter =
      (report: ReportViolation, defaultUrn: string | undefined): ReportViolation =>
      (message, urn) => {
        if (!allowedBy(entries, policy.name, urn ?? defaultUrn)) report(message, urn);
      };
    if (isStackPolicy(policy)) {
      return {
        ...policy,
        validateStack: (args, report) => policy.validateStack(args, filter(report, undefined)),
      };
    }
    const validate = policy.validateResource;
    if (!validate) return policy;
    return {
      ...policy,
      validateResource: (args, report) =>
        Array.isArray(validate)
          ? Promise.all(validate.map((v) => v(args, filter(report, args.urn)))).then(() => undefined)
          : validate(args, filter(report, args.urn)),
    };
  });
}
