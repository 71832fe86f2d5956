import { pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import { formatLabels, formatSelector, selectorMap } from "../../../mesh/selector.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "authorization-policy-selector-matches-no-workload",
  code: "IST0127",
  severity: "warning",
  summary: "An AuthorizationPolicy's selector matches at least one workload of its namespace",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy", "Service", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "WorkloadEntry"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      const namespace = namespaceOf(policy);
      const spec = objectAt(policy.object, "spec");
      // Root-namespace selectors match workloads of every namespace, which we never all know;
      // targetRefs policies do not use the selector.
      if (namespace === ROOT_NAMESPACE || "targetRef" in spec || "targetRefs" in spec) continue;
      const written = objectAt(spec, "selector")["matchLabels"];
      const selector = selectorMap(written);
      const action = typeof spec["action"] === "string" ? spec["action"] : "ALLOW";
      const effect = `applies to nothing${action === "ALLOW" ? " and opens nothing" : action === "DENY" ? " and denies nothing" : ""}`;
      if (selector === null) {
        // A non-string value selects nothing: never read it as "no selector" (namespace-wide).
        yield {
          resource: policy,
          pointer: pointerOf("spec", "selector", "matchLabels"),
          message:
            `selector ${formatSelector(written)} has a value that is not a string; label values are strings, so it ` +
            `matches no workload and this ${action} policy ${effect}. Quote the value`,
        };
        continue;
      }
      if (Object.keys(selector).length === 0 || !index.knowsWorkloadsIn(namespace)) continue;
      if (index.workloadsMatching(namespace, selector).length > 0) continue;
      yield {
        resource: policy,
        pointer: pointerOf("spec", "selector", "matchLabels"),
        message:
          `selector ${formatLabels(selector)} matches no workload in namespace ${namespace}, so this ${action} policy ` +
          `${effect}. ` +
          `${withSpace(index.selectorHint(namespace, selector))}Fix the labels to those of the pods it is meant for`,
      };
    }
  },
};

export default rule;

function withSpace(sentence: string): string {
  return sentence === "" ? "" : `${sentence} `;
}
