import jsYaml from "js-yaml";
import { parseYamlDocuments } from "../load/yaml-documents.js";
import { isJsonObject, pointerSegments, type JsonObject } from "../model/resource.js";

/**
 * The one place secrets are masked, for every output: diff (text, JSON, Markdown, and so the
 * pull-request comment and the promotion body), drift, and every finding and error message.
 * A value is secret by where it sits (a Secret's data, a field named like a credential, the value
 * next to a credential's name, a private or symmetric JWK member) or by what it looks like (an
 * `Authorization` scheme and its token, credentials in a URL, a PEM block, a JWT, `password=…`
 * in code or in a values string). Masked values become {@link MASK}; keys and structure stay, so
 * a reader still sees that, and where, a secret changed.
 */
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
  // HTTP headers that carry credentials: Authorization, Proxy-Authorization, Cookie, Set-Cookie.
  "authorization",
  "cookie",
]);

/** A word that, before `key`, makes it a credential: `apiKey`, `private_key`, `client-key`. */
const KEY_QUALIFIERS: ReadonlySet<string> = new Set(["api", "private", "secret", "access", "client", "signing", "encryption", "master", "auth"]);

/** JWK members that hold key material (RFC 7518 §6.3.2 private RSA, §6.2.2 EC `d`, §6.4 symmetric `k`). */
const JWK_SECRET_MEMBERS: ReadonlySet<string> = new Set(["d", "p", "q", "dp", "dq", "qi", "oth", "k"]);

/**
 * Whether a field's key looks like it holds a credential. The key is split into words
 * (camelCase, snake_case, kebab-case, dots) and its last word decides, so that `password`,
 * `DB_PASSWORD`, `accessToken`, `clientSecret`, `apiKey`, `privateKey`, `credentials` and
 * `Authorization` are credentials, while `credentialName`, `secretName`, `secretRef`,
 * `tokenPath` (references to a secret) and Envoy's `token_bucket` / `max_tokens` (rate limits)
 * are not.
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
 * - the `value` next to a `name`, `key` or `header` that does (`env: [{ name: DB_PASSWORD, value: … }]`,
 *   Envoy's `header: { key: authorization, value: … }`);
 * - a private or symmetric member of a JSON Web Key (an object with `kty`).
 */
export function isSensitiveField(kind: string, depth: number, parent: JsonObject, key: string): boolean {
  if (depth === 0 && kind === "Secret" && (key === "data" || key === "stringData")) return true;
  if (isCredentialKey(key)) return true;
  if (key === "value") {
    return ["name", "key", "header"].some((sibling) => {
      const name = parent[sibling];
      return typeof name === "string" && isCredentialKey(name);
    });
  }
  return typeof parent["kty"] === "string" && JWK_SECRET_MEMBERS.has(key);
}

