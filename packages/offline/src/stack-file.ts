import { readFileSync } from "node:fs";

import { parse } from "yaml";

/**
 * What a `secure:` value becomes offline: the ciphertext cannot be decrypted here. The key is
 * marked secret, so a program that handles it properly never shows this text; a plan or a
 * test that finds it has found a secret passed on in plain text.
 */
export const SECRET_CONFIG_PLACEHOLDER = "offline-placeholder-secret-value";

export interface StackConfigMap {
  /** Config as the CLI hands it to a program: structured values as JSON text. */
  config: Record<string, string>;
  /** Keys holding a secret anywhere in their value. */
  secretKeys: string[];
}

/** The text a `secure:` value at `path` (config key, then the path inside its value) stands for. */
export type SecretValueFor = (path: string[]) => string;

function replaceSecure(
  value: unknown,
  found: { secret: boolean },
  path: string[],
  secretValue: SecretValueFor,
): unknown {
  if (Array.isArray(value)) {
    return value.map((v, i) => replaceSecure(v, found, [...path, String(i)], secretValue));
  }
  if (value !== null && typeof value === "object") {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    if (keys.length === 1 && keys[0] === "secure") {
      found.secret = true;
      return secretValue(path);
    }
    return Object.fromEntries(
      keys.map((k) => [k, replaceSecure(record[k], found, [...path, k], secretValue)]),
    );
  }
  return value;
}

/**
 * Reads a `Pulumi.<stack>.yaml` file into the config map a program receives. Each `secure:` value
 * becomes `secretValue(path)`: by default {@link SECRET_CONFIG_PLACEHOLDER}.
 */
export function readStackFile(
  file: string,
  secretValue: SecretValueFor = () => SECRET_CONFIG_PLACEHOLDER,
): StackConfigMap {
  let document: unknown;
  try {
    document = parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`cannot read the stack file ${file}: ${(error as Error).message}`);
  }
  const config = (document as { config?: unknown } | null)?.config ?? {};
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new Error(`${file}: "config" must be a mapping of keys to values`);
  }
  const result: StackConfigMap = { config: {}, secretKeys: [] };
  for (const [key, raw] of Object.entries(config)) {
    const found = { secret: false };
    const value = replaceSecure(raw, found, [key], secretValue);
    result.config[key] = typeof value === "string" ? value : JSON.stringify(value);
    if (found.secret) {
      result.secretKeys.push(key);
    }
  }
  return result;
}
