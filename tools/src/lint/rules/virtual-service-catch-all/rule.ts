import { isJsonObject, pointerOf, type JsonObject } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../mesh-index.js";
import type { LintRule, RuleReport } from "../../rule.js";

/** Match fields that choose which proxies get the rule rather than which requests match it. */
const SELECTOR_FIELDS = new Set(["name", "sourceLabels", "gateways", "sourceNamespace", "ignoreUriCase"]);

const rule: LintRule = {
  id: "virtual-service-catch-all",
  severity: "error",
  summary: "A VirtualService's http routes end with a route that matches every request",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const spec = objectAt(vs.object, "spec");
      const routes = arrayAt(spec, "http");
      // A delegate (no hosts) inherits its root's match, and tcp/tls-only services have no HTTP 404.
      if (routes.length === 0 || arrayAt(spec, "hosts").length === 0) continue;
      if (routes.some((route) => isJsonObject(route) && matchesEverything(route))) continue;
      const gateways = arrayAt(spec, "gateways");
      const gatewayOnly = gateways.length > 0 && !gateways.includes("mesh");
      const report: RuleReport = {
        resource: vs,
        pointer: pointerOf("spec", "http", routes.length - 1),
        message:
          `no catch-all http route: a request that matches none of its ` +
          `${routes.length} route(s) gets 404 (Envoy flag NR), with no fallback to the Service. ` +
          `Add a last route without "match" that sends the rest to the default destination`,
        ...(gatewayOnly ? { severity: "warning" as const } : {}),
      };
      yield report;
    }
  },
};

export default rule;

function matchesEverything(route: JsonObject): boolean {
  const matches = route["match"];
  if (!Array.isArray(matches) || matches.length === 0) return true;
  return matches.some((match) => isJsonObject(match) && isUniversal(match));
}

function isUniversal(match: JsonObject): boolean {
  return Object.entries(match).every(([key, value]) => {
    if (SELECTOR_FIELDS.has(key)) return true;
    if (key !== "uri" || !isJsonObject(value)) return false;
    return value["prefix"] === "/" || value["regex"] === ".*" || value["regex"] === "/.*";
  });
}
