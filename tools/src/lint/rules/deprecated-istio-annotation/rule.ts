import { analyzedAnnotations } from "../../../mesh/istio-annotations/istio-annotations.js";
import { pointerOf } from "../../../model/resource.js";
import { objectAt, stringMap } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const INJECT = "sidecar.istio.io/inject";

const rule: LintRule = {
  id: "deprecated-istio-annotation",
  code: "IST0135",
  severity: "info",
  summary: "No deprecated Istio annotation on Namespaces, Services, Pods and Deployments",
  appliesTo: ["Namespace", "Service", "Pod", "Deployment"],
  reads: [],
  *check(index) {
    for (const { resource, key, definition } of analyzedAnnotations(index)) {
      if (definition?.deprecated !== true) continue;
      // Both the annotation and its replacement label: kept on purpose for older proxies.
      if (key === INJECT && INJECT in stringMap(objectAt(resource.object, "metadata")["labels"])) continue;
      yield {
        resource,
        pointer: pointerOf("metadata", "annotations", key),
        message:
          key === INJECT
            ? `annotation "${key}" is deprecated in favor of the "${INJECT}" label and may not work in future Istio versions: use the label`
            : `annotation "${key}" is deprecated and may not work in future Istio versions: see Istio's annotation reference for its replacement`,
      };
    }
  },
};

export default rule;
