import { analyzedAnnotations } from "../../../mesh/istio-annotations/istio-annotations.js";
import { pointerOf } from "../../../model/resource.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "misplaced-istio-annotation",
  code: "IST0107",
  severity: "warning",
  summary: "Istio annotations on Namespaces, Services, Pods and Deployments are on a kind Istio reads them from",
  appliesTo: ["Namespace", "Service", "Pod", "Deployment"],
  reads: [],
  *check(index) {
    for (const { resource, key, definition } of analyzedAnnotations(index)) {
      if (definition === undefined || definition.resources.includes("Any") || definition.resources.includes(resource.kind)) continue;
      const where = definition.resources.join(", ");
      const template = resource.kind === "Deployment" && definition.resources.includes("Pod");
      yield {
        resource,
        pointer: pointerOf("metadata", "annotations", key),
        message:
          `annotation "${key}" belongs on ${where || "no kind"}, not on a ${resource.kind}: Istio does not read it here. ` +
          (template ? `Move it to the pod template (spec.template.metadata.annotations)` : `Move it to the ${where} it is meant for`),
      };
    }
  },
};

export default rule;
