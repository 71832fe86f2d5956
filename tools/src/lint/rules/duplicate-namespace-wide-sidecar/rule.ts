import { duplicateNamespaceWide, OLDEST_WINS } from "../../namespace-wide-duplicates.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-sidecar",
  code: "IST0111",
  severity: "error",
  summary: "At most one Sidecar without a workloadSelector per namespace",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar"],
  check(index) {
    return duplicateNamespaceWide(index.istio("Sidecar"), {
      plural: "Sidecars",
      selectorField: "workloadSelector",
      consequence: OLDEST_WINS,
      fix: "Merge them into one, or give the others a workloadSelector",
    });
  },
};

export default rule;
