import { isJsonObject, type JsonObject } from "../model/resource.js";
import { arrayAt, canonicalJson, objectAt } from "./fields.js";

/** An earlier match that makes a later one useless: the same conditions, or a URI it covers with no other condition. */
export interface MatchCover {
  /** Route and match index (in the same route list) of the earlier match. */
  route: number;
  match: number;
  how: "duplicate" | "uri";
}

export interface RouteMatchAnalysis {
  /** The first route without `match` (it takes every request), or -1. */
  firstCatchAll: number;
  /** Per route, per match: the earlier match that covers it, if any. */
  covered: Array<Array<MatchCover | undefined>>;
}

/**
 * How the matches of an ordered route list (`http`, `tcp` or `tls`) shadow each other, the way
 * Istio's validation looks at it (`analyzeUnreachableHTTPRules`): a match is covered by an earlier
 * identical match (`name` aside), and, for http, by an earlier match whose only condition is
 * `uri.prefix` or `uri.exact` that takes every URI it can match. Linear in the number of matches
 * (times the URI length).
 */
export function analyzeRouteMatches(routes: readonly unknown[], section: "http" | "tcp" | "tls"): RouteMatchAnalysis {
  const seen = new Map<string, MatchCover>();
  // uri-only earlier matches: value (lower-cased when ignoreUriCase) → where.
  const prefixes = { exactCase: new Map<string, MatchCover>(), anyCase: new Map<string, MatchCover>() };
  const exacts = { exactCase: new Map<string, MatchCover>(), anyCase: new Map<string, MatchCover>() };
  let firstCatchAll = -1;
  const covered: Array<Array<MatchCover | undefined>> = [];
  routes.forEach((route, r) => {
    const matches = arrayAt(route, "match");
    const result: Array<MatchCover | undefined> = [];
    covered.push(result);
    if (matches.length === 0) {
      if (firstCatchAll < 0) firstCatchAll = r;
      return;
    }
    matches.forEach((match, m) => {
      const key = canonicalJson(isJsonObject(match) && section === "http" ? withoutKey(match, "name") : match);
      const cover = seen.get(key) ?? (section === "http" && isJsonObject(match) ? uriCover(match, prefixes, exacts) : undefined);
      result.push(cover);
      if (cover !== undefined) return;
      const here: MatchCover = { route: r, match: m, how: "duplicate" };
      seen.set(key, here);
      if (section !== "http" || !isJsonObject(match)) return;
      const uriOnly = uriOnlyMatch(match);
      if (uriOnly === undefined) return;
      const target = uriOnly.kind === "prefix" ? prefixes : exacts;
      const map = uriOnly.ignoreCase ? target.anyCase : target.exactCase;
      const value = uriOnly.ignoreCase ? uriOnly.value.toLowerCase() : uriOnly.value;
      if (!map.has(value)) map.set(value, { route: r, match: m, how: "uri" });
    });
  });
  return { firstCatchAll, covered };
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  const { [key]: _omitted, ...rest } = object;
  return rest;
}

/** A match whose only request condition is `uri.exact` or `uri.prefix` (selector fields aside: they only narrow it). */
function uriOnlyMatch(match: JsonObject): { kind: "exact" | "prefix"; value: string; ignoreCase: boolean } | undefined {
  for (const key of Object.keys(match)) {
    if (key !== "uri" && key !== "ignoreUriCase" && key !== "name") return undefined;
  }
  const uri = objectAt(match, "uri");
  const ignoreCase = match["ignoreUriCase"] === true;
  if (Object.keys(uri).length !== 1) return undefined;
  if (typeof uri["prefix"] === "string") return { kind: "prefix", value: uri["prefix"], ignoreCase };
  if (typeof uri["exact"] === "string") return { kind: "exact", value: uri["exact"], ignoreCase };
  return undefined;
}

type UriIndex = { exactCase: Map<string, MatchCover>; anyCase: Map<string, MatchCover> };

/**
 * The earlier uri-only match that takes every request this match can take: one whose prefix starts
 * this match's URI (exact or prefix), or whose exact URI equals it. Case-insensitive earlier matches
 * cover either; a case-insensitive later match is covered only by case-insensitive earlier ones.
 * An earlier `prefix: /` takes every request, whatever this match's conditions.
 */
function uriCover(match: JsonObject, prefixes: UriIndex, exacts: UriIndex): MatchCover | undefined {
  const rootCover = prefixes.exactCase.get("/") ?? prefixes.anyCase.get("/");
  if (rootCover !== undefined) return rootCover;
  const uri = objectAt(match, "uri");
  const ignoreCase = match["ignoreUriCase"] === true;
  const value = typeof uri["exact"] === "string" ? uri["exact"] : typeof uri["prefix"] === "string" ? uri["prefix"] : undefined;
  if (value === undefined || Object.keys(uri).length !== 1) return undefined;
  const lower = value.toLowerCase();
  for (let length = value.length; length >= 1; length--) {
    const byCase = ignoreCase ? undefined : prefixes.exactCase.get(value.slice(0, length));
    const found = byCase ?? prefixes.anyCase.get(lower.slice(0, length));
    if (found !== undefined) return found;
  }
  if (typeof uri["exact"] === "string") return (ignoreCase ? undefined : exacts.exactCase.get(value)) ?? exacts.anyCase.get(lower);
  return undefined;
}
