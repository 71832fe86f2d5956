import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "allow-policy-without-selector",
  severity: "error",
  summary: "An ALLOW AuthorizationPolicy with rules names the workloads it opens",
  appliesTo: ["AuthorizationPolicy"],
  reads: ["AuthorizationPolicy"],
  *check(index) {
    for (const policy of index.istio("AuthorizationPolicy")) {
      const spec = objectAt(policy.object, "spec");
      const action = spec["action"] ?? "ALLOW";
      const rules = arrayAt(spec, "rules");
      // `spec: {}` (no rules) is the allow-nothing policy: namespace-wide on purpose.
      if (action !== "ALLOW" || rules.length === 0) continue;
      if ("targetRef" in spec || "targetRefs" in spec) continue;
      const matchLabels = objectAt(objectAt(spec, "selector"), "matchLabels");
      if (Object.keys(matchLabels).length > 0) continue;
      const namespace = namespaceOf(policy);
      const scope = namespace === ROOT_NAMESPACE ? "every workload in the mesh (root namespace)" : `every workload in namespace ${namespace}`;
      const ports = [...new Set(rules.flatMap(portsOf))];
      const opens = ports.length > 0 ? `port(s) ${ports.join(", ")}` : "its rules";
      yield {
        resource: policy,
        pointer: "selector" in spec ? pointerOf("spec", "selector") : pointerOf("spec"),
        message:
          `ALLOW policy without a selector: it applies to ${scope} and opens ${opens} ` +
          `on all of them, not only on the workload meant. Add spec.selector.matchLabels for that workload`,
      };
    }
  },
};

export default rule;

function portsOf(rule: unknown): string[] {
  return arrayAt(rule, "to").flatMap((to) => {
    const operation = isJsonObject(to) ? objectAt(to, "operation") : {};
    return arrayAt(operation, "ports").map(String);
  });
}