/** Whether the field at `pointer` in `object` (of `kind`) is, or sits below, a secret field. */
export function isSensitivePointer(kind: string, object: unknown, pointer: string): boolean {
  let node: unknown = object;
  let depth = 0;
  for (const segment of pointerSegments(pointer)) {
    if (isJsonObject(node)) {
      if (isSensitiveField(kind, depth, node, segment)) return true;
      node = node[segment];
    } else if (Array.isArray(node)) {
      node = node[Number(segment)];
    } else {
      return false;
    }
    depth++;
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
 * A copy of `value` (found at `depth` in an object of `kind`) with every secret masked;
 * `sensitive` says the value itself already sits below a sensitive field.
 */
export function redactValue(kind: string, value: unknown, depth: number, sensitive: boolean): unknown {
  if (sensitive) return maskValue(value);
  if (typeof value === "string") return maskString(value);
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

/** Strings inside strings (a values file inside a JSON document inside …) are read this deep. */
const MAX_EMBEDDED_DEPTH = 3;

/**
 * A string value, safe to print: a document held in a string (a Helm `values` block, a JWKS, a
 * JSON config) is read and masked by key, keeping its text when nothing in it is secret; any
 * other string, and what is left, is masked by what its values look like ({@link maskText}).
 */
export function maskString(text: string, embeddedDepth = 0): string {
  if (embeddedDepth < MAX_EMBEDDED_DEPTH) {
    const embedded = readEmbeddedDocument(text);
    if (embedded !== undefined) {
      let masked: unknown;
      try {
        masked = redactEmbedded(embedded.value, embeddedDepth + 1);
      } catch (error) {
        // Nested deeper than the stack allows: mask it as text instead.
        if (error instanceof RangeError) return maskText(text);
        throw error;
      }
      if (JSON.stringify(masked) === JSON.stringify(embedded.value)) return text;
      return embedded.format === "json"
        ? JSON.stringify(masked, null, text.includes("\n") ? 2 : undefined)
        : jsYaml.dump(masked, { lineWidth: -1, noRefs: true });
    }
  }
  return maskText(text);
}

function redactEmbedded(value: unknown, embeddedDepth: number): unknown {
  const walk = (node: unknown, sensitive: boolean): unknown => {
    if (sensitive) return maskValue(node);
    if (typeof node === "string") return maskString(node, embeddedDepth);
    if (Array.isArray(node)) return node.map((item) => walk(item, false));
    if (isJsonObject(node)) {
      const out: JsonObject = {};
      for (const [key, child] of Object.entries(node)) out[key] = walk(child, isSensitiveField("", 1, node, key));
      return out;
    }
    return node;
  };
  return walk(value, false);
}

/** A JSON object or array, or a multi-line YAML mapping, held in a string. */
function readEmbeddedDocument(text: string): { value: JsonObject | unknown[]; format: "json" | "yaml" } | undefined {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      const value: unknown = JSON.parse(trimmed);
      if (isJsonObject(value) || Array.isArray(value)) return { value, format: "json" };
    } catch {
      // Not JSON: maybe YAML flow style, read below.
    }
  }
  if (!trimmed.includes("\n")) return undefined;
  // Read as every YAML input is, aliases bounded: a values string may be hostile too.
  const parsed = parseYamlDocuments(trimmed);
  const value = parsed.documents[0]?.value;
  return parsed.problems.length === 0 && parsed.documents.length === 1 && isJsonObject(value) ? { value, format: "yaml" } : undefined;
}

/** Tokens of an `Authorization` header: the scheme stays, the credential goes. */
const AUTH_SCHEME = /\b(Bearer|Basic|Digest|Token|Bot|Negotiate|ApiKey|Api-Key)(\s+)([A-Za-z0-9\-._~+/=%:]{6,})/gi;
/** `scheme://user:password@host` and `scheme://token@host`. */
const URL_CREDENTIALS = /\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)([^\s/?#@"'<>]+)@/g;
/** A whole PEM block (or one cut off before its end line). */
const PEM_BLOCK = /(-----BEGIN ([A-Z0-9 ]+)-----)[\s\S]*?(-----END \2-----|$)/g;
/** A JSON Web Token: three base64url parts, the first two JSON objects. */
const JWT = /\beyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g;
/** `key = "value"`, `"key": "value"`, `key: value`, `key=value` (code, config text, query strings). */
const QUOTED_ASSIGNMENT = /(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1(\s*(?:=>|==|=|:|,)\s*)(["'])((?:\\.|(?!\4)[^\\\n])*)\4/g;
// A key may also follow a quote or a path separator: tools echo `'password=x'` and `/dir/token=x`.
const KEY_AND_SEPARATOR = /(?:^|[\s?&;,{(\['"/])([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s*/gm;
const BARE_VALUE = /^(?!["'\s])[^\s"',;&)}]+/;
/** Nothing below can match a string without one of these. */
const MAY_HOLD_SECRET = /-----BEGIN|:\/\/|eyJ|bearer|basic|digest|token|negotiate|apikey|api-key|bot\s|pass|pwd|secret|key|credential|auth|cookie/i;

/**
 * Free text (a message, a line of code, a string value) with every credential it visibly holds
 * masked: Authorization schemes' tokens, URL credentials, PEM blocks, JWTs, and the values of
 * assignments whose key names a credential.
 */
export function maskText(text: string): string {
  if (!MAY_HOLD_SECRET.test(text)) return text;
  const patterned = text
    .replace(PEM_BLOCK, (_block, begin: string, _type: string, end: string) => `${begin}\n${MASK}\n${end}`)
    .replace(JWT, MASK)
    .replace(URL_CREDENTIALS, (_match, scheme: string) => `${scheme}${MASK}@`)
    .replace(AUTH_SCHEME, (match, scheme: string, space: string, token: string) => (looksLikeCredential(token) ? `${scheme}${space}${MASK}` : match))
    .replace(QUOTED_ASSIGNMENT, (match, quote: string, key: string, separator: string, valueQuote: string, value: string) =>
      isCredentialKey(key) && value !== MASK && value !== "" ? `${quote}${key}${quote}${separator}${valueQuote}${MASK}${valueQuote}` : match,
    );
  return maskBareAssignments(patterned);
}

/** `password=hunter2`, `token: abc` (unquoted): the value after a key that names a credential. */
function maskBareAssignments(text: string): string {
  let masked = "";
  let last = 0;
  // Only key and separator are consumed, so that `https://…?token=x` still finds `token`.
  for (const match of text.matchAll(KEY_AND_SEPARATOR)) {
    const valueStart = (match.index ?? 0) + match[0].length;
    const value = BARE_VALUE.exec(text.slice(valueStart))?.[0];
    if (valueStart < last || value === undefined || value === MASK || isReference(value) || !isCredentialKey(match[1] ?? "")) continue;
    // `Authorization: Bearer ***`: the scheme stays, its token is already masked.
    if (text.startsWith(` ${MASK}`, valueStart + value.length)) continue;
    masked += `${text.slice(last, valueStart)}${MASK}`;
    last = valueStart + value.length;
  }
  return masked + text.slice(last);
}

/** A word of prose after "Bearer" (`the Bearer scheme`) is not a token; anything with a digit, a capital or a symbol may be. */
function looksLikeCredential(token: string): boolean {
  return token !== MASK && (token.length >= 20 || /[0-9A-Z+/=._~-]/.test(token.slice(1)));
}

/** `password: ${DB_PASSWORD}`, `token: $TOKEN`: a reference to a secret, not the secret. */
function isReference(value: string): boolean {
  return /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/.test(value);
}
