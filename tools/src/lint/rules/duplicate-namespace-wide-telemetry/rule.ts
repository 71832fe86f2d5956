import { ROOT_NAMESPACE } from "../../mesh-index.js";
import { namespaceWideByNamespace } from "../../policy-model.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-telemetry",
  code: "IST0160",
  severity: "error",
  summary: "At most one Telemetry without a selector per namespace",
  appliesTo: ["Telemetry"],
  reads: ["Telemetry"],
  *check(index) {
    for (const [namespace, group] of namespaceWideByNamespace(index.istio("Telemetry"))) {
      if (group.length < 2) continue;
      const scope = namespace === ROOT_NAMESPACE ? "in the root namespace (mesh-wide defaults)" : `in namespace ${namespace}`;
      for (const resource of group) {
        const others = group.filter((r) => r !== resource).map((r) => r.name);
        yield {
          resource,
          pointer: "/spec",
          message:
            `one of ${group.length} Telemetry resources without a selector ${scope} (also: ${others.join(", ")}): Istio uses only ` +
            `the oldest by creation time and ignores the others, so which one applies depends on the order they were ` +
            `created. Merge them into one, or give the others a selector`,
        };
      }
    }
  },
};

export default rule;
