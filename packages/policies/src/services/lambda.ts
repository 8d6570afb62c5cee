import { ofTypes } from "../companions";
import { absent, knownText, numberOf } from "../conditions";
import { resourcePolicy, stackPolicy, type StackResource } from "../define";
import { asArray, asRecord, get, isPending } from "../props";

export const FUNCTION_TYPES = ["aws:lambda/function:Function"];
export const PERMISSION_TYPES = ["aws:lambda/permission:Permission"];
export const INVOKE_CONFIG_TYPES = ["aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"];

function functionName(fn: { name: string; props: Record<string, unknown> }): string {
  return knownText(fn.props["name"]) ?? fn.name;
}

/** Services whose source ARNs do not name the account (an S3 bucket's ARN has none). */
const ARN_WITHOUT_ACCOUNT = ["s3.amazonaws.com"];

export const lambdaPermissionScoped = resourcePolicy({
  name: "lambda-permission-scoped",
  satisfiedBy: [
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/data/src/search.ts",
  ],
  description:
    "No function may be invoked by anyone: a permission names a principal, and a service principal is kept to the calling resource (sourceArn) or this account (sourceAccount); S3 needs sourceAccount, as bucket ARNs name no account.",
  module: "lambda",
  controls: { fsbp: ["Lambda.1"], checkov: ["CKV_AWS_364", "CKV_AWS_301"] },
  enforcementLevel: "mandatory",
  remediation:
    "Name the invoking service or account as principal and set sourceArn to the calling resource (and sourceAccount for S3 and other services whose ARNs name no account)",
  types: PERMISSION_TYPES,
  check(resource, report) {
    const principal = knownText(resource.props["principal"]);
    if (principal === undefined) return;
    const target = knownText(resource.props["function"]) ?? resource.name;
    const sourceArn = resource.props["sourceArn"];
    const sourceAccount = resource.props["sourceAccount"];
    if (principal === "*") {
      if (absent(sourceArn) && absent(sourceAccount) && absent(resource.props["principalOrgId"]))
        report(`permission ${resource.name} lets anyone invoke ${target}`);
      return;
    }
    if (!principal.endsWith(".amazonaws.com")) return;
    if (ARN_WITHOUT_ACCOUNT.includes(principal) && absent(sourceAccount)) {
      report(
        `permission ${resource.name} lets ${principal} of any account invoke ${target} (no sourceAccount)`,
      );
    } else if (absent(sourceArn) && absent(sourceAccount)) {
      report(
        `permission ${resource.name} lets ${principal} invoke ${target} on behalf of any resource (no sourceArn or sourceAccount)`,
      );
    }
  },
});

/** Runtimes AWS still supports and patches (Lambda runtime deprecation schedule). */
// Lambda's runtime support dates as of November 2026: nodejs20.x (30 Apr 2026), python3.10 and
// python3.11 (30 Jun 2026) are past standard support.
export const SUPPORTED_RUNTIMES = [
  "nodejs22.x",
  "nodejs24.x",
  "python3.12",
  "python3.13",
  "python3.14",
  "java17",
  "java21",
  "java25",
  "dotnet8",
  "dotnet10",
  "ruby3.3",
  "ruby3.4",
  "provided.al2023",
];

export const lambdaSupportedRuntime = resourcePolicy({
  name: "lambda-supported-runtime",
  satisfiedBy: [
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/data/src/search.ts",
  ],
  description: `Every function runs on a runtime AWS still patches (${SUPPORTED_RUNTIMES.join(", ")}); container-image functions bring their own.`,
  module: "lambda",
  controls: { fsbp: ["Lambda.2"], checkov: ["CKV_AWS_363"] },
  enforcementLevel: "mandatory",
  remediation: "Move the function to a supported runtime (nodejs22.x for the project's TypeScript functions)",
  types: FUNCTION_TYPES,
  check(resource, report) {
    if (resource.props["packageType"] === "Image") return;
    const runtime = resource.props["runtime"];
    if (isPending(runtime)) return;
    if (absent(runtime)) report(`function ${functionName(resource)} names no runtime`);
    else if (!SUPPORTED_RUNTIMES.includes(String(runtime)))
      report(`function ${functionName(resource)} runs on ${String(runtime)}, which AWS no longer supports`);
  },
});

/** Does the invoke configuration configure `fn` (by name, ARN, or the dependency a new function's reference makes)? */
function configures(config: StackResource, fn: StackResource): boolean {
  const reference = knownText(config.props["functionName"]);
  const name = knownText(fn.props["name"]);
  if (reference !== undefined && name !== undefined) {
    if (reference === name) return true;
    if (/:function:([^:]+)(:[^:]+)?$/.exec(reference)?.[1] === name) return true;
  }
  return config.dependencyUrns.includes(fn.urn);
}

