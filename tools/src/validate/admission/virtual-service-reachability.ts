import type { JsonObject } from "../../model/resource.js";
import { arr, entries, num, obj, text, type FieldPath, type Problems } from "./report.js";

// istiod's VirtualServiceUnreachableRule / VirtualServiceIneffectiveMatch warnings (also istioctl IST0130/IST0131).
const UNREACHABLE_RULE = "IST0130";
const INEFFECTIVE_MATCH = "IST0131";

/** Go's `omitempty`: unset, false, 0, "" and empty lists or maps are left out of istiod's JSON. */
function isEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  const o = obj(value);
  return o !== undefined && Object.keys(o).length === 0;
}

// Map fields of match requests: their entries are kept even when empty (`headers: {x-debug: {}}` tests presence).
const MATCH_MAPS = new Set(["headers", "withoutHeaders", "queryParams", "sourceLabels"]);

/**
 * A canonical JSON of a match (sorted keys, empty struct fields left out), to find duplicate matches
 * the way istiod's asJSON does.
 */
function canonical(value: unknown, isMap = false): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonical(v)).join(",")}]`;
  const o = obj(value);
  if (o !== undefined) {
    return `{${Object.keys(o)
      .filter((k) => isMap || !isEmptyValue(o[k]))
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k], !isMap && MATCH_MAPS.has(k))}`)
      .join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

interface PrefixMatch {
  route: string;
  match: string;
  prefix: string;
  port: number;
  method: string;
  authority: string;
  headers: Map<string, string>;
  queryParams: Map<string, string>;
  withoutHeaders: Map<string, string>;
  path: FieldPath;
}

function exactOrPrefix(sm: unknown): string {
  const m = obj(sm);
  const exact = text(m, "exact");
  if (exact !== "") return `exact:${exact}`;
  const prefix = text(m, "prefix");
  return prefix !== "" ? `prefix:${prefix}` : "";
}

function mapOf(value: unknown): Map<string, string> {
  return new Map(entries(value).map(([k, v]) => [k, exactOrPrefix(v)]));
}

function covers(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const other = b.get(k);
    if (other === undefined) return false;
    if (v !== other && !v.startsWith(other)) return false;
  }
  return true;
}

/** istiod coveredValidation: the earlier prefix match `a` catches everything the later `b` would. */
function covered(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix)) return false;
  if (a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return covers(a.headers, b.headers) && covers(a.queryParams, b.queryParams) && covers(a.withoutHeaders, b.withoutHeaders);
}

/** istiod's VirtualServiceUnreachableRule / VirtualServiceIneffectiveMatch warnings. */
export function checkUnreachable(problems: Problems, routes: unknown, at: FieldPath, http: boolean): void {
  const list = arr(routes);
  const routeName = (route: JsonObject | undefined, n: number): string =>
    http && text(route, "name") !== "" ? `"${text(route, "name")}"` : `#${n}`;
  const matchName = (match: JsonObject | undefined, n: number): string =>
    http && text(match, "name") !== "" ? `"${text(match, "name")}"` : `#${n}`;
  const seen = new Map<string, number>();
  const prefixes: PrefixMatch[] = [];
  let catchAll = -1;
  list.forEach((item, n) => {
    const route = obj(item);
    if (route === undefined) return;
    const rp = at.index(n);
    const matches = arr(route["match"]);
    if (matches.length === 0) {
      if (catchAll >= 0) problems.warn(rp, `virtualService rule ${routeName(route, n)} not used (only the last rule can have no matches)`, UNREACHABLE_RULE);
      catchAll = n;
      return;
    }
    if (catchAll >= 0) {
      // istiod warns once per match; the warnings are identical, so one is kept.
      problems.warn(rp, `virtualService rule ${routeName(route, n)} not used (route without matches defined before)`, UNREACHABLE_RULE);
      return;
    }
    let duplicates = 0;
    matches.forEach((m, j) => {
      const match = obj(m);
      const { name: _ignored, ...rest } = match ?? {};
      const key = canonical(http ? rest : match);
      const dup = seen.get(key);
      if (dup !== undefined) {
        problems.warn(
          rp.field("match").index(j),
          `virtualService rule ${routeName(route, n)} match ${matchName(match, j)} is not used (duplicate/overlapping match in rule ${routeName(obj(list[dup]), dup)})`,
          INEFFECTIVE_MATCH,
        );
        duplicates++;
        return;
      }
      seen.set(key, n);
      const prefix = text(obj(match?.["uri"]), "prefix");
      if (http && match !== undefined && prefix !== "") {
        prefixes.push({
          route: routeName(route, n),
          match: matchName(match, j),
          prefix,
          port: num(match["port"]) ?? 0,
          method: exactOrPrefix(match["method"]) || "exact:GET",
          authority: exactOrPrefix(match["authority"]),
          headers: mapOf(match["headers"]),
          queryParams: mapOf(match["queryParams"]),
          withoutHeaders: mapOf(match["withoutHeaders"]),
          path: rp.field("match").index(j),
        });
      }
    });
    if (duplicates === matches.length) problems.warn(rp, `virtualService rule ${routeName(route, n)} not used (all matches used by prior rules)`, UNREACHABLE_RULE);
  });
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i];
      const b = prefixes[j];
      if (a === undefined || b === undefined || a.prefix === b.prefix) continue;
      if (covered(a, b)) {
        problems.warn(
          b.path,
          `virtualService rule ${b.route} match ${b.match} of prefix ${b.prefix} is not used (duplicate/overlapping match in rule ` +
            `${a.match} of prefix ${a.prefix} on ${a.route})`,
          INEFFECTIVE_MATCH,
        );
      }
    }
  }
}

