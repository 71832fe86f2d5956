import { conflictingSelectors, selectingObjects } from "../../selector-conflicts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-telemetry-selectors",
  code: "IST0159",
  severity: "error",
  summary: "At most one Telemetry resource with a selector selects each workload",
  appliesTo: ["Telemetry"],
  reads: ["Telemetry", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "Service", "WorkloadEntry"],
  check(index) {
    return conflictingSelectors(index, selectingObjects(index, "Telemetry"), {
      plural: "Telemetry resources",
      consequence: "Istio uses one of them (the oldest) for this workload and ignores the others, so its tracing, metrics and access logs depend on creation order",
    });
  },
};

export default rule;
