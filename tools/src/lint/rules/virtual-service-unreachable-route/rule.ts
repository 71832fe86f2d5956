import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { analyzeRouteMatches } from "../../../mesh/route-matches.js";
import type { LintRule } from "../../rule.js";

const SECTIONS = ["http", "tcp", "tls"] as const;

const rule: LintRule = {
  id: "virtual-service-unreachable-route",
  severity: "warning",
  summary: "Every VirtualService route can be reached: none follows a match-less route or only repeats earlier matches",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const spec = objectAt(vs.object, "spec");
      for (const section of SECTIONS) {
        const routes = arrayAt(spec, section);
        const { firstCatchAll, covered } = analyzeRouteMatches(routes, section);
        for (const [r, route] of routes.entries()) {
          const label = routeLabel(section, r, route);
          if (firstCatchAll >= 0 && r > firstCatchAll) {
            const matchless = arrayAt(route, "match").length === 0;
            yield {
              resource: vs,
              pointer: pointerOf("spec", section, r),
              message:
                `${label} is never used: ${section}[${firstCatchAll}] before it has no "match" and takes every ` +
                `request. ${matchless ? "Keep one match-less route, the last one" : `Move it before ${section}[${firstCatchAll}]`}`,
            };
            continue;
          }
          const covers = covered[r] ?? [];
          if (covers.length === 0 || covers.some((c) => c === undefined || c.route === r)) continue;
          const by = [...new Set(covers.map((c) => `${section}[${c?.route}].match[${c?.match}]`))];
          yield {
            resource: vs,
            pointer: pointerOf("spec", section, r),
            message:
              `${label} is never used: each of its matches is already taken by an earlier one (${by.join(", ")}). ` +
              `Remove it, or move it before the routes that take its requests`,
          };
        }
      }
    }
  },
};

export default rule;

function routeLabel(section: string, index: number, route: unknown): string {
  const name = isJsonObject(route) && typeof route["name"] === "string" ? ` ("${route["name"]}")` : "";
  return `${section}[${index}]${name}`;
}
