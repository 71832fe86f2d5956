import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";
import { arrayAt, objectAt, pushTo } from "./fields.js";
import { ROOT_NAMESPACE, isExportedTo, namespaceOf, normaliseExportTo, resolveHost, wildcardsCovering } from "./hosts.js";
import { compareByAge } from "./resource-order.js";
import { labelsMatch, selectorMap } from "./selector.js";

/**
 * DestinationRules (istio-semantics.md §4.8): the one parser, the lookup Istio does for a client
 * (`PushContext.destinationRule`), how Istio merges several into one, and the TLS mode a client uses.
 */

export interface DestinationRuleSubset {
  name: string;
  /** The subset's labels; null when one is not a string (such a subset selects no endpoint). */
  labels: Record<string, string> | null;
  /** Index in spec.subsets. */
  index: number;
  /** The subset's own trafficPolicy; undefined when it has none (or an empty one). */
  trafficPolicy: JsonObject | undefined;
}

export interface DestinationRuleInfo {
  resource: Resource;
  namespace: string;
  /** spec.host resolved with the short-name rule in the DestinationRule's namespace, lower-cased. */
  host: string;
  exportTo: readonly string[];
  /**
   * spec.workloadSelector.matchLabels; undefined for a DestinationRule that applies to every client, null
   * for an invalid selector (a non-string value: it applies to no client).
   */
  workloadSelector: Record<string, string> | null | undefined;
  subsets: DestinationRuleSubset[];
  /** spec.trafficPolicy when it is an object. */
  trafficPolicy: JsonObject | undefined;
  hasTrafficPolicy: boolean;
  /** spec.exportTo exactly as written (Istio compares these sets, unnormalised, when it merges DestinationRules). */
  exportToAsWritten: readonly string[];
}

/**
 * DestinationRules Istio merges into one for its clients (`mergeDestinationRule`): the first is the one
 * the others merged into, the others follow in Istio's order (oldest first).
 */
export interface DestinationRuleMergeGroup {
  namespace: string;
  host: string;
  rules: DestinationRuleInfo[];
  /** How each later rule joined the first: same exportTo, or a strict superset of the first's exportTo. */
  how: Array<"equal" | "superset">;
}

/** The DestinationRules Istio applies to a host for a client: all those of the first namespace that has any, oldest first. */
export interface DestinationRuleLookup {
  namespace: string;
  /** The DestinationRule host that won: the exact host, or the most specific wildcard. */
  host: string;
  rules: DestinationRuleInfo[];
}

/** The DestinationRules of a lookup merged as Istio merges them for a client. */
export interface MergedDestinationRule {
  /** `namespace/name` of the first (oldest) DestinationRule of the merged set. */
  id: string;
  namespace: string;
  host: string;
  /** The first trafficPolicy among the rules. */
  trafficPolicy: JsonObject | undefined;
  /** Subsets of every rule; the first definition of a name wins. */
  subsets: Array<DestinationRuleSubset & { from: string }>;
}

export function parseDestinationRule(resource: Resource): DestinationRuleInfo | undefined {
  const spec = objectAt(resource.object, "spec");
  if (typeof spec["host"] !== "string" || spec["host"] === "") return undefined;
  const namespace = namespaceOf(resource);
  const exportToAsWritten = arrayAt(spec, "exportTo").filter((e): e is string => typeof e === "string");
  const trafficPolicy = isJsonObject(spec["trafficPolicy"]) ? spec["trafficPolicy"] : undefined;
  return {
    resource,
    namespace,
    host: resolveHost(spec["host"], namespace).toLowerCase(),
    exportTo: normaliseExportTo(exportToAsWritten, namespace),
    workloadSelector: "workloadSelector" in spec ? selectorMap(objectAt(spec, "workloadSelector")["matchLabels"]) : undefined,
    subsets: arrayAt(spec, "subsets").flatMap((subset, index) => {
      if (!isJsonObject(subset) || typeof subset["name"] !== "string") return [];
      const policy = objectAt(subset, "trafficPolicy");
      return [{ name: subset["name"], labels: selectorMap(subset["labels"]), index, trafficPolicy: Object.keys(policy).length > 0 ? policy : undefined }];
    }),
    trafficPolicy,
    hasTrafficPolicy: trafficPolicy !== undefined,
    exportToAsWritten,
  };
}

