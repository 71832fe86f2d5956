import type { Resource } from "../model/resource.js";
import { objectAt, pushTo } from "../mesh/fields.js";
import { namespaceOf } from "../mesh/hosts.js";
import type { MeshIndex } from "../mesh/mesh-index.js";
import { formatLabels, selectorMap } from "../mesh/selector.js";
import type { Workload } from "../mesh/workloads.js";
import type { RuleReport } from "./rule.js";

/**
 * Sidecars (`workloadSelector.labels`) and Telemetry resources (`selector.matchLabels`) select the pods of
 * their own namespace, and a pod should be selected by at most one of each kind: `istioctl analyze`'s
 * sidecar.SelectorAnalyzer and telemetry.SelectorAnalyzer. Both skip objects with no (or empty) labels.
 */

export interface SelectingObject {
  resource: Resource;
  namespace: string;
  labels: Record<string, string>;
  /** JSON pointer of the label map. */
  pointer: string;
  /** The workloads the configuration describes that the selector matches (never inferred pods: see selectorsMatchingNothing). */
  workloads: Workload[];
}

const SELECTOR_PATHS = { Sidecar: ["workloadSelector", "labels"], Telemetry: ["selector", "matchLabels"] } as const;

/** The Sidecars or Telemetry resources with a non-empty label selector, with the workloads they select. */
export function selectingObjects(index: MeshIndex, kind: keyof typeof SELECTOR_PATHS): SelectingObject[] {
  const [outer, inner] = SELECTOR_PATHS[kind];
  return index.istio(kind).flatMap((resource) => {
    const labels = selectorMap(objectAt(objectAt(resource.object, "spec"), outer)[inner]);
    // A non-string value (null) is a schema error, reported there and by selector-matches-no-workload.
    if (labels === null || Object.keys(labels).length === 0) return [];
    const namespace = namespaceOf(resource);
    return [{ resource, namespace, labels, pointer: `/spec/${outer}/${inner}`, workloads: index.workloadsMatching(namespace, labels) }];
  });
}

/** IST0101 "Referenced selector not found": the selector matches no workload of a namespace whose workloads the input describes. */
export function* selectorsMatchingNothing(index: MeshIndex, objects: readonly SelectingObject[], effect: string): Iterable<RuleReport> {
  for (const object of objects) {
    if (object.workloads.length > 0 || !index.knowsWorkloadsIn(object.namespace)) continue;
    const hint = index.selectorHint(object.namespace, object.labels);
    yield {
      resource: object.resource,
      pointer: object.pointer,
      message:
        `selector ${formatLabels(object.labels)} matches no workload in namespace ${object.namespace}, so ${effect}. ` +
        `${hint === "" ? "" : `${hint} `}Fix the labels to those of the pods it is meant for`,
    };
  }
}

/**
 * One report per object and pod that several of the objects select. The pods include those a Service implies
 * where nothing describes them: istioctl, reading the cluster, sees them, and whatever selects a Service's
 * selector labels selects its real pods too.
 */
export function* conflictingSelectors(
  index: MeshIndex,
  objects: readonly SelectingObject[],
  describe: { plural: string; consequence: string; skip?: (workload: Workload) => boolean },
): Iterable<RuleReport> {
  const byWorkload = new Map<Workload, SelectingObject[]>();
  for (const object of objects) {
    for (const workload of index.podsMatching(object.namespace, object.labels, { withInferredPods: true })) {
      if (describe.skip?.(workload) === true) continue;
      pushTo(byWorkload, workload, object);
    }
  }
  for (const [workload, list] of byWorkload) {
    if (list.length < 2) continue;
    const names = list.map((o) => o.resource.name).sort();
    const described = workload.inferred === true ? "" : ` (described by ${workload.source.kind} ${workload.source.name})`;
    for (const object of list) {
      yield {
        resource: object.resource,
        pointer: object.pointer,
        message:
          `${describe.plural} ${names.join(", ")} in namespace ${object.namespace} all select workload ${workload.name}${described}: ` +
          `${describe.consequence}. Narrow the selectors so that each workload has one`,
      };
    }
  }
}
