import { namespaceOf, resolveHost, virtualServiceDestinations } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-destination-port-required",
  code: "IST0112",
  severity: "error",
  summary: "A VirtualService destination whose host has several ports names the port",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Service", "ServiceEntry"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const namespace = namespaceOf(vs);
      for (const destination of virtualServiceDestinations(vs)) {
        if (destination.port !== undefined) continue;
        const host = resolveHost(destination.host, namespace);
        const { visible, hidden } = index.lookupHost(host, namespace);
        const entry = visible[0] ?? hidden[0];
        if (entry === undefined) continue;
        const ports = [...new Set(entry.ports.map((p) => p.number))];
        if (ports.length < 2) continue;
        yield {
          resource: vs,
          pointer: destination.pointer,
          message:
            `${destination.label}: ${entry.host} has ${ports.length} ports (${ports.join(", ")}) and this ` +
            `destination names none; Istio requires the port when the host has more than one. Set ` +
            `destination.port.number to the port this route is for`,
        };
      }
    }
  },
};

export default rule;
