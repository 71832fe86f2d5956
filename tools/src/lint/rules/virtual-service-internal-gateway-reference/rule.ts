import { isInternalGatewayReference } from "../../../mesh/gateways.js";
import { pointerOf } from "../../../model/resource.js";
import { virtualServiceGateways } from "../../../mesh/virtual-service.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "virtual-service-internal-gateway-reference",
  code: "IST0165",
  severity: "warning",
  summary: "A VirtualService binds to Gateways users write, not to the internal ones Istio generates for Kubernetes Gateways",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      for (const ref of virtualServiceGateways(vs)) {
        if (ref.mesh || !isInternalGatewayReference(ref.name)) continue;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "gateways", ref.index),
          message:
            `gateways[${ref.index}] "${ref.ref}" is a Gateway Istio generates internally for a Kubernetes Gateway: its name ` +
            `and existence are implementation details that change without notice. Attach routes to the Kubernetes Gateway ` +
            `with an HTTPRoute, or bind to a networking.istio.io Gateway`,
        };
      }
    }
  },
};

export default rule;
