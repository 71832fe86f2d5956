import { isAmbientWorkload } from "../../../mesh/ambient.js";
import { conflictingSelectors, selectingObjects } from "../../selector-conflicts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-sidecar-selectors",
  code: "IST0110",
  severity: "error",
  summary: "At most one Sidecar with a workloadSelector selects each workload",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "Service", "WorkloadEntry"],
  check(index) {
    return conflictingSelectors(index, selectingObjects(index, "Sidecar"), {
      plural: "Sidecars",
      consequence: "Istio applies one of them (the oldest) and ignores the others for this workload, so its egress and ingress settings depend on creation order",
      // A pod in ambient mode has no sidecar: sidecar-in-ambient-mode says so instead.
      skip: isAmbientWorkload,
    });
  },
};

export default rule;
