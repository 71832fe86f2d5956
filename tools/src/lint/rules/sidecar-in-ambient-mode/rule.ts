import { isAmbientNamespace, isAmbientWorkload } from "../../../mesh/ambient.js";
import type { Resource } from "../../../model/resource.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { isNamespaceWide } from "../../../mesh/policy-scope.js";
import type { LintRule } from "../../rule.js";
import { selectingObjects } from "../../selector-conflicts.js";

const rule: LintRule = {
  id: "sidecar-in-ambient-mode",
  code: "IST0167",
  severity: "warning",
  summary: "No Sidecar applies to pods or namespaces in ambient mode, where there is no sidecar to configure",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar", "Namespace", "Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"],
  *check(index) {
    const reported = new Set<Resource>();
    for (const object of selectingObjects(index, "Sidecar")) {
      const ambient = object.workloads.find(isAmbientWorkload);
      if (ambient === undefined) continue;
      reported.add(object.resource);
      yield {
        resource: object.resource,
        pointer: object.pointer,
        message:
          `the policy has no impact on workload ${ambient.name}: it is in ambient mode (annotation ambient.istio.io/redirection: ` +
          `enabled), which has no sidecar to configure. Configure its waypoint instead, or remove the Sidecar`,
      };
    }
    const namespaces = new Map(index.kind("Namespace").map((ns) => [ns.name, ns]));
    for (const sidecar of index.istio("Sidecar")) {
      if (reported.has(sidecar) || !isNamespaceWide(sidecar)) continue;
      const namespace = namespaceOf(sidecar);
      if (!isAmbientNamespace(namespaces.get(namespace))) continue;
      yield {
        resource: sidecar,
        pointer: "/spec",
        message:
          `the policy has no impact: namespace ${namespace} is in ambient mode (label istio.io/dataplane-mode: ambient), whose ` +
          `pods have no sidecar. Configure egress on the namespace's waypoint instead, or remove the Sidecar`,
      };
    }
  },
};

export default rule;
