import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "deprecated-field",
  code: "IST0002",
  severity: "warning",
  summary: "No deprecated or ignored Istio field is set: VirtualService fault.delay.percent, Sidecar egressProxy",
  appliesTo: ["VirtualService", "Sidecar"],
  reads: ["VirtualService", "Sidecar"],
  *check(index) {
    // The fields istioctl's deprecation.FieldAnalyzer reports.
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
  },
};

export default rule;
