import { pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import { mtlsModeOf } from "../../../mesh/peer-authentication.js";
import { matchLabelsOf } from "../../../mesh/policy-scope.js";
import { formatSelector } from "../../../mesh/selector.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "root-namespace-peer-authentication-selector",
  severity: "warning",
  summary: "No PeerAuthentication in the root namespace has a workload selector (Istio ignores it)",
  appliesTo: ["PeerAuthentication"],
  reads: ["PeerAuthentication"],
  *check(index) {
    for (const policy of index.istio("PeerAuthentication")) {
      if (namespaceOf(policy) !== ROOT_NAMESPACE || matchLabelsOf(policy) === undefined) continue;
      const spec = objectAt(policy.object, "spec");
      const mode = mtlsModeOf(objectAt(spec, "mtls")["mode"]);
      const portLevel = Object.keys(objectAt(spec, "portLevelMtls")).length > 0;
      yield {
        resource: policy,
        pointer: pointerOf("spec", "selector"),
        message:
          `PeerAuthentication ${policy.name} is in the root namespace ${ROOT_NAMESPACE} and has a selector ` +
          `(${formatSelector(objectAt(spec, "selector")["matchLabels"])}): Istio ignores root-namespace PeerAuthentications ` +
          `with a workload selector (sidecar mode), so its ${mode === undefined ? "settings" : `mode ${mode}`}` +
          `${portLevel ? " and portLevelMtls" : ""} ${mode !== undefined && !portLevel ? "applies" : "apply"} to no workload. ` +
          `Move it to the namespace of the workloads it ` +
          `is meant for, or remove the selector to make it the mesh-wide policy`,
      };
    }
  },
};

export default rule;
