import { gatewayHostsFor } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import { hostsOverlap, namespaceOf, resolveHost } from "../../../mesh/hosts.js";
import { virtualServiceGateways, virtualServiceHosts } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-host-partly-in-gateway",
  severity: "warning",
  summary: "Every host of a VirtualService bound to gateways only is served by one of its Gateways",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Gateway"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const refs = virtualServiceGateways(vs);
      // With `mesh` too, a host the gateways do not serve may be meant for the sidecars only.
      if (refs.length === 0 || refs.some((ref) => ref.mesh)) continue;
      const namespace = namespaceOf(vs);
      const hosts = virtualServiceHosts(vs).map((h) => resolveHost(h, namespace));
      // Gateways that exist (a missing one is virtual-service-gateway-not-found's finding).
      const bound = refs.flatMap((ref) => {
        const gateway = index.gateway(ref.namespace, ref.name);
        return gateway === undefined ? [] : [{ gateway, serves: gatewayHostsFor(gateway, namespace) }];
      });
      if (bound.length === 0) continue;
      const served = (host: string) => bound.some(({ serves }) => serves.some((g) => hostsOverlap(g, host)));
      // A VirtualService none of whose hosts is served is virtual-service-host-not-in-gateway's (IST0132).
      if (!hosts.some(served)) continue;
      for (const [i, host] of hosts.entries()) {
        if (served(host)) continue;
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
