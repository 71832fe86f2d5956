/**
 * The two glob dialects Argo CD uses in an AppProject, so that what we accept is what its
 * controller accepts:
 *
 * - resource lists (`clusterResourceWhitelist`, `namespaceResourceBlacklist`, …) match group,
 *   kind and name with Go's `filepath.Match` (`isResourceInList` in
 *   pkg/apis/application/v1alpha1/app_project_types.go): `*` and `?` never match `/`, classes
 *   are `[a-z]` / `[^a-z]`, and a malformed pattern matches nothing;
 * - destinations and source repositories match with `util/glob` (gobwas/glob): `*` matches
 *   anything (no separators are given for destinations), `{a,b}` alternatives, `[!a-z]`
 *   negated classes, a malformed pattern matches nothing; a pattern `*` always matches.
 */

/** Go's `path/filepath.Match` on a Unix separator; false for a malformed pattern (Go's ErrBadPattern). */
export function filepathMatch(pattern: string, value: string): boolean {
  const regex = compile(pattern, FILEPATH);
  return regex !== undefined && regex.test(value);
}

/** Argo CD's `glob.Match(pattern, value, separators...)` (gobwas/glob). */
export function argoGlobMatch(pattern: string, value: string, separators = ""): boolean {
  if (pattern === "*") return true;
  const regex = compile(pattern, { ...GOBWAS, separators });
  return regex !== undefined && regex.test(value);
}

interface Dialect {
  /** Characters `*` and `?` do not match. */
  separators: string;
  /** The class negation characters: Go uses `^`, gobwas `!`. */
  negation: string;
  braces: boolean;
  /** `**` matches across separators (gobwas). */
  superStar: boolean;
}

const FILEPATH: Dialect = { separators: "/", negation: "^", braces: false, superStar: false };
const GOBWAS: Dialect = { separators: "", negation: "!", braces: true, superStar: true };

const cache = new Map<string, RegExp | undefined>();

function compile(pattern: string, dialect: Dialect): RegExp | undefined {
  const key = `${dialect.negation}${dialect.separators}\0${pattern}`;
  if (cache.has(key)) return cache.get(key);
  const source = translate(pattern, dialect);
  const regex = source === undefined ? undefined : new RegExp(`^${source}$`, "su");
  cache.set(key, regex);
  return regex;
}

function translate(pattern: string, dialect: Dialect): string | undefined {
  const notSeparator = dialect.separators === "" ? "." : `[^${escapeClass(dialect.separators)}]`;
  const chars = [...pattern];
  let out = "";
  let braceDepth = 0;
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) return undefined;
      out += escapeRegex(next);
    } else if (c === "*") {
      if (dialect.superStar && chars[i + 1] === "*") {
        i++;
        out += ".*";
      } else {
        out += `${notSeparator}*`;
      }
    } else if (c === "?") {
      out += notSeparator;
    } else if (c === "[") {
      const parsed = parseClass(chars, i + 1, dialect);
      if (parsed === undefined) return undefined;
      out += parsed.source;
      i = parsed.end;
    } else if (dialect.braces && c === "{") {
      braceDepth++;
      out += "(?:";
    } else if (dialect.braces && c === "," && braceDepth > 0) {
      out += "|";
    } else if (dialect.braces && c === "}" && braceDepth > 0) {
      braceDepth--;
      out += ")";
    } else {
      out += escapeRegex(c);
    }
  }
  return braceDepth === 0 ? out : undefined;
}

/** A character class starting after `[`; `end` is the index of the closing `]`. */
function parseClass(chars: readonly string[], start: number, dialect: Dialect): { source: string; end: number } | undefined {
  let i = start;
  let negated = false;
  if (chars[i] === dialect.negation) {
    negated = true;
    i++;
  }
  let body = "";
  let first = true;
  for (; i < chars.length; i++) {
    let c = chars[i] as string;
    if (c === "]" && !first) {
      if (body === "") return undefined;
      const separators = dialect.separators === "" ? "" : escapeClass(dialect.separators);
      // Go: a class never matches the separator, negated or not.
      const source = negated ? `[^${body}${separators}]` : separators === "" ? `[${body}]` : `(?![${separators}])[${body}]`;
      return { source, end: i };
    }
    first = false;
    if (c === "\\") {
      const next = chars[++i];
      if (next === undefined) return undefined;
      c = next;
    } else if (c === "]") {
      return undefined;
    }
    if (chars[i + 1] === "-" && chars[i + 2] !== undefined && chars[i + 2] !== "]") {
      let high = chars[i + 2] as string;
      i += 2;
      if (high === "\\") {
        const next = chars[++i];
        if (next === undefined) return undefined;
        high = next;
      }
      if (high < c) return undefined;
      body += `${escapeClass(c)}-${escapeClass(high)}`;
    } else {
      body += escapeClass(c);
    }
  }
  return undefined;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

function escapeClass(text: string): string {
  return text.replace(/[\\\]^[-]/g, "\\$&");
}
