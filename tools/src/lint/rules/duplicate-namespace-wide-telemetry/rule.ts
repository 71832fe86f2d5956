import { isJsonObject } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { duplicateNamespaceWide, OLDEST_WINS } from "../../namespace-wide-duplicates.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-telemetry",
  code: "IST0160",
  severity: "error",
  summary: "At most one Telemetry without a selector per namespace",
  appliesTo: ["Telemetry"],
  reads: ["Telemetry"],
  check(index) {
    return duplicateNamespaceWide(index.istio("Telemetry"), {
      plural: "Telemetry resources",
      selectorField: "selector",
      consequence: OLDEST_WINS,
      fix: "Merge them into one, or give the others a selector",
      // As istioctl (telemetry.DefaultSelectorAnalyzer): without a `selector` field, whether or not it has targetRefs.
      isNamespaceWide: (telemetry) => !isJsonObject(objectAt(telemetry.object, "spec")["selector"]),
    });
  },
};

export default rule;
