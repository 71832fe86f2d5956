import { pointerOf } from "../../../model/resource.js";
import { formatLabels } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "destination-rule-subset-selects-no-pods",
  code: "IST0173",
  severity: "error",
  summary: "Every DestinationRule subset selects at least one pod of its host",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule", "Service", "ServiceEntry", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod"],
  *check(index) {
    for (const dr of index.destinationRules()) {
      if (dr.subsets.length === 0 || dr.host.startsWith("*")) continue;
      const { visible, hidden } = index.lookupHost(dr.host, dr.namespace);
      // Only hosts whose endpoints are pods we can see: a Service with a selector, or a ServiceEntry
      // with a workloadSelector, in a namespace whose workloads the configuration describes.
      const entry = [...visible, ...hidden].find((e) => e.podSelector !== undefined);
      if (entry?.podSelector === undefined || !index.knowsWorkloadsIn(entry.namespace)) continue;
      for (const subset of dr.subsets) {
        const selector = { ...entry.podSelector, ...subset.labels };
        if (index.workloadsMatching(entry.namespace, selector).length > 0) continue;
        const hint = index.selectorHint(entry.namespace, subset.labels);
        yield {
          resource: dr.resource,
          pointer: pointerOf("spec", "subsets", subset.index, ...(Object.keys(subset.labels).length > 0 ? ["labels"] : [])),
          message:
            `subset "${subset.name}" selects no pod of ${entry.host}: no workload in namespace ${entry.namespace} ` +
            `has ${formatLabels(selector)} (the ${entry.kind}'s selector plus the subset's labels), so requests ` +
            `routed to the subset fail with 503 (no healthy upstream). ` +
            `${hint === "" ? "" : `${hint} `}Fix the subset's labels, or deploy pods that carry them`,
        };
      }
    }
  },
};

export default rule;
