import { pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { formatLabels, formatSelector } from "../../../mesh/selector.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "destination-rule-subset-selects-no-pods",
  code: "IST0173",
  severity: "error",
  summary: "Every DestinationRule subset selects at least one pod (or WorkloadEntry) of its host",
  appliesTo: ["DestinationRule"],
  reads: ["DestinationRule", "Service", "ServiceEntry", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "WorkloadEntry"],
  *check(index) {
    for (const dr of index.destinationRules()) {
      if (dr.subsets.length === 0 || dr.host.startsWith("*")) continue;
      const { visible, hidden } = index.lookupHost(dr.host, dr.namespace);
      // Only hosts whose endpoints are workloads we can see (pods and WorkloadEntries): a Service with a
      // selector, or a ServiceEntry with a workloadSelector, in a namespace whose workloads the
      // configuration describes.
      const entry = [...visible, ...hidden].find((e) => e.podSelector !== undefined);
      if (entry?.podSelector === undefined || !index.knowsWorkloadsIn(entry.namespace)) continue;
      for (const subset of dr.subsets) {
        if (subset.labels === null) {
          const written = formatSelector(objectAt(arrayAt(objectAt(dr.resource.object, "spec"), "subsets")[subset.index], "labels"));
          yield {
            resource: dr.resource,
            pointer: pointerOf("spec", "subsets", subset.index, "labels"),
            message:
              `subset "${subset.name}" selects no endpoint of ${entry.host}: its labels (${written}) have a value that is not ` +
              `a string, and label values are strings, so no pod or WorkloadEntry matches and requests routed to the ` +
              `subset fail with 503 (no healthy upstream). Quote the value`,
          };
          continue;
        }
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
            `${hint === "" ? "" : `${hint} `}Fix the subset's labels, or deploy pods (or WorkloadEntries) that carry them`,
        };
      }
    }
  },
};

export default rule;
