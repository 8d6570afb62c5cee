import { resourcePolicy } from "../define";
import { asArray, get, isTrue, isUnknown, type Props, isPending } from "../props";

/** `aws.lb` and its `aws.alb` alias register different tokens for the same resources. */
export const LOAD_BALANCER_TYPES = ["aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer"];
export const LISTENER_TYPES = ["aws:lb/listener:Listener", "aws:alb/listener:Listener"];

function lbName(name: string, props: Props): string {
  const physical = props["name"];
  return typeof physical === "string" && !isUnknown(physical) ? physical : name;
}

/** The provider's default type is "application". */
function isApplication(props: Props): boolean {
  const type = props["loadBalancerType"];
  return type === undefined || type === "application";
}

export const elbDropInvalidHeaders = resourcePolicy({
  name: "elb-drop-invalid-headers",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description: "Application load balancers drop HTTP headers with invalid fields instead of passing them on.",
  module: "elb",
  controls: { fsbp: ["ELB.4"], checkov: ["CKV_AWS_131"] },
  enforcementLevel: "mandatory",
  remediation: "Set dropInvalidHeaderFields true on the load balancer",
  types: LOAD_BALANCER_TYPES,
  check(resource, report) {
    if (!isApplication(resource.props)) return;
    const drop = resource.props["dropInvalidHeaderFields"];
    if (!isPending(drop) && !isTrue(drop))
      report(`load balancer ${lbName(resource.name, resource.props)} passes invalid header fields on`);
  },
});

export const elbAccessLogs = resourcePolicy({
  name: "elb-access-logs",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
    "packages/data/src/elb-log-delivery.ts",
  ],
  description: "Load balancers write access logs to a bucket.",
  module: "elb",
  controls: { fsbp: ["ELB.5"], checkov: ["CKV_AWS_91"] },
  enforcementLevel: "advisory",
  remediation: "Set accessLogs { enabled: true, bucket: <the access-logs bucket>, prefix }",
  types: LOAD_BALANCER_TYPES,
  check(resource, report) {
    const logs = resource.props["accessLogs"];
    if (isPending(logs)) return;
    // The bucket's name is unknown in a preview when the same program creates it: only "" is wrong.
    if (!isTrue(get(logs, "enabled")) || get(logs, "bucket") === "")
      report(`load balancer ${lbName(resource.name, resource.props)} does not write access logs to a bucket`);
  },
});

export const elbDeletionProtection = resourcePolicy({
  name: "elb-deletion-protection",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description: "Load balancers have deletion protection on.",
  module: "elb",
  controls: { fsbp: ["ELB.6"], checkov: ["CKV_AWS_150"] },
  enforcementLevel: "advisory",
  remediation: "Set enableDeletionProtection true",
  types: LOAD_BALANCER_TYPES,
  check(resource, report) {
    const on = resource.props["enableDeletionProtection"];
    if (!isPending(on) && !isTrue(on))
      report(`load balancer ${lbName(resource.name, resource.props)} has no deletion protection`);
  },
});

export const elbDesyncMitigation = resourcePolicy({
  name: "elb-desync-mitigation",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description: "Application load balancers mitigate HTTP desync in defensive or strictest mode.",
  module: "elb",
  controls: { fsbp: ["ELB.12"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation: 'Set desyncMitigationMode "defensive" (the default) or "strictest"',
  types: LOAD_BALANCER_TYPES,
  check(resource, report) {
    if (!isApplication(resource.props)) return;
    const mode = resource.props["desyncMitigationMode"];
    // Absent: AWS applies "defensive".
    if (typeof mode === "string" && !isUnknown(mode) && mode !== "defensive" && mode !== "strictest")
      report(`load balancer ${lbName(resource.name, resource.props)} mitigates HTTP desync in ${mode} mode`);
  },
});

export const elbMultiAz = resourcePolicy({
  name: "elb-multi-az",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description: "Load balancers span two or more subnets (availability zones).",
  module: "elb",
  controls: { fsbp: ["ELB.13"], checkov: [] },
  enforcementLevel: "advisory",
  remediation: "Give the load balancer subnets in at least two availability zones",
  types: LOAD_BALANCER_TYPES,
  check(resource, report) {
    const subnets = resource.props["subnets"];
    const mappings = resource.props["subnetMappings"];
    if (isPending(subnets) || isPending(mappings)) return;
    // Unknown until the subnets exist in a preview: only a known list is counted.
    if (subnets === undefined && mappings === undefined) return;
    const count = asArray(subnets).length + asArray(mappings).length;
    if (count < 2)
      report(
        `load balancer ${lbName(resource.name, resource.props)} is in ${count} subnet${count === 1 ? "" : "s"}`,
      );
  },
});

function redirectsToHttps(action: unknown): boolean {
  return get(action, "type") === "redirect" && get(action, "redirect.protocol") === "HTTPS";
}

export const elbHttpRedirectsToHttps = resourcePolicy({
  name: "elb-http-redirects-to-https",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description: "HTTP listeners only redirect to HTTPS; nothing is served in plain text.",
  module: "elb",
  controls: { fsbp: ["ELB.1"], checkov: ["CKV_AWS_2", "CKV2_AWS_20"] },
  enforcementLevel: "mandatory",
  remediation:
    'Make the HTTP listener\'s default action { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } } (an HTTP-only NoDNSWeb deployment goes in allowlist.yaml)',
  types: LISTENER_TYPES,
  check(resource, report) {
    if (resource.props["protocol"] !== "HTTP") return;
    const actions = resource.props["defaultActions"];
    if (isPending(actions) || actions === undefined) return;
    const other = asArray(actions).filter((a) => !redirectsToHttps(a));
    if (other.length > 0)
      report(
        `HTTP listener ${resource.name} answers with ${other.map((a) => String(get(a, "type") ?? "(no type)")).join(", ")} instead of redirecting to HTTPS`,
      );
  },
});

/** TLS 1.2 or newer only: the TLS13-1-2/1-3, TLS-1-2 and forward-secrecy FS-1-2 policy families. */
export const TLS12_POLICY = /^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)/;

export const elbTlsPolicy = resourcePolicy({
  name: "elb-tls-policy",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description: "HTTPS and TLS listeners negotiate TLS 1.2 or newer only.",
  module: "elb",
  controls: { fsbp: ["ELB.17"], checkov: ["CKV_AWS_103"] },
  enforcementLevel: "mandatory",
  remediation:
    'Set sslPolicy "ELBSecurityPolicy-TLS13-1-2-2021-06" (or another ELBSecurityPolicy-TLS13-1-2-* policy)',
  types: LISTENER_TYPES,
  check(resource, report) {
    const protocol = resource.props["protocol"];
    if (protocol !== "HTTPS" && protocol !== "TLS") return;
    const policy = resource.props["sslPolicy"];
    if (isPending(policy)) return;
    if (typeof policy !== "string") {
      report(`${protocol} listener ${resource.name} has no sslPolicy (AWS's default admits TLS 1.0)`);
    } else if (!TLS12_POLICY.test(policy)) {
      report(`${protocol} listener ${resource.name} uses ${policy}, which admits TLS older than 1.2`);
    }
  },
});

export const elbPolicies = [
  elbDropInvalidHeaders,
  elbAccessLogs,
  elbDeletionProtection,
  elbDesyncMitigation,
  elbMultiAz,
  elbHttpRedirectsToHttps,
  elbTlsPolicy,
];
