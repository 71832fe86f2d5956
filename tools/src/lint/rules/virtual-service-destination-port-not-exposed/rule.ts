import { namespaceOf, resolveHost } from "../../../mesh/hosts.js";
import { virtualServiceDestinations } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-destination-port-not-exposed",
  code: "IST0101",
  severity: "error",
  summary: "A VirtualService destination port is a port of the destination's Service or ServiceEntry",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Service", "ServiceEntry"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const namespace = namespaceOf(vs);
      for (const destination of virtualServiceDestinations(vs)) {
        if (destination.port === undefined) continue;
        const host = resolveHost(destination.host, namespace);
        const { visible, hidden } = index.lookupHost(host, namespace);
        // An unknown host is virtual-service-destination-host-not-found's finding.
        const entry = visible[0] ?? hidden[0];
        if (entry === undefined || entry.ports.length === 0) continue;
        if (entry.ports.some((p) => p.number === destination.port)) continue;
        const ports = entry.ports.map((p) => p.number).join(", ");
        const behind = entry.ports.find((p) => p.targetPort === destination.port);
        yield {
          resource: vs,
          pointer: `${destination.pointer}/port/number`,
          message:
            `${destination.label}: port ${destination.port} is not a port of ${entry.host} (${entry.kind} ` +
            `${entry.namespace}/${entry.resource.name} has ${ports}), so Istio has no cluster for it and traffic sent ` +
            `there fails. ` +
            (behind !== undefined
              ? `${destination.port} is the container port behind Service port ${behind.number}: VirtualServices use the Service port, so write ${behind.number}`
              : `Use one of the host's ports`),
        };
      }
    }
  },
};

export default rule;
