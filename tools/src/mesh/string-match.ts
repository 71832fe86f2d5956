/**
 * Istio's value matching for AuthorizationPolicy fields (istio-semantics.md §2.4, §2.6), as pure
 * functions over strings. Every function answers "does this policy value match this request value".
 *
 * - General rule (API text of `Rule`): exact `abc`, prefix `abc*`, suffix `*abc`, presence `*`
 *   (matches any non-empty value).
 * - `namespaces`: a `*` anywhere in the value is a wildcard (`.*`), not only at either end.
 * - `hosts`: case-insensitive; an exact host does not match `host:port`.
 * - `paths`: compared against the path without its query string; `{*}` / `{**}` make the value an
 *   Envoy URI template (`*` = one segment of one or more characters, `**` = anything, `/` included).
 */

/** Exact, prefix (`x*`), suffix (`*x`) or presence (`*`) match. */
export function matchesValue(pattern: string, value: string): boolean {
  if (pattern === "*") return value !== "";
  if (pattern.length > 1 && pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  if (pattern.length > 1 && pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

/** `hosts` / `notHosts`: the same forms, case-insensitive (a header matcher on `:authority`). */
export function matchesHost(pattern: string, host: string): boolean {
  return matchesValue(pattern.toLowerCase(), host.toLowerCase());
}

/**
 * `namespaces` / `source.namespace`: Istio compiles the value to the regex `.*\/ns/<value>/.*` with each
 * `*` replaced by `.*`, so a wildcard may stand anywhere (`team-*-prod`).
 */
export function matchesNamespace(pattern: string, namespace: string): boolean {
  if (!pattern.includes("*")) return pattern === namespace;
  return globRegex(pattern).test(namespace);
}

const globCache = new Map<string, RegExp>();

function globRegex(pattern: string): RegExp {
  let regex = globCache.get(pattern);
  if (regex === undefined) {
    regex = new RegExp(`^${pattern.split("*").map(escapeRegex).join(".*")}$`);
    globCache.set(pattern, regex);
  }
  return regex;
}

/**
 * `requestPrincipals` / `request.auth.principal` (§2.4; Istio `requestPrincipalGenerator`): the value
 * is split at its LAST `/` into issuer and subject, matched against the token's `iss` and `sub` claims.
 * `*` = any issuer and any subject; a leading `*` is a suffix match on the issuer (or, without `/`, on
 * the subject); a trailing `*` is a prefix match on the subject (or, without `/`, on the issuer);
 * otherwise both parts are exact. "Any" means non-empty.
 */
export function matchesRequestPrincipal(pattern: string, token: { iss: string; sub: string }): boolean {
  const any = (value: string) => value !== "";
  const cut = pattern.lastIndexOf("/");
  const found = cut >= 0;
  const iss = found ? pattern.slice(0, cut) : pattern;
  const sub = found ? pattern.slice(cut + 1) : "";
  if (pattern === "*") return any(token.iss) && any(token.sub);
  if (pattern.startsWith("*")) {
    if (found) return (iss === "*" ? any(token.iss) : token.iss.endsWith(iss.slice(1))) && token.sub === sub;
    return any(token.iss) && token.sub.endsWith(pattern.slice(1));
  }
  if (pattern.endsWith("*")) {
    if (found) return token.iss === iss && (sub === "*" ? any(token.sub) : token.sub.startsWith(sub.slice(0, -1)));
    return token.iss.startsWith(pattern.slice(0, -1)) && any(token.sub);
  }
  return token.iss === iss && token.sub === sub;
}

/** Whether a `requestPrincipals` value can match some token of `issuer` (the issuer half of the rule above). */
export function requestPrincipalIssuerCanMatch(pattern: string, issuer: string): boolean {
  if (issuer === "") return false;
  const cut = pattern.lastIndexOf("/");
  const found = cut >= 0;
  const iss = found ? pattern.slice(0, cut) : pattern;
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return !found || iss === "*" || issuer.endsWith(iss.slice(1));
  if (pattern.endsWith("*")) return found ? issuer === iss : issuer.startsWith(pattern.slice(0, -1));
  return issuer === iss;
}

/** True when the value uses the `{*}` / `{**}` template operators. */
export function isPathTemplate(pattern: string): boolean {
  return pattern.includes("{*}") || pattern.includes("{**}");
}

/**
 * Envoy's URI-template characters (RFC 3986 pchar without `*` and `=`): `{*}` becomes
 * `[chars]+` and `{**}` becomes `[chars/]*`; literal segments must match exactly.
 */
const TEMPLATE_CHARS = "a-zA-Z0-9\\-._~%!$&'()+,;:@";
const templateCache = new Map<string, RegExp | null>();

/** The regex of a path template, or null when the template is invalid (§2.6: Istio rejects it). */
export function pathTemplateRegex(pattern: string): RegExp | null {
  const cached = templateCache.get(pattern);
  if (cached !== undefined) return cached;
  const regex = compilePathTemplate(pattern);
  templateCache.set(pattern, regex);
  return regex;
}

function compilePathTemplate(pattern: string): RegExp | null {
  if (!pattern.startsWith("/")) return null;
  const segments = pattern.slice(1).split("/");
  let seenTextGlob = false;
  const parts: string[] = [];
  for (const segment of segments) {
    if (segment === "{*}" || segment === "{**}") {
      if (seenTextGlob) return null; // `{**}` must be the last operator
      seenTextGlob = segment === "{**}";
      parts.push(segment === "{*}" ? `[${TEMPLATE_CHARS}]+` : `[${TEMPLATE_CHARS}/]*`);
      continue;
    }
    // `*`, `{` or `}` outside an operator, or an operator sharing its segment, is invalid.
    if (/[*{}]/.test(segment)) return null;
    parts.push(escapeRegex(segment));
  }
  return new RegExp(`^/${parts.join("/")}$`);
}

/** `paths` / `notPaths`: a template, or exact/prefix/suffix/presence, on the path without its query. */
export function matchesPath(pattern: string, path: string): boolean {
  const bare = stripQuery(path);
  if (isPathTemplate(pattern)) return pathTemplateRegex(pattern)?.test(bare) ?? false;
  return matchesValue(pattern, bare);
}

export function stripQuery(path: string): string {
  const cut = path.search(/[?#]/);
  return cut === -1 ? path : path.slice(0, cut);
}

/**
 * Istio's default `BASE` path normalization (https://istio.io/latest/docs/reference/config/security/normalization/):
 * decode the unreserved percent-encodings, turn `\` into `/`, resolve `/./` and `/../`. Slashes are
 * not merged and `%2F` is not decoded by default. Returns undefined for a path Istio rejects (`%00`).
 */
export function normalizePath(path: string): string | undefined {
  const bare = stripQuery(path);
  if (/%00/i.test(bare)) return undefined;
  const decoded = bare
    .replace(/%(2d|2e|3[0-9]|4[1-9a-f]|5[0-9a]|5f|6[1-9a-f]|7[0-9a]|7e)/gi, (encoded) => String.fromCharCode(parseInt(encoded.slice(1), 16)))
    .replaceAll("\\", "/");
  const output: string[] = [];
  const segments = decoded.split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] ?? "";
    const last = i === segments.length - 1;
    if (segment === ".") {
      if (last) output.push("");
      continue;
    }
    if (segment === "..") {
      if (output.length > 1) output.pop();
      if (last) output.push("");
      continue;
    }
    output.push(segment);
  }
  const joined = output.join("/");
  return joined.startsWith("/") ? joined : `/${joined}`;
}

/** CIDR or single-address match for IPv4 (`ipBlocks`, `source.ip`). IPv6 compares exactly. */
export function matchesIpBlock(block: string, ip: string): boolean {
  const [base, bitsText] = block.split("/");
  const address = ipv4(ip);
  const network = ipv4(base ?? "");
  if (address === undefined || network === undefined) return block === ip;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
  return ((address & mask) >>> 0) === ((network & mask) >>> 0);
}

function ipv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    const octet = Number(part);
    if (!/^\d{1,3}$/.test(part) || octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value >>> 0;
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
