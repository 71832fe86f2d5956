import { isJsonObject, type JsonObject } from "../model/resource.js";

/** What a secret value is shown as, in every output format. */
export const MASK = "***";

/** The last word of a key that names a credential by itself: `password`, `DB_PASSWORD`, `accessToken`. */
const CREDENTIAL_NOUNS: ReadonlySet<string> = new Set([
  "password",
  "passwd",
  "pwd",
  "passphrase",
  "secret",
  "token",
  "credential",
  "credentials",
  "apikey",
  "privatekey",
]);

/** A word that, before `key`, makes it a credential: `apiKey`, `private_key`, `client-key`. */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set([
  "api",
  "private",
  "secret",
  "access",
  "client",
  "signing",
  "encryption",
  "master",
  "auth",
]);

/**
 * Whether a field's key looks like it holds a credential. The key is split into words
 * (camelCase, snake_case, kebab-case, dots) and its last word decides, so that `password`,
 * `DB_PASSWORD`, `accessToken`, `clientSecret`, `apiKey`, `privateKey` and `credentials` are
 * credentials, while `credentialName`, `secretName`, `secretRef`, `tokenPath` (references to a
 * secret) and Envoy's `token_bucket` / `max_tokens` (rate limits) are not.
 */
export function isCredentialKey(key: string): boolean {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== "");
  const last = words[words.length - 1];
  if (last === undefined) return false;
  if (CREDENTIAL_NOUNS.has(last)) return true;
  if (last === "key") {
    const before = words[words.length - 2];
    return before !== undefined && KEY_QUALIFIERS.has(before);
  }
  return false;
}

/**
 * Whether the field `key` of `parent` holds secret values, where `parent` sits at `depth`
 * (0 = the object itself) in an object of `kind`:
 * - a Secret's `data` and `stringData`;
 * - a field whose key looks like a credential;
 * - the `value` next to a `name` that does (`env: [{ name: DB_PASSWORD, value: … }]`).
 */
export function isSensitiveField(kind: string, depth: number, parent: JsonObject, key: string): boolean {
  if (depth === 0 && kind === "Secret" && (key === "data" || key === "stringData")) return true;
  if (isCredentialKey(key)) return true;
  if (key === "value") {
    const name = parent["name"];
    return typeof name === "string" && isCredentialKey(name);
  }
  return false;
}

/** A value below a sensitive field, with its keys kept and every secret scalar replaced by {@link MASK}. */
export function maskValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskValue);
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) out[key] = maskValue(child);
    return out;
  }
  // A boolean or null says nothing about a credential (`forwardOriginalToken: true`).
  return typeof value === "boolean" || value === null ? value : MASK;
}

/**
 * A copy of `value` (found at `depth` in an object of `kind`) with every sensitive field masked;
 * `sensitive` says the value itself already sits below a sensitive field.
 */
export function redactValue(kind: string, value: unknown, depth: number, sensitive: boolean): unknown {
  if (sensitive) return maskValue(value);
  if (Array.isArray(value)) return value.map((item) => redactValue(kind, item, depth + 1, false));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(value)) {
      out[key] = redactValue(kind, child, depth + 1, isSensitiveField(kind, depth, value, key));
    }
    return out;
  }
  return value;
}

/** A whole object, safe to print. */
export function redactObject(kind: string, object: JsonObject): JsonObject {
  return redactValue(kind, object, 0, false) as JsonObject;
}
