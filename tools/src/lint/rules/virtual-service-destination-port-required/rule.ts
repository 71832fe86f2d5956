import { isJsonObject } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf, resolveHost } from "../../../mesh/hosts.js";
import { MESH_GATEWAY, virtualServiceDestinations, virtualServiceGateways } from "../../../mesh/virtual-service.js";
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
      const spec = objectAt(vs.object, "spec");
      for (const destination of virtualServiceDestinations(vs)) {
        if (destination.port !== undefined) continue;
        const host = resolveHost(destination.host, namespace);
        const { visible, hidden } = index.lookupHost(host, namespace);
        const entry = visible[0] ?? hidden[0];
        if (entry === undefined) continue;
        const ports = [...new Set(entry.ports.map((p) => p.number))];
        if (ports.length < 2) continue;
        const where = /^\/spec\/(http|tcp|tls)\/(\d+)\//.exec(destination.pointer);
        const route = where === null ? undefined : arrayAt(spec, where[1] ?? "")[Number(where[2])];
        const gateways = routeGateways(vs, route).filter((g) => g !== MESH_GATEWAY);
        yield {
          resource: vs,
          pointer: destination.pointer,
          message:
            `${destination.label}: ${entry.host} has ${ports.length} ports (${ports.join(", ")}) and this destination names ` +
            `none; Istio requires the port when the host has more than one. ` +
            (gateways.length > 0
              ? `On gateway ${gateways.join(", ")} Istio uses the gateway's listener port (its server port, such as 80 or ` +
                `443) as the destination port, and when ${entry.host} has no such port the requests fail with 503 (no cluster). `
              : `For sidecars Istio uses the port the client called, so the route works only as long as callers use a port ` +
                `${entry.host} has. `) +
            `Set destination.port.number to the port this route is for`,
        };
      }
    }
  },
};

export default rule;

/**
 * The gateways a route of the VirtualService is built for (`mesh` = sidecars): the VirtualService's
 * `gateways` (none = mesh), narrowed to the match-level `gateways` when every match of the route names
 * some (istiod drops a match whose `gateways` do not include the proxy's gateway).
 */
function routeGateways(vs: Parameters<typeof virtualServiceGateways>[0], route: unknown): string[] {
  const bound = virtualServiceGateways(vs);
  const all = bound.length === 0 ? [MESH_GATEWAY] : bound.map((g) => (g.mesh ? MESH_GATEWAY : `${g.namespace}/${g.name}`));
  const matches = arrayAt(route, "match");
  if (matches.length === 0) return all;
  const named = new Set<string>();
  for (const match of matches) {
    const own = arrayAt(match, "gateways").filter((g): g is string => typeof g === "string");
    if (!isJsonObject(match) || own.length === 0) return all;
    for (const g of own) named.add(g === MESH_GATEWAY || g.includes("/") ? g : `${namespaceOf(vs)}/${g}`);
  }
  return all.filter((g) => named.has(g));
}
