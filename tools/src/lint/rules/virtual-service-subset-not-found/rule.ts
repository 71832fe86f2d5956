import type { DestinationRuleInfo } from "../../../mesh/destination-rule.js";
import { ROOT_NAMESPACE, namespaceOf, namespaceOfHost, resolveHost } from "../../../mesh/hosts.js";
import { virtualServiceDestinations } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-subset-not-found",
  code: "IST0101",
  severity: "error",
  summary: "Every subset a VirtualService routes or mirrors to is defined by the DestinationRule that applies",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "DestinationRule", "Service", "ServiceEntry"],
  *check(index) {
    // Which DestinationRules (in any namespace) define each host+subset, to explain a shadowed definition.
    const definedBy = new Map<string, DestinationRuleInfo[]>();
    for (const dr of index.destinationRules()) {
      for (const subset of dr.subsets) {
        const key = `${dr.host}|${subset.name}`;
        const list = definedBy.get(key);
        if (list === undefined) definedBy.set(key, [dr]);
        else list.push(dr);
      }
    }
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
        const what = `${destination.label}: subset "${destination.subset}" of "${destination.host}"`;
        const pointer = `${destination.pointer}/subset`;
        const elsewhere =
          definers.length === 0
            ? ""
            : `; ${definers.map((dr) => `${dr.namespace}/${dr.resource.name}`).join(", ")} define${definers.length === 1 ? "s" : ""} ` +
              `it but do${definers.length === 1 ? "es" : ""} not apply to clients in namespace ${namespace}`;
        if (applied !== undefined) {
          const names = applied.rules.map((dr) => `${dr.namespace}/${dr.resource.name}`).join(", ");
          const subsets = [...new Set(applied.rules.flatMap((dr) => dr.subsets.map((s) => s.name)))];
          yield {
            resource: vs,
            pointer,
            message:
              `${what} is not defined by DestinationRule ${names}, the one that applies to ${applied.host} from ` +
              `namespace ${namespace} (subsets: ${subsets.length > 0 ? subsets.join(", ") : "none"})` +
              elsewhere +
              `. Istio has no cluster for the subset, so requests routed to it fail with 503. Add the subset to that DestinationRule`,
          };
          continue;
        }
        const searched = [...new Set([namespace, serviceNamespace ?? namespace, ROOT_NAMESPACE])].join(", ");
        // The host's DestinationRule may live in another repository when the host is not of this namespace.
        const local = serviceNamespace === undefined ? !destination.host.includes(".") : serviceNamespace === namespace;
        yield {
          resource: vs,
          pointer,
          message:
            `${what} is defined by no DestinationRule for ${host} that applies here (searched namespaces ${searched}` +
              elsewhere +
            `). Istio has no cluster for the subset, so requests routed to it fail with 503. Add a DestinationRule ` +
            `for the host with this subset, or route without the subset`,
          ...(local ? {} : { severity: "warning" as const }),
        };
      }
    }
  },
};

export default rule;
