import type { Resource } from "../../../model/resource.js";
import { pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { hostsOverlap, namespaceOf, resolveHost } from "../../../mesh/hosts.js";
import { virtualServiceGateways, virtualServiceHosts } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-host-not-in-gateway",
  code: "IST0132",
  severity: "warning",
  summary: "A gateway-bound VirtualService's hosts are served by the Gateways it binds to",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Gateway"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const namespace = namespaceOf(vs);
      const hosts = virtualServiceHosts(vs).map((h) => resolveHost(h, namespace));
      if (hosts.length === 0) continue;
      // Gateways that exist (a missing one is virtual-service-gateway-not-found's finding).
      const bound = virtualServiceGateways(vs).flatMap((ref) => {
        const gateway = ref.mesh ? undefined : index.gateway(ref.namespace, ref.name);
        return gateway === undefined ? [] : [{ ref, gateway, serves: gatewayHostsFor(gateway, namespace) }];
      });
      if (bound.length === 0) continue;
      let reportedGateway = false;
      for (const { ref, gateway, serves } of bound) {
        if (hosts.some((host) => serves.some((g) => hostsOverlap(g, host)))) continue;
        reportedGateway = true;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "gateways", ref.index),
          message:
            `Gateway ${namespaceOf(gateway)}/${gateway.name} serves none of its hosts (${hosts.join(", ")}; the ` +
            `Gateway's servers take ${serves.length > 0 ? serves.join(", ") : "no host from namespace " + namespace}), ` +
            `so that gateway ignores these routes. Add the host to a server of the Gateway, or fix the hosts`,
        };
      }
      // With `mesh` too, a host the gateways do not serve may be meant for the sidecars only.
      if (reportedGateway || virtualServiceGateways(vs).some((ref) => ref.mesh)) continue;
      for (const [i, host] of hosts.entries()) {
        if (bound.some(({ serves }) => serves.some((g) => hostsOverlap(g, host)))) continue;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "hosts", i),
          message:
            `host ${host} is served by none of its Gateways (${bound.map(({ gateway }) => `${namespaceOf(gateway)}/${gateway.name}`).join(", ")}), ` +
            `so no gateway routes it. Add it to a server of the Gateway, or remove it from the hosts`,
        };
      }
    }
  },
};

export default rule;

/**
 * The server hosts of a Gateway that VirtualServices of `namespace` may bind: `host`, `*\/host`, and
 * `ns/host` where ns is that namespace (`.` is the Gateway's own).
 */
function gatewayHostsFor(gateway: Resource, namespace: string): string[] {
  const result: string[] = [];
  for (const server of arrayAt(objectAt(gateway.object, "spec"), "servers")) {
    for (const entry of arrayAt(server, "hosts")) {
      if (typeof entry !== "string") continue;
      const slash = entry.indexOf("/");
      if (slash === -1) {
        result.push(entry);
        continue;
      }
      const scope = entry.slice(0, slash);
      const host = entry.slice(slash + 1);
      if (scope === "*" || scope === namespace || (scope === "." && namespaceOf(gateway) === namespace)) result.push(host);
    }
  }
  return [...new Set(result)];
}