export class DestinationRuleIndex {
  /** Every DestinationRule with a host, in input order. */
  readonly all: DestinationRuleInfo[];
  /** Per namespace and host, the rules oldest first (workloadSelector ones included). */
  private readonly byNamespaceHost = new Map<string, Map<string, DestinationRuleInfo[]>>();
  private mergeGroupCache: DestinationRuleMergeGroup[] | undefined;
  private groupCache: Map<string, Map<string, DestinationRuleInfo[]>> | undefined;

  constructor(resources: readonly Resource[]) {
    this.all = resources.flatMap((resource) => parseDestinationRule(resource) ?? []);
    for (const rule of [...this.all].sort((a, b) => compareByAge(a.resource, b.resource))) {
      let byHost = this.byNamespaceHost.get(rule.namespace);
      if (byHost === undefined) this.byNamespaceHost.set(rule.namespace, (byHost = new Map()));
      pushTo(byHost, rule.host, rule);
    }
  }

  /**
   * The DestinationRules that apply to `host` for a client in `clientNamespace`, looked up as Istio's
   * `PushContext.destinationRule` does: the client's namespace, then the service's (exported ones), then
   * the root namespace (exported ones); the first namespace with a match wins and, within it, the exact
   * host beats the longest wildcard. A DestinationRule with a workloadSelector applies only to clients of
   * its own namespace whose labels it selects: given `clientLabels`, those count; without, they are left out.
   */
  lookup(
    host: string,
    clientNamespace: string,
    serviceNamespace: string | undefined,
    clientLabels?: Readonly<Record<string, string>>,
  ): DestinationRuleLookup | undefined {
    const order = [clientNamespace];
    if (serviceNamespace !== undefined && !order.includes(serviceNamespace)) order.push(serviceNamespace);
    if (!order.includes(ROOT_NAMESPACE)) order.push(ROOT_NAMESPACE);
    const name = host.toLowerCase();
    for (const namespace of order) {
      const byHost = this.byNamespaceHost.get(namespace);
      if (byHost === undefined) continue;
      for (const candidate of [name, ...wildcardsCovering(name)]) {
        const rules = (byHost.get(candidate) ?? []).filter((rule) => {
          if (rule.workloadSelector !== undefined) {
            return clientLabels !== undefined && namespace === clientNamespace && labelsMatch(rule.workloadSelector, clientLabels);
          }
          return namespace === clientNamespace || isExportedTo(rule.exportTo, clientNamespace);
        });
        if (rules.length > 0) return { namespace, host: candidate, rules };
      }
    }
    return undefined;
  }

  /**
   * DestinationRules without a workloadSelector, grouped by namespace and resolved host (input order):
   * every rule a client may get for the host from that namespace (see mergeGroups for which of them
   * Istio actually merges).
   */
  groups(): ReadonlyMap<string, ReadonlyMap<string, readonly DestinationRuleInfo[]>> {
    if (this.groupCache === undefined) {
      this.groupCache = new Map();
      for (const rule of this.all) {
        if (rule.workloadSelector !== undefined) continue;
        let byHost = this.groupCache.get(rule.namespace);
        if (byHost === undefined) this.groupCache.set(rule.namespace, (byHost = new Map()));
        pushTo(byHost, rule.host, rule);
      }
    }
    return this.groupCache;
  }

  /**
   * The DestinationRules (without workloadSelector) Istio merges, as `PushContext.setDestinationRules`
   * and `mergeDestinationRule` do with ENABLE_ENHANCED_DESTINATIONRULE_MERGE (the default): per namespace
   * and host, in Istio's order (oldest first), in each of its two indexes (rules visible in their own
   * namespace; rules exported to other namespaces). A rule merges into an earlier entry whose exportTo
   * set, as written, is equal to its own, or is a non-empty strict subset of its own; otherwise it
   * stays an independent entry. Only groups of two or more are returned, each once.
   */
  mergeGroups(): readonly DestinationRuleMergeGroup[] {
    this.mergeGroupCache ??= buildMergeGroups(this.all);
    return this.mergeGroupCache;
  }
}

