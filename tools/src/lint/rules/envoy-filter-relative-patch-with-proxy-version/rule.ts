import { analyzeEnvoyFilterPatches } from "../../../mesh/envoy-filter-patches.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "envoy-filter-relative-patch-with-proxy-version",
  code: "IST0155",
  severity: "warning",
  summary: "A relative EnvoyFilter patch on a filter that another patch adds under a proxyVersion match sets a priority",
  appliesTo: ["EnvoyFilter"],
  reads: ["EnvoyFilter"],
  *check(index) {
    for (const finding of analyzeEnvoyFilterPatches(index)) {
      if (finding.problem !== "relative-proxy-version") continue;
      yield {
        resource: finding.filter,
        pointer: `${finding.pointer}/patch/operation`,
        message:
          `configPatches[${finding.index}]: ${finding.operation} is relative, this EnvoyFilter has no priority, and a patch ` +
          `of the same filter matches on proxyVersion: during an upgrade, while proxies of both versions run, the patches ` +
          `may apply in either order or not at all. Use INSERT_FIRST or ADD, or set spec.priority`,
      };
    }
  },
};

export default rule;
