import { gatewayHostsFor } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import { hostsOverlap, namespaceOf, resolveHost, virtualServiceGateways, virtualServiceHosts } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-host-not-in-gateway",
  code: "IST0132",
  severity: "warning",
  summary: "Each Gateway a VirtualService binds to serves at least one of its hosts",
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
      // As istioctl: a Gateway that serves none of the hosts. Gateways serving only some of them are
      // virtual-service-host-partly-in-gateway's (a check istioctl does not make).
      for (const { ref, gateway, serves } of bound) {
        if (hosts.some((host) => serves.some((g) => hostsOverlap(g, host)))) continue;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "gateways", ref.index),
          message:
            `Gateway ${namespaceOf(gateway)}/${gateway.name} serves none of its hosts (${hosts.join(", ")}; the ` +
            `Gateway's servers take ${serves.length > 0 ? serves.join(", ") : "no host from namespace " + namespace}), ` +
            `so that gateway ignores these routes. Add the host to a server of the Gateway, or fix the hosts`,
        };
      }
    }
  },
};

export default rule;
