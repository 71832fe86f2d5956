import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";
import { objectAt, pushTo } from "./fields.js";
import { ROOT_NAMESPACE } from "./hosts.js";
import { labelsMatch, readMatchLabels, selectorMap } from "./selector.js";

/**
 * Which workloads a policy-like object (AuthorizationPolicy, PeerAuthentication, RequestAuthentication,
 * Sidecar, Telemetry...) is for: its selector, or targetRef(s), or its whole namespace (istio-semantics.md §2.1).
 */

/** `targetRef` / `targetRefs` present: sidecars ignore the object completely (§2.1). */
export function hasTargetRefs(spec: JsonObject): boolean {
  const targetRefs = spec["targetRefs"];
  return isJsonObject(spec["targetRef"]) || (Array.isArray(targetRefs) && targetRefs.length > 0);
}

/**
 * The selector labels of a policy (`selector.matchLabels`; a Sidecar's `workloadSelector.labels`):
 * undefined when it has none or empty ones (namespace-wide), and null when it is invalid (a value that
 * is not a string, a selector that is not a map): such a selector selects no workload, and is not namespace-wide.
 */
export function matchLabelsOf(resource: Resource): Record<string, string> | null | undefined {
  const spec = objectAt(resource.object, "spec");
  if (resource.kind !== "Sidecar") {
    const read = readMatchLabels(spec["selector"]);
    return read.invalid !== undefined ? null : read.labels;
  }
  const workloadSelector = spec["workloadSelector"];
  if (workloadSelector !== undefined && workloadSelector !== null && !isJsonObject(workloadSelector)) return null;
  const labels = selectorMap(objectAt(spec, "workloadSelector")["labels"]);
  if (labels === null) return null;
  return Object.keys(labels).length === 0 ? undefined : labels;
}

/** Namespace-wide: no selector and no targetRef(s), so the object applies to every workload of its namespace. */
export function isNamespaceWide(resource: Resource): boolean {
  return matchLabelsOf(resource) === undefined && !hasTargetRefs(objectAt(resource.object, "spec"));
}

/** Something that applies to workloads by namespace and an optional `matchLabels` selector. */
export interface Selected {
  namespace: string;
  /** Undefined: every workload of the namespace (of the mesh, in the root namespace). */
  selector: Readonly<Record<string, string>> | undefined;
}

/**
 * Policies indexed by namespace and by one label pair of their selector, so that finding the policies
 * of a workload costs its label count plus the candidates found, never a scan of all policies
 * (§2.1: candidates are the root namespace and the workload's namespace; the selector must be a subset
 * of the workload's labels; in the root namespace a selector matches workloads of every namespace).
 * Pass `rootNamespace: undefined` for kinds whose root-namespace selectors do not reach other namespaces.
 */
export class SelectorIndex<T extends Selected> {
  private readonly wide = new Map<string, Array<[number, T]>>();
  private readonly byLabel = new Map<string, Array<[number, T]>>();

  constructor(
    items: readonly T[],
    private readonly rootNamespace: string | undefined = ROOT_NAMESPACE,
  ) {
    items.forEach((item, order) => {
      if (item.selector === undefined) {
        pushTo(this.wide, item.namespace, [order, item]);
        return;
      }
      // Any one pair of the selector is a necessary condition; the smallest key keeps it deterministic.
      const key = Object.keys(item.selector).sort()[0] ?? "";
      pushTo(this.byLabel, labelKey(item.namespace, key, item.selector[key] ?? ""), [order, item]);
    });
  }

  /** The items that apply to a workload, in input order. */
  matching(namespace: string, labels: Readonly<Record<string, string>>): T[] {
    const found: Array<[number, T]> = [];
    const namespaces = this.rootNamespace === undefined || namespace === this.rootNamespace ? [namespace] : [this.rootNamespace, namespace];
    for (const ns of namespaces) {
      for (const entry of this.wide.get(ns) ?? []) found.push(entry);
      for (const [key, value] of Object.entries(labels)) {
        for (const entry of this.byLabel.get(labelKey(ns, key, value)) ?? []) {
          if (labelsMatch(entry[1].selector ?? {}, labels)) found.push(entry);
        }
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    return found.map((entry) => entry[1]);
  }
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}