/** A lookup's rules merged for a client: the first trafficPolicy wins, subsets concatenate with the first of each name winning. */
export function mergeDestinationRules(lookup: DestinationRuleLookup): MergedDestinationRule {
  const first = lookup.rules[0];
  let trafficPolicy: JsonObject | undefined;
  const subsets: MergedDestinationRule["subsets"] = [];
  const seen = new Set<string>();
  for (const rule of lookup.rules) {
    trafficPolicy ??= rule.trafficPolicy;
    for (const subset of rule.subsets) {
      if (seen.has(subset.name)) continue;
      seen.add(subset.name);
      subsets.push({ ...subset, from: `${rule.namespace}/${rule.resource.name}` });
    }
  }
  return {
    id: first === undefined ? "" : `${first.namespace}/${first.resource.name}`,
    namespace: lookup.namespace,
    host: first?.host ?? lookup.host,
    trafficPolicy,
    subsets,
  };
}

/**
 * The `tls.mode` a client uses for a Service port: the subset's policy (port-level, then its own)
 * overrides the top level; a `portLevelSettings` entry for the port replaces the top-level settings
 * without inheriting them. A `tls` block without `mode` is DISABLE (the enum's zero value). Undefined
 * when nothing sets TLS (auto mTLS then decides).
 */
export function clientTlsMode(rule: MergedDestinationRule, subset: string | undefined, port: number): string | undefined {
  if (subset !== undefined) {
    const fromSubset = tlsModeIn(rule.subsets.find((s) => s.name === subset)?.trafficPolicy, port);
    if (fromSubset !== undefined) return fromSubset;
  }
  return tlsModeIn(rule.trafficPolicy, port);
}

function tlsModeIn(policy: JsonObject | undefined, port: number): string | undefined {
  if (policy === undefined) return undefined;
  const portLevel = arrayAt(policy, "portLevelSettings").find((setting) => objectAt(setting, "port")["number"] === port);
  const source = isJsonObject(portLevel) ? portLevel : portLevel !== undefined ? {} : policy;
  const tls = source["tls"];
  if (!isJsonObject(tls)) return undefined;
  return typeof tls["mode"] === "string" ? tls["mode"] : "DISABLE";
}

interface MergeEntry {
  exportTo: ReadonlySet<string>;
  group: DestinationRuleMergeGroup;
}

function buildMergeGroups(all: readonly DestinationRuleInfo[]): DestinationRuleMergeGroup[] {
  const ordered = all.filter((dr) => dr.workloadSelector === undefined).sort((a, b) => compareByAge(a.resource, b.resource));
  // Per index ("local"/"exported"), namespace and host: the entries, in the order Istio appends them.
  const entries = new Map<string, MergeEntry[]>();
  for (const dr of ordered) {
    const exportTo = new Set(dr.exportToAsWritten);
    // setDestinationRules: the namespace-local index holds the rules visible in their own namespace;
    // the exported index holds every rule that is not private-only.
    const local = exportTo.size === 0 || exportTo.has("*") || exportTo.has(".") || exportTo.has(dr.namespace);
    const privateOnly = exportTo.size === 1 && (exportTo.has(".") || exportTo.has(dr.namespace));
    for (const [which, included] of [["local", local], ["exported", !privateOnly]] as const) {
      if (!included) continue;
      const key = `${which}\u0000${dr.namespace}\u0000${dr.host}`;
      const list = entries.get(key) ?? [];
      entries.set(key, list);
      // mergeDestinationRule: the rule merges into every entry whose exportTo equals its own, or is a
      // non-empty subset of it; whether it is also kept as an entry of its own is decided by the last
      // entry looked at (for rules without workloadSelector a merge clears the flag).
      let appendSeparately = true;
      for (const entry of list) {
        const equal = entry.exportTo.size === exportTo.size && [...exportTo].every((e) => entry.exportTo.has(e));
        const superset = !equal && entry.exportTo.size > 0 && [...entry.exportTo].every((e) => exportTo.has(e));
        if (!equal && !superset) {
          appendSeparately = true;
          continue;
        }
        appendSeparately = false;
        entry.group.rules.push(dr);
        entry.group.how.push(equal ? "equal" : "superset");
      }
      if (appendSeparately) list.push({ exportTo, group: { namespace: dr.namespace, host: dr.host, rules: [dr], how: [] } });
    }
  }
  // The same merge can happen in both indexes: report each set of rules once.
  const seen = new Set<string>();
  const groups: DestinationRuleMergeGroup[] = [];
  for (const list of entries.values()) {
    for (const { group } of list) {
      if (group.rules.length < 2) continue;
      const key = group.rules.map((r) => `${r.namespace}/${r.resource.name}`).join("\u0000");
      if (seen.has(key)) continue;
      seen.add(key);
      groups.push(group);
    }
  }
  return groups;
}
