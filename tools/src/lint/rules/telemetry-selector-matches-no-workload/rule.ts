import { selectingObjects, selectorsMatchingNothing } from "../../selector-conflicts.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "telemetry-selector-matches-no-workload",
  code: "IST0101",
  severity: "error",
  summary: "A Telemetry resource's selector matches a workload of its namespace",
  appliesTo: ["Telemetry"],
  reads: ["Telemetry", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "Service", "WorkloadEntry"],
  check(index) {
    return selectorsMatchingNothing(index, selectingObjects(index, "Telemetry"), "its telemetry settings apply to no workload");
  },
};

export default rule;