export const lambdaFailureDestination = stackPolicy({
  name: "lambda-failure-destination",
  satisfiedBy: [
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/data/src/search.ts",
    "packages/dr/src/dr-function.ts",
  ],
  description:
    "Every function keeps the asynchronous events it fails to process: a dead-letter queue (deadLetterConfig) or an on-failure destination on its event invoke configuration.",
  module: "lambda",
  controls: { fsbp: [], checkov: ["CKV_AWS_116"] },
  enforcementLevel: "advisory",
  remediation:
    "Set deadLetterConfig.targetArn to an encrypted SQS queue, or add an aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure.destination",
  check(resources, report) {
    const configs = ofTypes(resources, INVOKE_CONFIG_TYPES);
    for (const fn of ofTypes(resources, FUNCTION_TYPES)) {
      const deadLetter = get(fn.props, "deadLetterConfig.targetArn");
      if (!absent(deadLetter)) continue;
      const onFailure = configs
        .filter((c) => configures(c, fn))
        .some((c) => !absent(get(c.props, "destinationConfig.onFailure.destination")));
      if (!onFailure)
        report(
          `function ${functionName(fn)} drops the asynchronous events it fails to process (no dead-letter queue or on-failure destination)`,
          fn.urn,
        );
    }
  },
});

export const lambdaConcurrencyLimit = resourcePolicy({
  name: "lambda-concurrency-limit",
  satisfiedBy: [
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/data/src/search.ts",
  ],
  description:
    "Every function reserves its concurrency, so a flood of events neither starves the account's other functions nor scales it without bound.",
  module: "lambda",
  controls: { fsbp: [], checkov: ["CKV_AWS_115"] },
  enforcementLevel: "advisory",
  remediation: "Set reservedConcurrentExecutions to the most concurrent runs the function needs",
  types: FUNCTION_TYPES,
  check(resource, report) {
    const reserved = resource.props["reservedConcurrentExecutions"];
    if (isPending(reserved)) return;
    const value = numberOf(reserved);
    if (value === undefined || value < 0)
      report(`function ${functionName(resource)} reserves no concurrency`);
  },
});

export const lambdaEnvironmentEncrypted = resourcePolicy({
  name: "lambda-environment-encrypted",
  satisfiedBy: [
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/data/src/search.ts",
    "packages/dr/src/dr-function.ts",
  ],
  description:
    "Every function with environment variables encrypts them with a customer-managed KMS key (secrets stay out of them: no-plaintext-secrets).",
  module: "lambda",
  controls: { fsbp: [], checkov: ["CKV_AWS_173"] },
  enforcementLevel: "advisory",
  remediation: "Set kmsKeyArn on the function to the secrets key (@tdp/data's DataKeys secrets key)",
  types: FUNCTION_TYPES,
  check(resource, report) {
    const variables = asRecord(get(resource.props, "environment.variables"));
    if (variables === undefined || Object.keys(variables).length === 0) return;
    if (absent(resource.props["kmsKeyArn"]))
      report(
        `function ${functionName(resource)} encrypts its environment variables with the AWS-managed key`,
      );
  },
});

export const lambdaVpcMultiAz = resourcePolicy({
  name: "lambda-vpc-multi-az",
  satisfiedBy: [
    "packages/bi-dashboard/src/sync-function.ts",
    "packages/bi-dashboard/src/db-rotation.ts",
    "packages/data/src/search.ts",
  ],
  description: "Every function attached to a VPC runs in subnets of at least two Availability Zones.",
  module: "lambda",
  controls: { fsbp: ["Lambda.5"], checkov: [] },
  enforcementLevel: "advisory",
  remediation: "Give vpcConfig.subnetIds one private subnet per Availability Zone (two or more)",
  types: FUNCTION_TYPES,
  check(resource, report) {
    const vpc = resource.props["vpcConfig"];
    if (isPending(vpc) || absent(vpc)) return;
    const subnets = get(vpc, "subnetIds");
    if (isPending(subnets)) return;
    const entries = asArray(subnets);
    // Subnets not created yet are each "[unknown]": count them, do not merge them.
    const count = entries.some(isPending) ? entries.length : new Set(entries.map(String)).size;
    // No subnets at all is the provider's way of saying "not in a VPC".
    if (count === 1)
      report(`function ${functionName(resource)} runs in one subnet of its VPC, one Availability Zone`);
  },
});

export const lambdaPolicies = [
  lambdaPermissionScoped,
  lambdaSupportedRuntime,
  lambdaFailureDestination,
  lambdaConcurrencyLimit,
  lambdaEnvironmentEncrypted,
  lambdaVpcMultiAz,
];
