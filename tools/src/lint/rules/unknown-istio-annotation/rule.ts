import { ANNOTATION_CATALOG, ISTIO_ANNOTATION_NAMES, analyzedAnnotations } from "../../../mesh/istio-annotations/istio-annotations.js";
import { pointerOf } from "../../../model/resource.js";
import { closestName } from "../../messages.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "unknown-istio-annotation",
  code: "IST0108",
  severity: "warning",
  summary: "Istio annotations on Namespaces, Services, Pods and Deployments are ones Istio defines",
  appliesTo: ["Namespace", "Service", "Pod", "Deployment"],
  reads: [],
  *check(index) {
    for (const { resource, key, definition } of analyzedAnnotations(index)) {
      if (definition !== undefined) continue;
      yield { resource, pointer: pointerOf("metadata", "annotations", key), message: unknownAnnotationMessage(key) };
    }
  },
};

export default rule;

/** The message for an annotation in Istio's domains that Istio does not define, with the nearest defined name. */
export function unknownAnnotationMessage(key: string): string {
  const guess = closestName(key, ISTIO_ANNOTATION_NAMES);
  return (
    `annotation "${key}" is in Istio's domain but is not one Istio defines (${ANNOTATION_CATALOG.module}@${ANNOTATION_CATALOG.version}), ` +
    `so Istio ignores it. ${guess === undefined ? "Fix the name or remove it" : `Did you mean "${guess}"?`}`
  );
}
