import { resourcePolicy } from "../define";
import { isUnknown, isPending } from "../props";

export const CERTIFICATE = "aws:acm/certificate:Certificate";

/** Requested (not imported, not from a private CA) certificates: the ones ACM validates. */
function requested(props: Record<string, unknown>): boolean {
  return props["privateKey"] === undefined && props["certificateAuthorityArn"] === undefined;
}

export const acmKeyLength = resourcePolicy({
  name: "acm-rsa-key-length",
  satisfiedBy: [
    "packages/eks-services/src/web/validation.ts",
    "packages/bi-dashboard/src/validation.ts",
    "stacks/src/config/services/web.ts",
  ],
  description:
    "Certificates use RSA keys of 2048 bits or more (or ECDSA): the seed's RSA_1024 choice is refused.",
  module: "acm",
  controls: { fsbp: ["ACM.2"], checkov: [] },
  enforcementLevel: "mandatory",
  remediation:
    'Use keyAlgorithm "RSA_2048" (the default) or "EC_prime256v1". A 1024-bit RSA key is within reach of a well-funded attacker, has been deprecated by NIST since 2013, is refused by browsers and by ACM for new certificates, so the seed\'s 1024 option cannot be honoured',
  types: [CERTIFICATE],
  check(resource, report) {
    const algorithm = resource.props["keyAlgorithm"];
    // Absent: ACM requests RSA_2048.
    if (typeof algorithm !== "string" || isUnknown(algorithm)) return;
    const bits = /^RSA_(\d+)$/.exec(algorithm);
    if (bits && Number(bits[1]) < 2048)
      report(`certificate ${resource.name} asks for a ${bits[1]}-bit RSA key (${algorithm})`);
  },
});

export const acmDnsValidation = resourcePolicy({
  name: "acm-dns-validation",
  satisfiedBy: [
    "packages/eks-services/src/web/web-entry-point.ts",
    "packages/bi-dashboard/src/load-balancer.ts",
  ],
  description:
    "Requested certificates validate through DNS, so ACM renews them without anyone answering an email.",
  module: "acm",
  controls: { fsbp: [], checkov: [], project: ["TDP.ACM.1"] },
  enforcementLevel: "advisory",
  remediation: 'Set validationMethod "DNS" and create the validation records (aws.acm.CertificateValidation)',
  types: [CERTIFICATE],
  check(resource, report) {
    if (!requested(resource.props)) return;
    const method = resource.props["validationMethod"];
    if (isPending(method)) return;
    if (method !== "DNS")
      report(
        `certificate ${resource.name} validates by ${typeof method === "string" ? method : "an unspecified method"}, not DNS`,
      );
  },
});

export const acmPolicies = [acmKeyLength, acmDnsValidation];
