import {
  ALWAYS_IGNORED_ANNOTATIONS,
  annotationValueProblem,
  isAnalyzedByIstioctl,
  isAnnotationAnalyzedKind,
  istioAnnotation,
} from "../../../mesh/istio-annotations/istio-annotations.js";
import { pointerOf } from "../../../model/resource.js";
import { objectAt, stringMap } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "invalid-istio-annotation",
  code: "IST0125",
  severity: "warning",
  summary: "Istio's injection annotations have values the sidecar injector accepts (ports, CIDRs, quantities, modes)",
  appliesTo: ["Namespace", "Service", "Pod", "Deployment"],
  reads: [],
  *check(index) {
    for (const resource of index.resources) {
      if (!isAnnotationAnalyzedKind(resource.apiVersion, resource.kind)) continue;
      for (const [key, value] of Object.entries(stringMap(objectAt(resource.object, "metadata")["annotations"]))) {
        if (!isAnalyzedByIstioctl(key) || ALWAYS_IGNORED_ANNOTATIONS.has(key)) continue;
        // As istioctl: only an annotation on a kind it belongs on (a misplaced one is misplaced-istio-annotation's).
        const definition = istioAnnotation(key);
        if (definition === undefined || definition.resources.includes("Any") || !definition.resources.includes(resource.kind)) continue;
        const problem = annotationValueProblem(key, value);
        if (problem === undefined) continue;
        yield {
          resource,
          pointer: pointerOf("metadata", "annotations", key),
          message: `annotation "${key}": ${problem}. The sidecar injector rejects the value, so the pod is not injected as intended. Fix the value`,
        };
      }
    }
  },
};

export default rule;
