import { meshDeploymentsWithServices } from "../../../mesh/deployment-services.js";
import type { LintRule } from "../../rule.js";
import { compareStrings } from "../../../util/compare-strings.js";

const rule: LintRule = {
  id: "deployment-service-target-port-conflict",
  code: "IST0137",
  severity: "warning",
  summary: "Services that select the same mesh Deployment reach a target port through one Service port number",
  appliesTo: ["Deployment"],
  reads: ["Deployment", "Service", "Namespace"],
  *check(index) {
    for (const { deployment, services } of meshDeploymentsWithServices(index)) {
      // Target port (a number or a name, as written; the port itself when unset) → Service port → Service.
      const byTarget = new Map<string, Map<number, string>>();
      for (const service of services) {
        for (const port of service.ports) {
          const target = String(port.targetPort === 0 || port.targetPort === "" ? port.port : port.targetPort);
          const ports = byTarget.get(target) ?? new Map<number, string>();
          ports.set(port.port, `${service.namespace}/${service.resource.name}`);
          byTarget.set(target, ports);
        }
      }
      for (const [target, ports] of [...byTarget].sort(([a], [b]) => compareStrings(a, b))) {
        if (ports.size < 2) continue;
        yield {
          resource: deployment,
          pointer: "/metadata/name",
          message:
            `Services ${[...new Set(ports.values())].sort().join(", ")} reach target port ${target} of this Deployment's pods ` +
            `through different Service ports (${[...ports.keys()].sort((a, b) => a - b).join(", ")}): Istio does not support one ` +
            `pod port behind several Service port numbers, and the pod port's inbound configuration (protocol, port-level ` +
            `settings) follows one of them. Use one Service port number for the target port`,
        };
      }
    }
  },
};

export default rule;
