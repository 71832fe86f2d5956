import { analyzeEnvoyFilterPatches } from "../../../mesh/envoy-filter-patches.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "envoy-filter-add-ignored",
  code: "IST0153",
  severity: "error",
  summary: "No EnvoyFilter ADD patch applies to ROUTE_CONFIGURATION or HTTP_ROUTE, where istiod ignores it",
  appliesTo: ["EnvoyFilter"],
  reads: ["EnvoyFilter"],
  *check(index) {
    for (const finding of analyzeEnvoyFilterPatches(index)) {
      if (finding.problem !== "add-ignored") continue;
      yield {
        resource: finding.filter,
        pointer: `${finding.pointer}/patch/operation`,
        message:
          `configPatches[${finding.index}]: ADD on ${finding.applyTo} is ignored by istiod. To add a route use ` +
          `INSERT_FIRST, INSERT_BEFORE or INSERT_AFTER on HTTP_ROUTE; to change a route configuration use MERGE`,
      };
    }
  },
};

export default rule;
