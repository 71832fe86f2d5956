import { ROOT_NAMESPACE } from "../lint/mesh-index.js";
import { isJsonObject } from "../model/resource.js";

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

/** Kubernetes matchLabels semantics: every selector label is among the labels. */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>): boolean {
  for (const key in selector) if (labels[key] !== selector[key]) return false;
  return true;
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * A workload selector `{ matchLabels: {...} }` as written: `labels` undefined when absent or empty
 * (namespace-wide). A value that is not a string (`app: 5`), or a selector / matchLabels that is not
 * a map, is `invalid`: the API server's schema (map of strings) and Istio's decoder reject such an
 * object, so it applies to no workload. Callers must not read it as namespace-wide.
 */
export function parseMatchLabels(selector: unknown): { labels: Record<string, string> | undefined; invalid: string | undefined } {
  const none = { labels: undefined, invalid: undefined };
  if (selector === undefined || selector === null) return none;
  if (!isJsonObject(selector)) return { labels: undefined, invalid: `selector is ${JSON.stringify(selector)}, not a map` };
  const matchLabels = selector["matchLabels"];
  if (matchLabels === undefined || matchLabels === null) return none;
  if (!isJsonObject(matchLabels)) return { labels: undefined, invalid: `selector.matchLabels is ${JSON.stringify(matchLabels)}, not a map` };
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(matchLabels)) {
    if (typeof value !== "string") return { labels: undefined, invalid: `selector.matchLabels.${key} is ${JSON.stringify(value)}, not a string (quote it)` };
    labels[key] = value;
  }
  return { labels: Object.keys(labels).length > 0 ? labels : undefined, invalid: undefined };
}
