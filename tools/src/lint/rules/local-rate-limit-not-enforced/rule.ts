import { isJsonObject, pointerOf, type JsonObject } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

export const LOCAL_RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";

const rule: LintRule = {
  id: "local-rate-limit-not-enforced",
  severity: "error",
  summary: "An EnvoyFilter's local rate limit is enabled and enforced (filter_enabled, filter_enforced) and has a token bucket",
  appliesTo: ["EnvoyFilter"],
  reads: ["EnvoyFilter"],
  *check(index) {
    for (const filter of index.istio("EnvoyFilter")) {
      const patches = arrayAt(objectAt(filter.object, "spec"), "configPatches");
      // Per-route form: the filter is inserted bare and each route/vhost carries its own full config.
      const perRoute: Array<{ at: Array<string | number>; config: JsonObject; path: string }> = [];
      const filterLevel: Array<{ at: Array<string | number>; config: JsonObject; path: string }> = [];
      for (const [i, patch] of patches.entries()) {
        if (!isJsonObject(patch)) continue;
        const value = objectAt(objectAt(patch, "patch"), "value");
        const base: Array<string | number> = ["spec", "configPatches", i, "patch", "value"];
        if (patch["applyTo"] === "HTTP_FILTER" && value["name"] === LOCAL_RATE_LIMIT_FILTER) {
          const found = configOf(objectAt(value, "typed_config"), [...base, "typed_config"]);
          if (found !== undefined) filterLevel.push({ ...found, path: `configPatches[${i}]` });
        }
        const perFilter = objectAt(value, "typed_per_filter_config")[LOCAL_RATE_LIMIT_FILTER];
        if ((patch["applyTo"] === "HTTP_ROUTE" || patch["applyTo"] === "VIRTUAL_HOST") && isJsonObject(perFilter)) {
          const found = configOf(perFilter, [...base, "typed_per_filter_config", LOCAL_RATE_LIMIT_FILTER]);
          if (found !== undefined) perRoute.push({ ...found, path: `configPatches[${i}] (per-route)` });
        }
      }
      const checked = perRoute.length > 0 ? perRoute : filterLevel;
      for (const { at, config, path } of checked) {
        const problems = problemsOf(config);
        if (problems.length === 0) continue;
        yield {
          resource: filter,
          pointer: pointerOf(...at),
          message:
            `${path}: the local rate limit ${problems.map((p) => p.what).join("; ")}, so no request is ever rejected ` +
            `with 429. ${[...new Set(problems.map((p) => p.fix))].join(" ")}`,
        };
      }
    }
  },
};

export default rule;

/** The LocalRateLimit message inside a typed_config: wrapped in a TypedStruct (`value`) or inline. */
function configOf(typed: JsonObject, at: Array<string | number>): { at: Array<string | number>; config: JsonObject } | undefined {
  const type = typed["@type"];
  if (typeof type !== "string") return undefined;
  if (type.endsWith("TypedStruct")) {
    const url = typed["type_url"];
    if (typeof url !== "string" || !url.endsWith("local_ratelimit.v3.LocalRateLimit")) return undefined;
    return { at: [...at, "value"], config: objectAt(typed, "value") };
  }
  return type.endsWith("local_ratelimit.v3.LocalRateLimit") ? { at, config: typed } : undefined;
}

function problemsOf(config: JsonObject): Array<{ what: string; fix: string }> {
  const problems: Array<{ what: string; fix: string }> = [];
  const percent = "with runtime_key and default_value {numerator: 100, denominator: HUNDRED}";
  for (const field of ["filter_enabled", "filter_enforced"] as const) {
    const effect = field === "filter_enabled" ? "the limiter is off" : "over-limit requests are only counted";
    if (!isJsonObject(config[field])) {
      problems.push({ what: `has no ${field}, which defaults to 0% of requests (${effect})`, fix: `Set ${field} ${percent}.` });
      continue;
    }
    const numerator = objectAt(config[field], "default_value")["numerator"];
    if (typeof numerator !== "number" || numerator <= 0) {
      problems.push({ what: `has ${field} at 0% (${effect})`, fix: `Set ${field}.default_value.numerator above 0 (100 for every request).` });
    }
  }
  if (!isJsonObject(config["token_bucket"])) {
    problems.push({
      what: "has no token_bucket (no bucket to take tokens from)",
      fix: "Add token_bucket {max_tokens, tokens_per_fill, fill_interval}.",
    });
  }
  return problems;
}
