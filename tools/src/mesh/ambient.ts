import { objectAt, stringMap } from "./fields.js";
import { podOf, type Workload } from "./workloads.js";
import type { Resource } from "../model/resource.js";

/**
 * Ambient mode as `istioctl analyze` tells it (analyzers/util/in_mesh.go): a pod is in ambient mode when
 * its `ambient.istio.io/redirection` annotation is `enabled` (the CNI sets it on enrolled pods); a
 * namespace when labelled `istio.io/dataplane-mode: ambient` without sidecar injection
 * (`istio-injection: enabled`) or a revision label (`istio.io/rev`).
 */

export const AMBIENT_REDIRECTION_ANNOTATION = "ambient.istio.io/redirection";
export const DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";

export function isAmbientWorkload(workload: Workload): boolean {
  return stringMap(podOf(workload)?.metadata["annotations"])[AMBIENT_REDIRECTION_ANNOTATION] === "enabled";
}

/** `namespace` is the Namespace object, when the input has it. */
export function isAmbientNamespace(namespace: Resource | undefined): boolean {
  if (namespace === undefined) return false;
  const labels = stringMap(objectAt(namespace.object, "metadata")["labels"]);
  if (labels["istio-injection"] === "enabled") return false;
  if ((labels["istio.io/rev"] ?? "") !== "") return false;
  return labels[DATAPLANE_MODE_LABEL] === "ambient";
}
