import type { ConfigProblem } from "@tdp/core";
import { ConfigError, awsRegion, parseConfigSection } from "@tdp/core";

import type { SectionName, StackConfig } from "./sections";
import { SECTIONS } from "./sections";

export interface LoadedConfig {
  region: string;
  sections: StackConfig;
}

/** The CLI hands structured values to the program as JSON text; scalars stay as they are. */
function decode(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Validates a stack's whole config (as `pulumi.runtime.allConfig()` gives it) and returns it
 * typed, or throws one {@link ConfigError} listing every problem: unknown `tdp:` keys, missing
 * sections and each bad value with its key and rule. Runs before any resource is registered.
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

  const known = new Set<string>(Object.keys(SECTIONS));
  for (const key of Object.keys(raw)) {
    const [namespace, section] = key.split(":", 2);
    if (namespace === "tdp" && section !== undefined && !known.has(section)) {
      problems.push({
        key,
        value: decode(raw[key] ?? ""),
        rule: `unknown config key (misspelt?); the tdp: keys are ${[...known].map((k) => `tdp:${k}`).join(", ")}`,
      });
    }
  }

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

  if (problems.length > 0) {
    throw new ConfigError(problems);
  }
  return { region: region as string, sections: sections as StackConfig };
}
