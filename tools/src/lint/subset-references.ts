import { pushTo } from "../mesh/fields.js";
import type { Resource } from "../model/resource.js";
import type { DestinationRuleInfo, DestinationRuleLookup } from "../mesh/destination-rule.js";
import { namespaceOf, namespaceOfHost, resolveHost, ROOT_NAMESPACE } from "../mesh/hosts.js";
import type { MeshIndex } from "../mesh/mesh-index.js";
import { type VirtualServiceDestination, virtualServiceDestinations } from "../mesh/virtual-service.js";

/**
 * The VirtualService destinations whose subset the DestinationRule that applies does not define, split
 * by whether `istioctl analyze` sees it too (virtualservice.DestinationRuleAnalyzer, IST0101): istioctl
 * only asks whether any DestinationRule for the same host defines the subset, the host named as its
 * `util.GetResourceNameFromHost` reads it (a `<name>.<ns>.svc.cluster.local` host by that namespace and
 * name, any other host within the namespace of the object that names it).
 */
export interface MissingSubset {
  vs: Resource;
  destination: VirtualServiceDestination;
  /** The resolved host, lower-cased. */
  host: string;
  /** The DestinationRules that apply to the host for the VirtualService's clients, if any. */
  applied: DestinationRuleLookup | undefined;
  /** The DestinationRules, in any namespace, that define the subset for the host. */
  definers: DestinationRuleInfo[];
  /** The namespaces where Istio looks for the host's DestinationRules: the client's, the service's, the root. */
  searched: string[];
  /** The service of the host is in the VirtualService's namespace (its DestinationRule belongs to this configuration). */
  local: boolean;
  /** istioctl reports it too: no DestinationRule for the same host, as istioctl names hosts, defines the subset. */
  seenByIstioctl: boolean;
}

const FQDN = /^(.+)\.(.+)\.svc\.cluster\.local$/;

/** istioctl's `GetResourceNameFromHost`: `namespace/name` of a host named in an object of `namespace`. */
function istioctlHostKey(namespace: string, host: string): string {
  const match = FQDN.exec(host);
  return match === null ? `${namespace}/${host}` : `${match[2] ?? ""}/${match[1] ?? ""}`;
}

const cache = new WeakMap<MeshIndex, MissingSubset[]>();

export function missingSubsets(index: MeshIndex): readonly MissingSubset[] {
  let found = cache.get(index);
  if (found === undefined) {
    found = computeMissingSubsets(index);
    cache.set(index, found);
  }
  return found;
}

function computeMissingSubsets(index: MeshIndex): MissingSubset[] {
  const definedBy = new Map<string, DestinationRuleInfo[]>();
  const istioctlDefined = new Set<string>();
  for (const dr of index.destinationRules()) {
    for (const subset of dr.subsets) {
      const key = `${dr.host}|${subset.name}`;
      pushTo(definedBy, key, dr);
      const written = dr.resource.object["spec"];
      const host = typeof written === "object" && written !== null && "host" in written ? String((written as Record<string, unknown>)["host"]) : dr.host;
      istioctlDefined.add(`${istioctlHostKey(dr.namespace, host)}|${subset.name}`);
    }
  }
  const result: MissingSubset[] = [];
  for (const vs of index.istio("VirtualService")) {
    const namespace = namespaceOf(vs);
    for (const destination of virtualServiceDestinations(vs)) {
      if (destination.subset === undefined) continue;
      const host = resolveHost(destination.host, namespace).toLowerCase();
      const { visible, hidden } = index.lookupHost(host, namespace);
      const serviceNamespace = (visible[0] ?? hidden[0])?.namespace ?? namespaceOfHost(host);
      const applied = index.destinationRuleFor(host, namespace, serviceNamespace);
      if (applied?.rules.some((dr) => dr.subsets.some((s) => s.name === destination.subset))) continue;
      const definers = definedBy.get(`${host}|${destination.subset}`) ?? [];
      // A DestinationRule with a workloadSelector serves only some clients of its namespace: give it the benefit of the doubt.
      if (definers.some((dr) => dr.workloadSelector !== undefined && dr.namespace === namespace)) continue;
      result.push({
        vs,
        destination,
        host,
        applied,
        definers,
        searched: [...new Set([namespace, serviceNamespace ?? namespace, ROOT_NAMESPACE])],
        local: serviceNamespace === undefined ? !destination.host.includes(".") : serviceNamespace === namespace,
        seenByIstioctl: !istioctlDefined.has(`${istioctlHostKey(namespace, destination.host)}|${destination.subset}`),
      });
    }
  }
  return result;
}
