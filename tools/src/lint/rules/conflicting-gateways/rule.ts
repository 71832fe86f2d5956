import { pushTo } from "../../../mesh/fields.js";
import { gatewayModel, type GatewayInfo, type GatewayModel, type GatewayServer } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "conflicting-gateways",
  code: "IST0145",
  severity: "error",
  summary: "Gateways on the same pods do not declare the same host on the same port (and bind)",
  appliesTo: ["Gateway"],
  reads: ["Gateway", "Service", "Deployment", "Pod"],
  *check(index) {
    const model = gatewayModel(index);
    // As istioctl's ConflictingGatewayAnalyzer: each Gateway's server on a port (the last one, when it has several
    // on the port), indexed by port, bind and host, so that a server looks up only the Gateways that declare its
    // hosts; those on the same pods (see sharesPods) conflict with it.
    const lastServers = new Map<GatewayInfo, Map<number, GatewayServer>>();
    for (const gateway of model.gateways) {
      const byPort = new Map<number, GatewayServer>();
      for (const server of gateway.servers) byPort.set(server.port ?? 0, server);
      lastServers.set(gateway, byPort);
    }
    const byHost = new Map<string, GatewayInfo[]>();
    for (const [gateway, byPort] of lastServers) {
      for (const [port, server] of byPort) {
        for (const host of new Set(server.hosts)) {
          const key = `${port}~${server.bind}~${host}`;
          pushTo(byHost, key, gateway);
        }
      }
    }
    for (const gateway of model.gateways) {
      for (const server of gateway.servers) {
        const conflicts = new Set<string>();
        for (const host of server.hosts) {
          for (const other of byHost.get(`${server.port ?? 0}~${server.bind}~${host}`) ?? []) {
            if (other !== gateway && sharesPods(model, gateway, other)) conflicts.add(`${other.namespace}/${other.resource.name}`);
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
 * contains the other's text and a known pod that both select (see GatewayModel.podsOf).
 */
function sharesPods(model: GatewayModel, a: GatewayInfo, b: GatewayInfo): boolean {
  if (a.selectorText === b.selectorText) return true;
  if (!a.selectorText.includes(b.selectorText) && !b.selectorText.includes(a.selectorText)) return false;
  const podsOfB = new Set(model.podsOf(b));
  return model.podsOf(a).some((pod) => podsOfB.has(pod));
}
