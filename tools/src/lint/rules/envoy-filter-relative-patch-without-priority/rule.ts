import { analyzeEnvoyFilterPatches } from "../../../mesh/envoy-filter-patches.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "envoy-filter-relative-patch-without-priority",
  code: "IST0151",
  severity: "warning",
  summary: "An EnvoyFilter with a relative patch (INSERT_BEFORE, INSERT_AFTER, REPLACE, REMOVE) sets a priority",
  appliesTo: ["EnvoyFilter"],
  reads: ["EnvoyFilter"],
  *check(index) {
    for (const finding of analyzeEnvoyFilterPatches(index)) {
      if (finding.problem !== "relative") continue;
      yield {
        resource: finding.filter,
        pointer: `${finding.pointer}/patch/operation`,
        message:
          `configPatches[${finding.index}]: ${finding.operation} is relative to what other patches have done, and this ` +
          `EnvoyFilter has no priority, so its order against other EnvoyFilters (and so whether the patch applies) is not ` +
          `defined. Use INSERT_FIRST or ADD where the position does not matter, or set spec.priority`,
      };
    }
  },
};

export default rule;
