import { namespaceOf, namespaceOfHost, resolveHost } from "../../../mesh/hosts.js";
import { virtualServiceDestinations } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-destination-host-not-found",
  code: "IST0101",
  severity: "error",
  summary: "Every VirtualService route and mirror destination host is a Service or ServiceEntry",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Service", "ServiceEntry"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const namespace = namespaceOf(vs);
      for (const destination of virtualServiceDestinations(vs)) {
        const host = resolveHost(destination.host, namespace);
        const { visible, hidden } = index.lookupHost(host, namespace);
        if (visible.length > 0) continue;
        const what = `${destination.label}: ${destination.kind === "mirror" ? "mirror" : "destination"} host ${shown(destination.host, host)}`;
        const pointer = `${destination.pointer}/host`;
        const owner = hidden[0];
        if (owner !== undefined) {
          yield {
            resource: vs,
            pointer,
            message:
              `${what} is ${owner.kind} ${owner.namespace}/${owner.resource.name}, which is not exported to namespace ` +
              `${namespace}, so Istio has no such host here and traffic sent to it fails. Export it to ${namespace} ` +
              `(exportTo), or route to a host visible here`,
          };
          continue;
        }
        // Short names and FQDNs of this namespace: we see everything that could define them. Other
        // namespaces and external hosts may be declared outside the configuration being linted.
        const local = !destination.host.includes(".") || namespaceOfHost(host) === namespace;
        yield {
          resource: vs,
          pointer,
          message: local
            ? `${what} matches no Service or ServiceEntry, so Istio has no such host and traffic sent to it fails. ` +
              `Fix the host name (a name without dots is a Service in namespace ${namespace}), or add the Service`
            : `${what} matches no Service or ServiceEntry in the configuration linted here, so unless it is declared ` +
              `elsewhere Istio has no such host and traffic sent to it fails. Fix the host name, or declare it ` +
              `(a ServiceEntry for an external host)`,
          ...(local ? {} : { severity: "warning" as const }),
        };
      }
    }
  },
};

export default rule;

function shown(written: string, resolved: string): string {
  return written === resolved ? `"${written}"` : `"${written}" (${resolved})`;
}
