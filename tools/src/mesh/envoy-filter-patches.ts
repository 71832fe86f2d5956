import { canonicalJson, objectAt } from "./fields.js";
import { namespaceOf } from "./hosts.js";
import type { MeshIndex } from "./mesh-index.js";
import { isJsonObject, pointerOf, type Resource } from "../model/resource.js";
import { compareStrings } from "../util/compare-strings.js";

/**
 * What `istioctl analyze` (envoyfilter.EnvoyPatchAnalyzer, Istio 1.31) finds wrong with the patch
 * operations of EnvoyFilters, computed once for all of them:
 *
 * - `add-ignored` (IST0153): ADD on ROUTE_CONFIGURATION or HTTP_ROUTE, which istiod ignores;
 * - `remove-ignored` (IST0154): REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE, likewise;
 * - `replace-unsupported` (IST0152): REPLACE on anything but HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST;
 * - `relative` (IST0151): a relative operation (INSERT_BEFORE, INSERT_AFTER, REPLACE, REMOVE) in an
 *   EnvoyFilter without `priority` (or priority 0): its order against other EnvoyFilters is not defined;
 * - `relative-proxy-version` (IST0155): the same, when a patch seen before (earlier in this EnvoyFilter,
 *   or in an EnvoyFilter before it) inserts a filter of the same name under a `proxyVersion` match.
 *
 * Like Istio, the patches of an EnvoyFilter are read up to the first one without `patch`. Istio visits
 * EnvoyFilters in its store's order; here they are visited by namespace, then name, so the result does
 * not depend on the order of the input.
 */

export type EnvoyPatchProblem = "add-ignored" | "remove-ignored" | "replace-unsupported" | "relative" | "relative-proxy-version";

export interface EnvoyPatchFinding {
  filter: Resource;
  /** Index in spec.configPatches. */
  index: number;
  pointer: string;
  problem: EnvoyPatchProblem;
  operation: string;
  applyTo: string;
}

const ROUTE_LEVEL = new Set(["ROUTE_CONFIGURATION", "HTTP_ROUTE"]);
const REPLACEABLE = new Set(["HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST"]);

const cache = new WeakMap<MeshIndex, EnvoyPatchFinding[]>();

/** The findings for the index's EnvoyFilters, computed once for all the rules that read them. */
export function analyzeEnvoyFilterPatches(index: MeshIndex): readonly EnvoyPatchFinding[] {
  let findings = cache.get(index);
  if (findings === undefined) {
    findings = computeFindings(index.istio("EnvoyFilter"));
    cache.set(index, findings);
  }
  return findings;
}

function computeFindings(filters: readonly Resource[]): EnvoyPatchFinding[] {
  const findings: EnvoyPatchFinding[] = [];
  // Names of filters inserted by patches that match on proxyVersion, as Istio collects them.
  const versioned = new Set<string>();
  const ordered = [...filters].sort((a, b) => compareStrings(namespaceOf(a), namespaceOf(b)) || compareStrings(a.name, b.name));
  for (const filter of ordered) {
    const spec = objectAt(filter.object, "spec");
    const priority = typeof spec["priority"] === "number" ? spec["priority"] : 0;
    const patches = Array.isArray(spec["configPatches"]) ? spec["configPatches"] : [];
    for (const [index, item] of patches.entries()) {
      const patch = isJsonObject(item) ? item : {};
      if (!isJsonObject(patch["patch"])) break;
      const operation = typeof patch["patch"]["operation"] === "string" ? patch["patch"]["operation"] : "";
      const applyTo = typeof patch["applyTo"] === "string" ? patch["applyTo"] : "";
      const name = instanceName(patch);
      const report = (problem: EnvoyPatchProblem) =>
        findings.push({ filter, index, pointer: pointerOf("spec", "configPatches", index), problem, operation, applyTo });
      const relative = () => {
        if (priority === 0) report(versioned.has(name) ? "relative-proxy-version" : "relative");
      };
      if (operation === "ADD") {
        if (ROUTE_LEVEL.has(applyTo)) report("add-ignored");
      } else if (operation === "REMOVE") {
        if (ROUTE_LEVEL.has(applyTo)) report("remove-ignored");
        else relative();
      } else if (operation === "REPLACE") {
        if (!REPLACEABLE.has(applyTo)) report("replace-unsupported");
        else relative();
      } else if (operation === "INSERT_BEFORE" || operation === "INSERT_AFTER") {
        relative();
      }
      const proxyVersion = objectAt(objectAt(patch, "match"), "proxy")["proxyVersion"];
      if (typeof proxyVersion === "string" && proxyVersion !== "") versioned.add(name);
    }
  }
  return findings;
}

/**
 * The name Istio compares patches by: the patch value's `name` (kept apart from a plain filter name, as
 * Istio compares the printed protobuf value), else, when the value has no name, the name of the filter
 * the patch matches in the listener's filter chain; "" when neither.
 */
function instanceName(patch: Record<string, unknown>): string {
  const value = objectAt(patch, "patch")["value"];
  if (!isJsonObject(value)) return "";
  if ("name" in value) return `value:${canonicalJson(value["name"])}`;
  const filterName = objectAt(objectAt(objectAt(objectAt(patch, "match"), "listener"), "filterChain"), "filter")["name"];
  return typeof filterName === "string" ? filterName : "";
}
