import { ROOT_NAMESPACE } from "../../mesh-index.js";
import { namespaceWideByNamespace } from "../../policy-model.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "duplicate-namespace-wide-sidecar",
  code: "IST0111",
  severity: "error",
  summary: "At most one Sidecar without a workloadSelector per namespace",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar"],
  *check(index) {
    for (const [namespace, group] of namespaceWideByNamespace(index.istio("Sidecar"))) {
      if (group.length < 2) continue;
      const scope = namespace === ROOT_NAMESPACE ? "in the root namespace (mesh-wide defaults)" : `in namespace ${namespace}`;
      for (const resource of group) {
        const others = group.filter((r) => r !== resource).map((r) => r.name);
        yield {
          resource,
          pointer: "/spec",
          message:
            `one of ${group.length} Sidecars without a workloadSelector ${scope} (also: ${others.join(", ")}): Istio uses only ` +
            `the oldest by creation time and ignores the others, so which one applies depends on the order they were ` +
            `created. Merge them into one, or give the others a workloadSelector`,
        };
      }
    }
  },
};

export default rule;
