import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";

/**
 * The live object cut down to the fields the rendered object sets, so that what the API server
 * adds (defaults, `status`, `managedFields`, `resourceVersion`, `uid`, annotations of kubectl
 * and Argo CD) does not count as drift, while a field the repository sets and the cluster lacks
 * or holds differently does:
 * - maps: only the rendered object's keys (a key the live object lacks stays absent);
 * - lists of objects with a `name` (ports, routes, subsets): items matched by name, each cut
 *   down to its rendered item; a live item the repository does not have is kept whole;
 * - other lists: item by item, live items beyond the rendered ones kept whole;
 * - anything else: the live value.
 */
export function projectLive(rendered: unknown, live: unknown): unknown {
  if (isJsonObject(rendered) && isJsonObject(live)) {
    const out: JsonObject = {};
    for (const key of Object.keys(rendered)) {
      if (key in live) out[key] = projectLive(rendered[key], live[key]);
    }
    return out;
  }
  if (Array.isArray(rendered) && Array.isArray(live)) {
    const renderedByName = itemsByName(rendered);
    const liveNamed = itemsByName(live) !== undefined;
    if (renderedByName !== undefined && liveNamed) {
      return live.map((item) => {
        const name = (item as JsonObject)["name"] as string;
        const counterpart = renderedByName.get(name);
        return counterpart === undefined ? item : projectLive(counterpart, item);
      });
    }
    return live.map((item, index) => (index < rendered.length ? projectLive(rendered[index], item) : item));
  }
  return live;
}

function itemsByName(list: readonly unknown[]): Map<string, unknown> | undefined {
  const byName = new Map<string, unknown>();
  for (const item of list) {
    const name = isJsonObject(item) ? item["name"] : undefined;
    if (typeof name !== "string" || byName.has(name)) return undefined;
    byName.set(name, item);
  }
  return byName.size > 0 ? byName : undefined;
}

/** A live object as a Resource, located at the rendered object's source for field changes. */
export function liveResource(rendered: Resource, live: JsonObject): Resource {
  return { ...rendered, object: projectLive(rendered.object, live) as JsonObject };
}

/** Argo CD's resource tracking: the label (before v3) or the annotation (v3 default). */
export const TRACKING_LABEL = "app.kubernetes.io/instance";
export const TRACKING_ANNOTATION = "argocd.argoproj.io/tracking-id";

export type Tracking = { by: "this-application" } | { by: "other-application"; application: string } | { by: "untracked" };

/** Which Argo CD Application (if any) manages a live object, by its tracking annotation or label. */
export function trackingOf(live: JsonObject, application: string | undefined): Tracking {
  const metadata = isJsonObject(live["metadata"]) ? live["metadata"] : {};
  const annotations = isJsonObject(metadata["annotations"]) ? metadata["annotations"] : {};
  const labels = isJsonObject(metadata["labels"]) ? metadata["labels"] : {};
  const trackingId = annotations[TRACKING_ANNOTATION];
  // `<app>:<group>/<kind>:<namespace>/<name>`, `<app-namespace>_<app>:…` for apps outside argocd.
  const fromAnnotation = typeof trackingId === "string" ? trackingId.split(":")[0] : undefined;
  const instance = labels[TRACKING_LABEL];
  const owner = fromAnnotation ?? (typeof instance === "string" ? instance : undefined);
  if (owner === undefined || owner === "") return { by: "untracked" };
  if (application !== undefined && (owner === application || owner.endsWith(`_${application}`))) return { by: "this-application" };
  return { by: "other-application", application: owner };
}

/** Objects the API server or a controller creates in every namespace, never extra. */
export function isClusterGenerated(live: JsonObject, kind: string): boolean {
  const metadata = isJsonObject(live["metadata"]) ? live["metadata"] : {};
  if (Array.isArray(metadata["ownerReferences"]) && metadata["ownerReferences"].length > 0) return true;
  const name = metadata["name"];
  if (kind === "ServiceAccount" && name === "default") return true;
  if (kind === "ConfigMap" && (name === "kube-root-ca.crt" || name === "istio-ca-root-cert")) return true;
  return false;
}
