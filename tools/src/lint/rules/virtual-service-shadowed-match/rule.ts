import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { analyzeRouteMatches } from "../../../mesh/route-matches.js";
import type { LintRule } from "../../rule.js";

const SECTIONS = ["http", "tcp", "tls"] as const;

const rule: LintRule = {
  id: "virtual-service-shadowed-match",
  severity: "info",
  summary: "No VirtualService match repeats an earlier match or falls entirely under an earlier URI prefix",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const spec = objectAt(vs.object, "spec");
      for (const section of SECTIONS) {
        const routes = arrayAt(spec, section);
        const { firstCatchAll, covered } = analyzeRouteMatches(routes, section);
        for (const [r, covers] of covered.entries()) {
          // Routes after a match-less route are dead as a whole: virtual-service-unreachable-route says so.
          if (firstCatchAll >= 0 && r > firstCatchAll) continue;
          for (const [m, cover] of covers.entries()) {
            if (cover === undefined) continue;
            const matches = arrayAt(routes[r], "match");
            const earlier = arrayAt(routes[cover.route], "match")[cover.match];
            const here = `${section}[${r}].match[${m}]${describeUri(matches[m])}`;
            const there = `${section}[${cover.route}].match[${cover.match}]${describeUri(earlier)}`;
            yield {
              resource: vs,
              pointer: pointerOf("spec", section, r, "match", m),
              message:
                cover.how === "duplicate"
                  ? `${here} repeats ${there}, which comes first, so it never matches. Remove it`
                  : `${here} is covered by ${there}, which comes first and takes every request it could match, so ` +
                    `it never matches. ${cover.route === r ? "Remove it" : `Remove it, or move its route before ${section}[${cover.route}]`}`,
            };
          }
        }
      }
    }
  },
};

export default rule;

function describeUri(match: unknown): string {
  const uri = isJsonObject(match) ? objectAt(match, "uri") : {};
  for (const kind of ["exact", "prefix", "regex"] as const) {
    if (typeof uri[kind] === "string") return ` (uri ${kind} "${uri[kind]}")`;
  }
  return "";
}
