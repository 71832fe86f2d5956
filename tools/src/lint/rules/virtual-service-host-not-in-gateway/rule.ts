import { gatewayHostsFor, isInternalGatewayReference } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import { hostsOverlap, namespaceOf, resolveHost } from "../../../mesh/hosts.js";
import { virtualServiceGateways, virtualServiceHosts } from "../../../mesh/virtual-service.js";
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
      // As istioctl, a Gateway the configuration does not have serves no host (virtual-service-gateway-not-found says
      // it is missing); internal Gateways generated for Kubernetes Gateways are virtual-service-internal-gateway-reference's.
      const bound = virtualServiceGateways(vs).flatMap((ref) => {
        if (ref.mesh || isInternalGatewayReference(ref.name)) return [];
        const gateway = index.gateway(ref.namespace, ref.name);
        return [{ ref, gateway, serves: gateway === undefined ? [] : gatewayHostsFor(gateway, namespace) }];
      });
      // As istioctl: a Gateway that serves none of the hosts. Gateways serving only some of them are
      // virtual-service-host-partly-in-gateway's (a check istioctl does not make).
      for (const { ref, gateway, serves } of bound) {
        if (hosts.some((host) => serves.some((g) => hostsOverlap(g, host)))) continue;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "gateways", ref.index),
          message:
            gateway === undefined
              ? `Gateway ${ref.namespace}/${ref.name} is not in the configuration, so no Gateway serves its hosts ` +
                `(${hosts.join(", ")}) and these routes are bound to nothing. Fix the gateway name, or add the Gateway`
              : `Gateway ${ref.namespace}/${ref.name} serves none of its hosts (${hosts.join(", ")}; the Gateway's servers take ` +
                `${serves.length > 0 ? serves.join(", ") : "no host from namespace " + namespace}), so that gateway ignores ` +
                `these routes. Add the host to a server of the Gateway, or fix the hosts`,
        };
      }
    }
  },
};

export default rule;
