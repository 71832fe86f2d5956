import type { Resource } from "../../model/resource.js";
import { DRY_RUN_ANNOTATION as DRY_RUN, parseGoBool } from "../../mesh/dry-run.js";
import { FieldPath, obj, str, text, type Problems } from "./report.js";

/** Annotations istiod keeps for itself: any value makes the webhook reject the object (validateMetadata). */
const RESERVED_ANNOTATIONS: Readonly<Record<string, string>> = {
  "internal.istio.io/webhook-always-reject": "annotation found, rejecting",
  "internal.istio.io/parent-namespace": "annotation found, this may not be set by users",
  "internal.istio.io/parents": "annotation found, this may not be set by users",
};

/**
 * istiod validateMetadata: only ALLOW/DENY AuthorizationPolicies take `istio.io/dry-run`, with a Go
 * boolean; Istio's internal annotations are refused.
 */
export function checkMetadataAnnotations(resource: Resource, problems: Problems): void {
  const annotations = obj(obj(resource.object["metadata"])?.["annotations"]);
  for (const [name, message] of Object.entries(RESERVED_ANNOTATIONS)) {
    if (annotations !== undefined && Object.hasOwn(annotations, name)) {
      problems.error(FieldPath.root.at("metadata", "annotations").key(name), `'${name}' ${message}: it is Istio's own; remove it`);
    }
  }
  const value = str(annotations?.[DRY_RUN]);
  if (value === undefined) return;
  const at = FieldPath.root.at("metadata", "annotations").key(DRY_RUN);
  const where = `${resource.namespace ?? ""}/${resource.name}`;
  if (resource.kind !== "AuthorizationPolicy") {
    problems.error(at, `${where} has unsupported annotation ${DRY_RUN}, please remove the annotation (only AuthorizationPolicy supports dry-run)`);
    return;
  }
  const action = text(obj(resource.object["spec"]), "action") || "ALLOW";
  if (action !== "ALLOW" && action !== "DENY") {
    problems.error(at, `the annotation ${DRY_RUN} currently only supports action ALLOW/DENY, found action ${action} in ${where}`);
  } else if (parseGoBool(value) === undefined) {
    problems.error(at, `${where} has annotation ${DRY_RUN} with invalid value (${value}): use "true" or "false"`);
  }
}
