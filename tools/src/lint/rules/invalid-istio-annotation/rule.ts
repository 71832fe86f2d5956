import { analyzedAnnotations, annotationValueProblem } from "../../../mesh/istio-annotations/istio-annotations.js";
import { pointerOf } from "../../../model/resource.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "invalid-istio-annotation",
  code: "IST0125",
  severity: "warning",
  summary: "Istio's injection annotations have values the sidecar injector accepts (ports, CIDRs, quantities, modes)",
  appliesTo: ["Namespace", "Service", "Pod", "Deployment"],
  reads: [],
  *check(index) {
    for (const { resource, key, value, definition } of analyzedAnnotations(index)) {
      // As istioctl: only an annotation on a kind it belongs on (a misplaced one is misplaced-istio-annotation's).
      if (definition === undefined || definition.resources.includes("Any") || !definition.resources.includes(resource.kind)) continue;
      const problem = annotationValueProblem(key, value);
      if (problem === undefined) continue;
      yield {
        resource,
        pointer: pointerOf("metadata", "annotations", key),
        message: `annotation "${key}": ${problem}. The sidecar injector rejects the value, so the pod is not injected as intended. Fix the value`,
      };
    }
  },
};

export default rule;
