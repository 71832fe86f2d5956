import { arrayAt, objectAt, pushTo, stringMap } from "./fields.js";
import { namespaceOf } from "./hosts.js";
import type { MeshIndex } from "./mesh-index.js";
import type { ServiceInfo } from "./service-registry.js";
import { isJsonObject, type Resource } from "../model/resource.js";

/**
 * The Deployments `istioctl analyze`'s deployment.MultiServiceAnalyzer looks at, with the Services that
 * select their pods: Deployments (apps/v1) in the mesh, except waypoints. In the mesh (analyzers/util
 * DeploymentInMesh): an `istio-proxy` container with an image, else the pod template's
 * `sidecar.istio.io/inject` label, else its annotation, else the namespace's `istio-injection: enabled`
 * label (when the input has the Namespace); otherwise not.
 */

export interface DeploymentServices {
  deployment: Resource;
  /** Services of the Deployment's namespace with a selector that the pod template's labels match. */
  services: ServiceInfo[];
}

const WAYPOINT_CONTROLLER = "istio.io-mesh-controller";

const cache = new WeakMap<MeshIndex, DeploymentServices[]>();

export function meshDeploymentsWithServices(index: MeshIndex): DeploymentServices[] {
  let found = cache.get(index);
  if (found === undefined) {
    found = computeDeploymentServices(index);
    cache.set(index, found);
  }
  return found;
}

function computeDeploymentServices(index: MeshIndex): DeploymentServices[] {
  // Services by the Deployments whose pod template they select, through the index's label posting lists.
  const servicesOf = new Map<Resource, ServiceInfo[]>();
  for (const service of index.servicesByHost.values()) {
    if (Object.keys(service.selector).length === 0) continue;
    for (const workload of index.workloadsMatching(service.namespace, service.selector)) {
      if (workload.source.kind !== "Deployment") continue;
      pushTo(servicesOf, workload.source, service);
    }
  }
  const namespaces = new Map(index.kind("Namespace").map((ns) => [ns.name, ns]));
  const result: DeploymentServices[] = [];
  for (const deployment of index.kind("Deployment")) {
    if (deployment.apiVersion !== "apps/v1") continue;
    if (stringMap(objectAt(deployment.object, "metadata")["labels"])["gateway.istio.io/managed"] === WAYPOINT_CONTROLLER) continue;
    if (!inMesh(deployment, namespaces.get(namespaceOf(deployment)))) continue;
    result.push({ deployment, services: servicesOf.get(deployment) ?? [] });
  }
  return result;
}

function inMesh(deployment: Resource, namespace: Resource | undefined): boolean {
  const template = objectAt(objectAt(deployment.object, "spec"), "template");
  const proxy = arrayAt(objectAt(template, "spec"), "containers").find((c) => isJsonObject(c) && c["name"] === "istio-proxy");
  const image = isJsonObject(proxy) ? proxy["image"] : undefined;
  if (typeof image === "string" && image !== "") return true;
  const metadata = objectAt(template, "metadata");
  for (const map of [stringMap(metadata["labels"]), stringMap(metadata["annotations"])]) {
    const inject = map["sidecar.istio.io/inject"];
    if (inject !== undefined) return inject === "true";
  }
  if (namespace !== undefined) return stringMap(objectAt(namespace.object, "metadata")["labels"])["istio-injection"] === "enabled";
  return false;
}
