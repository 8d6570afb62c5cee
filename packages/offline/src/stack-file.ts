import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

import { parse } from "yaml";

/**
 * What a secret value becomes offline: a `secure:` ciphertext cannot be decrypted here, and an
 * ESC `fn::secret` value is a placeholder in the committed definition. The key is marked secret,
 * so a program that handles it properly never shows this text; a plan or a test that finds it
 * has found a secret passed on in plain text.
 */
export const SECRET_CONFIG_PLACEHOLDER = "offline-placeholder-secret-value";

/** Where the committed Pulumi ESC environment definitions live, relative to a stack file. */
export const ENVIRONMENTS_DIR = "environments";

/** The repository root (the offline package is `packages/offline/src`). */
const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface StackConfigMap {
  /** Config as the CLI hands it to a program: structured values as JSON text. */
  config: Record<string, string>;
  /** Keys holding a secret anywhere in their value. */
  secretKeys: string[];
  /** The ESC environment definitions merged under the stack file's config, as files. */
  environments: string[];
}

type Found = { secret: boolean };

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A `secure:` (stack file) or `fn::secret` (ESC definition) value: one secret, never merged into. */
function isSecretValue(value: unknown): boolean {
  if (!isRecord(value)) {
    return false;
  }
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === "secure" || keys[0] === "fn::secret");
}

/** The text a secret value at `path` (config key, then the path inside its value) stands for. */
export type SecretValueFor = (path: string[]) => string;

/** Secret values become `secretValue(path)`. */
function replaceSecrets(value: unknown, found: Found, path: string[], secretValue: SecretValueFor): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => replaceSecrets(v, found, [...path, String(i)], secretValue));
  }
  if (isSecretValue(value)) {
    found.secret = true;
    return secretValue(path);
  }
  if (isRecord(value)) {
    const keys = Object.keys(value);
    return Object.fromEntries(
      keys.map((k) => [k, replaceSecrets(value[k], found, [...path, k], secretValue)]),
    );
  }
  return value;
}

/** JSON merge patch (RFC 7386) of `patch` onto `base`, as the CLI merges ESC config under a stack's. */
function mergePatch(base: unknown, patch: unknown): unknown {
  if (!isRecord(patch) || !isRecord(base) || isSecretValue(patch) || isSecretValue(base)) {
    return patch;
  }
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    merged[key] = key in base ? mergePatch(base[key], value) : value;
  }
  return merged;
}

function parseYaml(file: string, what: string): unknown {
  try {
    return parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read the ${what} ${file}: ${(error as Error).message}`);
  }
}

/**
 * The committed definition of an ESC environment (`<project>/<name>` or `<name>`): the file
 * `environments/<name>.yaml` beside the stack file, else at the repository root.
 */
export function environmentFile(stackFile: string, environment: string): string | undefined {
  const name = environment.split("/").pop() ?? environment;
  return [path.dirname(stackFile), REPO_ROOT]
    .map((dir) => path.join(dir, ENVIRONMENTS_DIR, `${name}.yaml`))
    .find((file) => existsSync(file));
}

/**
 * The ESC environments a stack's config is merged with at deploy time: those the stack file
 * imports (`environment:`), or, without imports, `<stack>-secrets` when its definition is
 * committed (the environment the preview workflow imports; docs/operations.md "Secrets").
 */
function environmentsOf(file: string, document: Record<string, unknown>): string[] {
  const imports = document["environment"];
  if (imports !== undefined) {
    const names = Array.isArray(imports) ? imports : isRecord(imports) ? imports["imports"] : undefined;
    if (!Array.isArray(names) || !names.every((n): n is string => typeof n === "string")) {
      throw new Error(`${file}: "environment" must be a list of ESC environment names`);
    }
    return names.map((name) => {
      const found = environmentFile(file, name);
      if (found === undefined) {
        throw new Error(
          `${file} imports the ESC environment ${name}, but no definition ${ENVIRONMENTS_DIR}/${name.split("/").pop()}.yaml is committed for the offline engine`,
        );
      }
      return found;
    });
  }
  const stack = /^Pulumi\.(.+)\.yaml$/.exec(path.basename(file))?.[1];
  const conventional = stack === undefined ? undefined : environmentFile(file, `${stack}-secrets`);
  return conventional === undefined ? [] : [conventional];
}

/** The `values.pulumiConfig` of an ESC environment definition. */
function pulumiConfigOf(file: string): Record<string, unknown> {
  const document = parseYaml(file, "ESC environment definition");
  const values = isRecord(document) ? document["values"] : undefined;
  const config = isRecord(values) ? values["pulumiConfig"] : undefined;
  if (config === undefined) {
    return {};
  }
  if (!isRecord(config)) {
    throw new Error(`${file}: values.pulumiConfig must be a mapping of config keys to values`);
  }
  return config;
}

/**
 * Reads a `Pulumi.<stack>.yaml` file into the config map a program receives: the stack file's
 * `config`, merged over the `pulumiConfig` of the ESC environments it is deployed with (stack
 * values win, objects merge key by key, as the CLI does), secrets as secret placeholders: each
 * becomes `secretValue(path)`, by default {@link SECRET_CONFIG_PLACEHOLDER}.
 */
export function readStackFile(
  file: string,
  secretValue: SecretValueFor = () => SECRET_CONFIG_PLACEHOLDER,
): StackConfigMap {
  const document = parseYaml(file, "stack file");
  const record = isRecord(document) ? document : {};
  const config = record["config"] ?? {};
  if (!isRecord(config)) {
    throw new Error(`${file}: "config" must be a mapping of keys to values`);
  }
  const environments = environmentsOf(file, record);
  let merged: Record<string, unknown> = {};
  for (const environment of environments) {
    merged = mergePatch(merged, pulumiConfigOf(environment)) as Record<string, unknown>;
  }
  merged = mergePatch(merged, config) as Record<string, unknown>;

  const result: StackConfigMap = { config: {}, secretKeys: [], environments };
  for (const [key, raw] of Object.entries(merged)) {
    const found = { secret: false };
    const value = replaceSecrets(raw, found, [key], secretValue);
    result.config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (found.secret) {
      result.secretKeys.push(key);
    }
  }
  return result;
}
