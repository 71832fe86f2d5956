import { selectingObjects, selectorsMatchingNothing } from "../../selector-conflicts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "sidecar-selector-matches-no-workload",
  code: "IST0101",
  severity: "error",
  summary: "A Sidecar's workloadSelector matches a workload of its namespace",
  appliesTo: ["Sidecar"],
  reads: ["Sidecar", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "Service", "WorkloadEntry"],
  check(index) {
    return selectorsMatchingNothing(index, selectingObjects(index, "Sidecar"), "no proxy gets this Sidecar configuration");
  },
};

export default rule;
