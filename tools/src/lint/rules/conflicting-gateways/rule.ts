import { gatewayModel, type GatewayInfo, type GatewayServer } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import type { MeshIndex } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-gateways",
  code: "IST0145",
  severity: "error",
  summary: "Gateways on the same pods do not declare the same host on the same port (and bind)",
  appliesTo: ["Gateway"],
  reads: ["Gateway", "Deployment", "Pod"],
  *check(index) {
    const model = gatewayModel(index);
    // As istioctl's ConflictingGatewayAnalyzer: per selector (as Kubernetes prints it) and port, the hosts and
    // bind of each Gateway's server on that port (the last one, when a Gateway has several on the port).
    const byKey = new Map<string, Map<GatewayInfo, GatewayServer>>();
    const selectors = new Map<string, GatewayInfo>();
    for (const gateway of model.gateways) {
      selectors.set(gateway.selectorText, gateway);
      for (const server of gateway.servers) {
        const key = `${gateway.selectorText}~${server.port ?? 0}`;
        const byGateway = byKey.get(key) ?? new Map<GatewayInfo, GatewayServer>();
        byGateway.set(gateway, server);
        byKey.set(key, byGateway);
      }
    }
    for (const gateway of model.gateways) {
      const sameSelectors = [...selectors.values()].filter((other) => sharesPods(index, model, gateway, other)).map((g) => g.selectorText);
      for (const server of gateway.servers) {
        const conflicts = new Set<string>();
        for (const selector of sameSelectors) {
          for (const [other, otherServer] of byKey.get(`${selector}~${server.port ?? 0}`) ?? []) {
            if (other === gateway) continue;
            if (server.hosts.some((host) => otherServer.hosts.includes(host) && otherServer.bind === server.bind)) {
              conflicts.add(`${other.namespace}/${other.resource.name}`);
            }
          }
        }
        if (conflicts.size === 0) continue;
        yield {
          resource: gateway.resource,
          pointer: pointerOf("spec", "servers", server.index),
          message:
            `servers[${server.index}] (port ${server.port ?? "?"}, hosts ${server.hosts.join(", ")}) conflicts with ` +
            `${conflicts.size > 1 ? "Gateways" : "Gateway"} ${[...conflicts].sort().join(", ")}: the same host on the same port of the same pods ` +
            `(selector ${gateway.selectorText === "" ? "(none: every pod)" : gateway.selectorText}): the gateway keeps one of the ` +
            `servers and the other's routes are not served. Merge the servers into one Gateway, or give them different hosts or ports`,
        };
      }
    }
  },
};

export default rule;

/**
 * Whether two Gateways' servers are compared: the same selector, or, as istioctl, selectors one of which
 * contains the other's text and a known pod that both select.
 */
function sharesPods(index: MeshIndex, model: ReturnType<typeof gatewayModel>, a: GatewayInfo, b: GatewayInfo): boolean {
  if (a.selectorText === b.selectorText) return true;
  if (!a.selectorText.includes(b.selectorText) && !b.selectorText.includes(a.selectorText)) return false;
  const podsOfB = new Set(model.podsOf(b));
  return index.workloads.length > 0 && model.podsOf(a).some((pod) => podsOfB.has(pod));
}
