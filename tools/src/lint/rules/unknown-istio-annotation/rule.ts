import { pointerOf } from "../../../model/resource.js";
import { objectAt, stringMap } from "../../../mesh/fields.js";
import { closestName } from "../../messages.js";
import type { LintRule } from "../../rule.js";
import catalog from "./istio-annotations.json" with { type: "json" };

/** Every annotation Istio defines (istio.io/api, version in istio-annotations.json). */
export const ISTIO_ANNOTATIONS: ReadonlySet<string> = new Set(catalog.annotations.map((a) => a.name));

/** Istio's domain: `istio.io/...` and `<anything>.istio.io/...` (sidecar.istio.io, proxy.istio.io, ...). */
export function isIstioAnnotation(key: string): boolean {
  const slash = key.indexOf("/");
  if (slash === -1) return false;
  const domain = key.slice(0, slash);
  return domain === "istio.io" || domain.endsWith(".istio.io");
}

const rule: LintRule = {
  id: "unknown-istio-annotation",
  code: "IST0108",
  severity: "warning",
  summary: "Annotations in Istio's domains (*.istio.io/) are ones Istio defines",
  appliesTo: ["*"],
  reads: [],
  *check(index) {
    for (const resource of index.resources) {
      const annotations = stringMap(objectAt(resource.object, "metadata")["annotations"]);
      for (const key of Object.keys(annotations)) {
        if (!isIstioAnnotation(key) || ISTIO_ANNOTATIONS.has(key)) continue;
        const guess = closestName(key, ISTIO_ANNOTATIONS);
        yield {
          resource,
          pointer: pointerOf("metadata", "annotations", key),
          message:
            `annotation "${key}" is in Istio's domain but is not one Istio defines (${catalog.module}@${catalog.version}), ` +
            `so Istio ignores it. ${guess === undefined ? "Fix the name or remove it" : `Did you mean "${guess}"?`}`,
        };
      }
    }
  },
};

export default rule;
