import { analyzeEnvoyFilterPatches } from "../../../mesh/envoy-filter-patches.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "envoy-filter-remove-ignored",
  code: "IST0154",
  severity: "error",
  summary: "No EnvoyFilter REMOVE patch applies to ROUTE_CONFIGURATION or HTTP_ROUTE, where istiod ignores it",
  appliesTo: ["EnvoyFilter"],
  reads: ["EnvoyFilter"],
  *check(index) {
    for (const finding of analyzeEnvoyFilterPatches(index)) {
      if (finding.problem !== "remove-ignored") continue;
      yield {
        resource: finding.filter,
        pointer: `${finding.pointer}/patch/operation`,
        message:
          `configPatches[${finding.index}]: REMOVE on ${finding.applyTo} is ignored by istiod, so nothing is removed. ` +
          `Remove routes with a VirtualService instead, or change the route configuration with MERGE`,
      };
    }
  },
};

export default rule;
