import { pushTo } from "../../../mesh/fields.js";
import { meshDeploymentsWithServices } from "../../../mesh/deployment-services.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "deployment-service-protocol-conflict",
  code: "IST0116",
  severity: "warning",
  summary: "Services that select the same mesh Deployment give a port number one protocol (TCP, UDP, SCTP)",
  appliesTo: ["Deployment"],
  reads: ["Deployment", "Service", "Namespace"],
  *check(index) {
    for (const { deployment, services } of meshDeploymentsWithServices(index)) {
      // Port number → Kubernetes protocol → the Services that use it.
      const byPort = new Map<number, Map<string, string[]>>();
      for (const service of services) {
        for (const port of service.ports) {
          const protocols = byPort.get(port.port) ?? new Map<string, string[]>();
          const protocol = port.protocol === undefined || port.protocol === "" ? "TCP" : port.protocol;
          pushTo(protocols, protocol, `${service.namespace}/${service.resource.name}`);
          byPort.set(port.port, protocols);
        }
      }
      for (const [port, protocols] of [...byPort].sort(([a], [b]) => a - b)) {
        if (protocols.size < 2) continue;
        const names = [...protocols.values()].flat().sort();
        yield {
          resource: deployment,
          pointer: "/metadata/name",
          message:
            `Services ${names.join(", ")} select the pods of this Deployment and use port ${port} with different protocols ` +
            `(${[...protocols.keys()].sort().join(", ")}): Istio builds one inbound listener per pod port and cannot serve both. ` +
            `Give the port one protocol, or use different port numbers`,
        };
      }
    }
  },
};

export default rule;
