import { ISTIO_ANNOTATION_NAMES, isAnnotationAnalyzedKind, isIstioDomain } from "../../../mesh/istio-annotations/istio-annotations.js";
import { pointerOf } from "../../../model/resource.js";
import { objectAt, stringMap } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";
import { unknownAnnotationMessage } from "../unknown-istio-annotation/rule.js";

const rule: LintRule = {
  id: "unknown-istio-annotation-on-config",
  severity: "warning",
  summary: "Annotations in Istio's domains (*.istio.io/) on Istio objects and other kinds are ones Istio defines",
  appliesTo: ["*"],
  reads: [],
  *check(index) {
    for (const resource of index.resources) {
      // Namespaces, Services, Pods and Deployments are unknown-istio-annotation's (IST0108).
      if (isAnnotationAnalyzedKind(resource.apiVersion, resource.kind)) continue;
      const annotations = stringMap(objectAt(resource.object, "metadata")["annotations"]);
      for (const key of Object.keys(annotations)) {
        if (!isIstioDomain(key) || ISTIO_ANNOTATION_NAMES.has(key)) continue;
        yield { resource, pointer: pointerOf("metadata", "annotations", key), message: unknownAnnotationMessage(key) };
      }
    }
  },
};

export default rule;
