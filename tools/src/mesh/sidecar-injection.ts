import { stringMap } from "./fields.js";
import { podOf, type Workload } from "./workloads.js";

/** Whether Istio's sidecar injector gives a workload's pods a sidecar (its injection webhooks, then the injector itself). */

export interface SidecarInjection {
  injected: boolean;
  /** Why, when that is not plain namespace injection: e.g. the namespace is not declared, so injection is assumed. */
  note: string | undefined;
}

const INJECT = "sidecar.istio.io/inject";
const REVISION = "istio.io/rev";
/** Namespaces Istio's injector never injects into. */
const NEVER_INJECTED_NAMESPACES = new Set(["kube-system", "kube-public"]);

/**
 * Whether Istio's sidecar injector injects the pods of a workload (default install, any revision
 * installed). The API server calls the injector when one of its webhooks matches:
 * - namespace label `istio-injection=enabled`, pod label `sidecar.istio.io/inject` not `"false"`;
 * - namespace label `istio.io/rev` (and no `istio-injection`), pod label not `"false"`;
 * - namespace without either label: pod label `sidecar.istio.io/inject: "true"` (and no pod
 *   `istio.io/rev`), or a pod `istio.io/rev` label and the inject label not `"false"`.
 * The injector then skips hostNetwork pods and kube-system/kube-public, and reads the pod's
 * `sidecar.istio.io/inject` label, or its annotation when the label is absent: `"false"` disables,
 * anything else keeps the default policy (inject). A namespace not declared in the configuration is
 * assumed to enable injection, and the result says so.
 */
export function sidecarOf(workload: Workload, namespaceLabels: ReadonlyMap<string, Record<string, string>>): SidecarInjection {
  const pod = podOf(workload);
  const labels = pod === undefined ? workload.labels : stringMap(pod.metadata["labels"]);
  const annotations = pod === undefined ? {} : stringMap(pod.metadata["annotations"]);
  const podLabel = labels[INJECT];
  if (NEVER_INJECTED_NAMESPACES.has(workload.namespace)) return { injected: false, note: `Istio never injects sidecars in ${workload.namespace}` };
  if (pod !== undefined && pod.spec["hostNetwork"] === true) return { injected: false, note: "the pods use hostNetwork: Istio does not inject them" };

  const ns = namespaceLabels.get(workload.namespace);
  let assumed: string | undefined;
  if (ns === undefined) {
    assumed = `Namespace ${workload.namespace} is not declared in the configuration: sidecar injection is assumed`;
    if (podLabel === "false") return { injected: false, note: `pod label ${INJECT}: "false"` };
  } else {
    const nsInjection = ns["istio-injection"];
    const nsRevision = ns[REVISION];
    let webhook: boolean;
    if (nsInjection !== undefined) webhook = nsInjection === "enabled" && podLabel !== "false";
    else if (nsRevision !== undefined) webhook = podLabel !== "false";
    else webhook = labels[REVISION] !== undefined ? podLabel !== "false" : podLabel === "true";
    if (!webhook) {
      const why =
        podLabel === "false"
          ? `pod label ${INJECT}: "false"`
          : nsInjection !== undefined
            ? `namespace ${workload.namespace} has istio-injection=${nsInjection}`
            : `namespace ${workload.namespace} has no istio-injection or ${REVISION} label and the pods no ${INJECT}: "true" label`;
      return { injected: false, note: `${why}: no sidecar is injected` };
    }
  }
  // The injector itself: the label wins over the annotation; only "false" disables.
  const selector = podLabel ?? annotations[INJECT];
  if (selector === "false") return { injected: false, note: `pod ${podLabel !== undefined ? "label" : "annotation"} ${INJECT}: "false"` };
  return { injected: true, note: assumed };
}

