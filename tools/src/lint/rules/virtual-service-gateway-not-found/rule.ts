import { isInternalGatewayReference } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { virtualServiceGateways } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-gateway-not-found",
  code: "IST0101",
  severity: "error",
  summary: "Every Gateway a VirtualService binds to exists",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService", "Gateway"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const namespace = namespaceOf(vs);
      for (const gateway of virtualServiceGateways(vs)) {
        if (gateway.mesh || index.gateway(gateway.namespace, gateway.name) !== undefined) continue;
        // An internal Gateway generated for a Kubernetes Gateway is virtual-service-internal-gateway-reference's (IST0165).
        if (isInternalGatewayReference(gateway.name)) continue;
        // A Gateway of another namespace (the shared ingress) may be installed from elsewhere.
        const local = gateway.namespace === namespace;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "gateways", gateway.index),
          message:
            `gateway "${gateway.ref}" names no Gateway (looked for ${gateway.namespace}/${gateway.name}), so these ` +
            `routes are bound to no gateway proxy. ` +
            (local
              ? `Fix the name (a name without "namespace/" is a Gateway in namespace ${namespace}), or add the Gateway`
              : `Fix the name, or make sure the Gateway is installed in namespace ${gateway.namespace}`),
          ...(local ? {} : { severity: "warning" as const }),
        };
      }
    }
  },
};

export default rule;
