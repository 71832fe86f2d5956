import { pushTo } from "./fields.js";
import { labelsMatch } from "./selector.js";
import type { Workload } from "./workloads.js";

/** Workloads by namespace and by label, so that a selector costs the size of its smallest posting list. */
export class WorkloadIndex {
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Workload[]>();

  constructor(readonly all: readonly Workload[]) {
    for (const workload of all) {
      pushTo(this.byNamespace, workload.namespace, workload);
      for (const [key, value] of Object.entries(workload.labels)) pushTo(this.byLabel, labelKey(key, value), workload);
    }
  }

  inNamespace(namespace: string): readonly Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  /**
   * The workloads whose labels include every selector label: in `namespace`, or in every namespace when
   * it is undefined. An empty selector selects all; a null one (invalid, see selectorMap) selects none.
   */
  select(selector: Readonly<Record<string, string>> | null, namespace: string | undefined): Workload[] {
    if (selector === null) return [];
    const entries = Object.entries(selector);
    if (entries.length === 0) return [...(namespace === undefined ? this.all : this.inNamespace(namespace))];
    // Start from the rarest label pair, so the scan is as short as the index allows.
    let smallest: readonly Workload[] | undefined;
    for (const [key, value] of entries) {
      const list = this.byLabel.get(labelKey(key, value)) ?? [];
      if (smallest === undefined || list.length < smallest.length) smallest = list;
    }
    return (smallest ?? []).filter((w) => (namespace === undefined || w.namespace === namespace) && labelsMatch(selector, w.labels));
  }
}

function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
