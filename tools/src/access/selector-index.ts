import { ROOT_NAMESPACE } from "../lint/mesh-index.js";
import { labelsMatch, readMatchLabels } from "../mesh/selector.js";

/** Something that applies to workloads by namespace and an optional `matchLabels` selector. */
export interface Selected {
  namespace: string;
  /** Undefined: every workload of the namespace (of the mesh, in the root namespace). */
  selector: Record<string, string> | undefined;
}

/**
 * Policies indexed by namespace and by one label pair of their selector, so that finding the policies
 * of a workload costs its label count plus the candidates found, never a scan of all policies
 * (istio-semantics.md §2.1: candidates are the root namespace and the workload's namespace; the
 * selector must be a subset of the workload's labels; in the root namespace a selector matches
 * workloads of every namespace).
 */
export class SelectorIndex<T extends Selected> {
  private readonly wide = new Map<string, Array<[number, T]>>();
  private readonly byLabel = new Map<string, Array<[number, T]>>();

  constructor(
    items: readonly T[],
    private readonly rootNamespace: string = ROOT_NAMESPACE,
  ) {
    items.forEach((item, order) => {
      if (item.selector === undefined) {
        push(this.wide, item.namespace, [order, item]);
        return;
      }
      // Any one pair of the selector is a necessary condition; the smallest key keeps it deterministic.
      const key = Object.keys(item.selector).sort()[0] ?? "";
      push(this.byLabel, labelKey(item.namespace, key, item.selector[key] ?? ""), [order, item]);
    });
  }

  /** The items that apply to a workload, in input order. */
  matching(namespace: string, labels: Readonly<Record<string, string>>): T[] {
    const found: Array<[number, T]> = [];
    const namespaces = namespace === this.rootNamespace ? [namespace] : [this.rootNamespace, namespace];
    for (const ns of namespaces) {
      for (const entry of this.wide.get(ns) ?? []) found.push(entry);
      for (const [key, value] of Object.entries(labels)) {
        for (const entry of this.byLabel.get(labelKey(ns, key, value)) ?? []) {
          if (selectorMatches(entry[1].selector ?? {}, labels)) found.push(entry);
        }
      }
    }
    found.sort((a, b) => a[0] - b[0]);
    return found.map((entry) => entry[1]);
  }
}

/** Kubernetes matchLabels semantics (the shared matcher). */
export const selectorMatches = labelsMatch;

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/** A workload selector `{ matchLabels: {...} }` as written (the shared reader): see readMatchLabels. */
export const parseMatchLabels = readMatchLabels;
