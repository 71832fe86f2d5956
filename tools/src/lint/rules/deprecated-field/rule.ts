import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

/** The Istio RBAC kinds removed in 1.6 (replaced by AuthorizationPolicy); istioctl flags their CRDs. */
const REMOVED_RBAC_KINDS = new Set(["ClusterRbacConfig", "RbacConfig", "ServiceRole", "ServiceRoleBinding"]);

const rule: LintRule = {
  id: "deprecated-field",
  code: "IST0002",
  severity: "warning",
  summary: "No deprecated or ignored Istio field is set: fault.delay.percent, Sidecar egressProxy, the removed rbac.istio.io kinds",
  appliesTo: ["VirtualService", "Sidecar", "CustomResourceDefinition"],
  reads: ["VirtualService", "Sidecar", "CustomResourceDefinition"],
  *check(index) {
    // The fields and kinds istioctl's deprecation.FieldAnalyzer reports.
    for (const vs of index.istio("VirtualService")) {
      for (const [i, route] of arrayAt(objectAt(vs.object, "spec"), "http").entries()) {
        const percent = objectAt(objectAt(route, "fault"), "delay")["percent"];
        if (typeof percent !== "number" || percent <= 0) continue;
        yield {
          resource: vs,
          pointer: pointerOf("spec", "http", i, "fault", "delay", "percent"),
          message:
            `http[${i}].fault.delay.percent is deprecated: use fault.delay.percentage (value: ${percent}), which also ` +
            `takes fractions of a percent`,
        };
      }
    }
    for (const sidecar of index.istio("Sidecar")) {
      const policy = objectAt(objectAt(sidecar.object, "spec"), "outboundTrafficPolicy");
      if (!isJsonObject(policy["egressProxy"])) continue;
      yield {
        resource: sidecar,
        pointer: "/spec/outboundTrafficPolicy/egressProxy",
        message:
          `outboundTrafficPolicy.egressProxy is ignored by Istio: unknown hosts are not sent to that proxy. Route external ` +
          `traffic through an egress gateway (a ServiceEntry and a VirtualService) instead`,
      };
    }
    for (const crd of index.kind("CustomResourceDefinition")) {
      const spec = objectAt(crd.object, "spec");
      const kind = objectAt(spec, "names")["kind"];
      if (spec["group"] !== "rbac.istio.io" || typeof kind !== "string" || !REMOVED_RBAC_KINDS.has(kind)) continue;
      yield {
        resource: crd,
        pointer: "/spec/names/kind",
        message:
          `custom resource type rbac.istio.io ${kind} was removed from Istio (1.6): istiod ignores it, so its objects ` +
          `authorize nothing. Rewrite them as AuthorizationPolicies and delete the CRD`,
      };
    }
  },
};

export default rule;
