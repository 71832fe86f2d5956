import { analyzeEnvoyFilterPatches } from "../../../mesh/envoy-filter-patches.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "envoy-filter-replace-unsupported",
  code: "IST0152",
  severity: "error",
  summary: "An EnvoyFilter REPLACE patch applies to HTTP_FILTER, NETWORK_FILTER or VIRTUAL_HOST, the only targets istiod replaces",
  appliesTo: ["EnvoyFilter"],
  reads: ["EnvoyFilter"],
  *check(index) {
    for (const finding of analyzeEnvoyFilterPatches(index)) {
      if (finding.problem !== "replace-unsupported") continue;
      yield {
        resource: finding.filter,
        pointer: `${finding.pointer}/patch/operation`,
        message:
          `configPatches[${finding.index}]: REPLACE on ${finding.applyTo || "an unset applyTo"} is never applied: istiod ` +
          `replaces only HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST objects. Use MERGE to change ${finding.applyTo || "it"}, ` +
          `or REMOVE it and ADD the new one`,
      };
    }
  },
};

export default rule;
