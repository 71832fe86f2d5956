import { pointerOf } from "../../../model/resource.js";
import { objectAt } from "../../../mesh/fields.js";
import { ROOT_NAMESPACE, namespaceOf } from "../../../mesh/hosts.js";
import { formatLabels, formatSelector, selectorMap } from "../../../mesh/selector.js";
import type { LintRule } from "../../rule.js";

/**
 * Kinds that pick their workloads with labels, where the labels are, and what a miss means. Sidecar and
 * Telemetry selectors that match nothing are istioctl's IST0101 (sidecar-selector-matches-no-workload,
 * telemetry-selector-matches-no-workload); this rule reports their non-string values only.
 */
const SELECTING_KINDS = [
  { kind: "PeerAuthentication", path: ["selector", "matchLabels"], effect: "its mTLS mode applies to no workload", matchesNothing: true },
  { kind: "RequestAuthentication", path: ["selector", "matchLabels"], effect: "no workload validates these JWTs", matchesNothing: true },
  { kind: "Telemetry", path: ["selector", "matchLabels"], effect: "its telemetry settings apply to no workload", matchesNothing: false },
  { kind: "Sidecar", path: ["workloadSelector", "labels"], effect: "no proxy gets this Sidecar configuration", matchesNothing: false },
  { kind: "EnvoyFilter", path: ["workloadSelector", "labels"], effect: "no proxy gets these patches", matchesNothing: true },
] as const;

const rule: LintRule = {
  id: "selector-matches-no-workload",
  severity: "warning",
  summary: "The workload selector of a PeerAuthentication, RequestAuthentication or EnvoyFilter matches a workload; no selector has a non-string value",
  appliesTo: SELECTING_KINDS.map((k) => k.kind),
  reads: [...SELECTING_KINDS.map((k) => k.kind), "Service", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod", "WorkloadEntry"],
  *check(index) {
    for (const { kind, path, effect, matchesNothing } of SELECTING_KINDS) {
      for (const resource of index.istio(kind)) {
        const namespace = namespaceOf(resource);
        const spec = objectAt(resource.object, "spec");
        // Root-namespace objects reach into other namespaces (or are ignored, for selector PeerAuthentications);
        // targetRefs objects do not use the selector.
        if (namespace === ROOT_NAMESPACE || "targetRef" in spec || "targetRefs" in spec) continue;
        const written = objectAt(objectAt(spec, path[0]), path[1]);
        const selector = selectorMap(written);
        if (selector === null) {
          // A non-string value selects nothing: never read it as "no selector" (namespace-wide).
          yield {
            resource,
            pointer: pointerOf("spec", ...path),
            message:
              `${path.join(".")} ${formatSelector(written)} has a value that is not a string; label values are strings, ` +
              `so it matches no workload and ${effect}. Quote the value`,
          };
          continue;
        }
        if (!matchesNothing || Object.keys(selector).length === 0 || !index.knowsWorkloadsIn(namespace)) continue;
        if (index.workloadsMatching(namespace, selector).length > 0) continue;
        const hint = index.selectorHint(namespace, selector);
        yield {
          resource,
          pointer: pointerOf("spec", ...path),
          message:
            `${path.join(".")} ${formatLabels(selector)} matches no workload in namespace ${namespace}, so ${effect}. ` +
            `${hint === "" ? "" : `${hint} `}Fix the labels to those of the pods it is meant for`,
        };
      }
    }
  },
};

export default rule;
