import { pushTo } from "../../../mesh/fields.js";
import { gatewayModel } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import { labelsMatch } from "../../../mesh/selector.js";
import type { ServiceInfo } from "../../../mesh/service-registry.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "gateway-port-not-on-service",
  code: "IST0162",
  severity: "warning",
  summary: "Every Gateway server port is a port (or target port) of a Service in front of the gateway pods",
  appliesTo: ["Gateway"],
  reads: ["Gateway", "Service", "Deployment", "Pod"],
  *check(index) {
    const model = gatewayModel(index);
    const servicesByNamespace = new Map<string, ServiceInfo[]>();
    for (const service of index.servicesByHost.values()) {
      pushTo(servicesByNamespace, service.namespace, service);
    }
    for (const gateway of model.gateways) {
      // Where the input describes no gateway pod (they are installed elsewhere), there is nothing to compare with.
      const pods = model.podsOf(gateway);
      if (pods.length === 0) continue;
      // As istioctl's IngressGatewayPortAnalyzer: the TCP ports of the Services (of the pods' namespaces) that
      // select the pods, as target ports (the port itself when the target port is named) and as Service ports.
      const reachable = new Set<number>();
      const services = new Set<string>();
      for (const pod of pods) {
        for (const service of servicesByNamespace.get(pod.namespace) ?? []) {
          if (!labelsMatch(service.selector, pod.labels)) continue;
          services.add(`${service.namespace}/${service.resource.name}`);
          for (const port of service.ports) {
            if ((port.protocol ?? "TCP").toUpperCase() !== "TCP") continue;
            reachable.add(port.port);
            if (typeof port.targetPort === "number" && Number.isFinite(port.targetPort) && port.targetPort !== 0) reachable.add(port.targetPort);
          }
        }
      }
      for (const server of gateway.servers) {
        if (server.port === undefined || reachable.has(server.port)) continue;
        yield {
          resource: gateway.resource,
          pointer: pointerOf("spec", "servers", server.index, "port", "number"),
          message:
            `servers[${server.index}] listens on port ${server.port}, which no Service in front of the gateway pods ` +
            `(selector ${gateway.selectorText === "" ? "(none)" : gateway.selectorText}${services.size > 0 ? `; Services ${[...services].sort().join(", ")}` : "; no Service selects them"}) ` +
            `exposes as a port or target port, so clients cannot reach this server through a Service. Add the port to the ` +
            `gateway's Service (targetPort ${server.port}), or use a port the Service targets`,
        };
      }
    }
  },
};

export default rule;
