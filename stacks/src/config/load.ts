import type { ConfigProblem } from "@tdp/core";
import { ConfigError, awsRegion, nearestName, parseConfigSection } from "@tdp/core";

import { drProblems } from "./dr-rules";
import { networkPlatformProblems } from "./network";
import { organizationsProblems } from "./organizations";
import { recoveryProblems } from "./recovery-rules";
import type { SectionName, StackConfig } from "./sections";
import { SECTIONS } from "./sections";

export interface LoadedConfig {
  region: string;
  sections: StackConfig;
  /**
   * The stack file's other `aws:` settings (profile, assumeRoles, endpoints, …), decoded, for the
   * stack's explicit AWS provider: an explicit provider does not read `aws:` config by itself.
   */
  awsSettings: Record<string, unknown>;
}

/**
 * The AWS provider's config keys, exactly as `@pulumi/aws` 7.48 declares them
 * (`config/vars.d.ts`); a test keeps this list in step with the installed provider.
 */
export const AWS_PROVIDER_KEYS = [
  "accessKey",
  "allowedAccountIds",
  "assumeRoleWithWebIdentity",
  "assumeRoles",
  "customCaBundle",
  "defaultTags",
  "ec2MetadataServiceEndpoint",
  "ec2MetadataServiceEndpointMode",
  "endpoints",
  "forbiddenAccountIds",
  "httpProxy",
  "httpsProxy",
  "ignoreTags",
  "insecure",
  "maxRetries",
  "noProxy",
  "profile",
  "region",
  "retryMode",
  "s3UsEast1RegionalEndpoint",
  "s3UsePathStyle",
  "secretKey",
  "sharedConfigFiles",
  "sharedCredentialsFiles",
  "skipCredentialsValidation",
  "skipMetadataApiCheck",
  "skipRegionValidation",
  "skipRequestingAccountId",
  "stsRegion",
  "tagPolicyCompliance",
  "token",
  "tokenBucketRateLimiterCapacity",
  "useDualstackEndpoint",
  "useFipsEndpoint",
  "userAgents",
] as const;

/** The namespaces a stack file's keys may use. */
const NAMESPACES = ["tdp", "aws", "pulumi"] as const;
const KEY_FORMS = "a stack's keys are tdp:<section>, aws:<AWS provider setting> or pulumi:<setting>";

/** The CLI hands structured values to the program as JSON text; scalars stay as they are. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const didYouMean = (key: string | undefined) => (key ? ` (did you mean ${key}?)` : "");

/**
 * Every key of the stack file must be a known `tdp:` section, a setting of the AWS provider or a
 * `pulumi:` key: anything else (`tpd:network`, `aws:regoin`) would otherwise be ignored in silence.
 */
function keyProblems(raw: Record<string, string>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sections = Object.keys(SECTIONS);
  for (const key of Object.keys(raw)) {
    const colon = key.indexOf(":");
    const namespace = colon < 0 ? "" : key.slice(0, colon);
    const name = colon < 0 ? key : key.slice(colon + 1);
    const value = decode(raw[key] ?? "");
    if (namespace === "tdp") {
      if (!sections.includes(name)) {
        const near = nearestName(name, sections);
        problems.push({
          key,
          value,
          rule:
            `unknown config key${near ? didYouMean(`tdp:${near}`) : " (misspelt?)"}; ` +
            `the tdp: keys are ${sections.map((k) => `tdp:${k}`).join(", ")}`,
        });
      }
    } else if (namespace === "aws") {
      if (!(AWS_PROVIDER_KEYS as readonly string[]).includes(name)) {
        const near = nearestName(name, AWS_PROVIDER_KEYS);
        problems.push({
          key,
          value,
          rule: `not a setting of the AWS provider${didYouMean(near && `aws:${near}`)}; docs/parameters.md lists the aws: keys`,
        });
      }
    } else if (namespace !== "pulumi") {
      const near = colon < 0 ? undefined : nearestName(namespace, NAMESPACES);
      problems.push({
        key,
        value,
        rule:
          (colon < 0 ? "has no namespace" : `unknown config namespace "${namespace}"`) +
          `${didYouMean(near && `${near}:${name}`)}; ${KEY_FORMS}`,
      });
    }
  }
  return problems;
}

/**
 * Validates a stack's whole config (as `pulumi.runtime.allConfig()` gives it) and returns it
 * typed, or throws one {@link ConfigError} listing every problem: keys outside the `tdp:`
 * sections, the AWS provider's settings and `pulumi:`, missing sections, each bad value with its
 * key and rule, and the rules that join two sections. Runs before any resource is registered.
 */
export function loadStackConfig(raw: Record<string, string>): LoadedConfig {
  const problems: ConfigProblem[] = [];

  const region = raw["aws:region"];
  if (region === undefined) {
    problems.push({
      key: "aws:region",
      value: undefined,
      rule: "required: the region this stack deploys into",
    });
  } else {
    const regionResult = parseConfigSection("aws:region", awsRegion, region);
    if (!regionResult.ok) {
      problems.push(...regionResult.problems);
    }
  }

  problems.push(...keyProblems(raw));

  const sections: Partial<Record<SectionName, unknown>> = {};
  for (const [name, section] of Object.entries(SECTIONS) as [SectionName, (typeof SECTIONS)[SectionName]][]) {
    const key = `tdp:${name}`;
    const text = raw[key];
    if (text === undefined && section.required) {
      problems.push({ key, value: undefined, rule: "required section is missing from the stack config" });
      continue;
    }
    const result = parseConfigSection(key, section.schema, text === undefined ? {} : decode(text));
    if (result.ok) {
      sections[name] = result.value;
    } else {
      problems.push(...result.problems);
    }
  }

  // Rules across sections, once the sections they read are valid on their own.
  const typed = sections as Partial<StackConfig>;
  if (typed.platform !== undefined && typed.network !== undefined) {
    problems.push(...networkPlatformProblems(typed.network, typed.platform.exposedOnInternet));
  }
  if (typed.platform !== undefined && typed.organizations !== undefined && region !== undefined) {
    problems.push(
      ...organizationsProblems(typed.organizations, {
        region,
        environment: typed.platform.environment,
        role: typed.platform.role,
        datalakeAdopted: typed.data?.recovery !== undefined,
      }),
    );
  }
  if (typed.platform !== undefined && typed.dr !== undefined) {
    problems.push(...drProblems(typed.dr, typed.platform, region, typed.data?.database));
  }
  if (typed.platform !== undefined && typed.data !== undefined) {
    problems.push(...recoveryProblems(typed.data, typed.platform, region, typed.dr));
  }

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  const awsSettings = Object.fromEntries(
    Object.keys(raw)
      .filter((key) => key.startsWith("aws:") && key !== "aws:region")
      .sort()
      .map((key) => [key.slice("aws:".length), decode(raw[key] ?? "")]),
  );
  return { region: region as string, sections: sections as StackConfig, awsSettings };
}
