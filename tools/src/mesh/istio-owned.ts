import { objectAt, stringMap } from "./fields.js";
import type { Resource } from "../model/resource.js";

/**
 * Objects `istioctl analyze` leaves alone because Istio made them: its control plane (a label `istio`,
 * or `release: istio`: analyzers/util IsIstioControlPlane), and what Istio's gateway controllers deploy
 * (label `gateway.istio.io/managed`).
 */

const MANAGED_GATEWAY_CONTROLLERS = new Set(["istio.io-gateway-controller", "istio.io-mesh-controller", "istio.io-eastwest-controller"]);

export function isIstioControlPlane(resource: Resource): boolean {
  const labels = stringMap(objectAt(resource.object, "metadata")["labels"]);
  return "istio" in labels || labels["release"] === "istio";
}

export function isManagedByIstioGatewayController(resource: Resource): boolean {
  const value = stringMap(objectAt(resource.object, "metadata")["labels"])["gateway.istio.io/managed"];
  return value !== undefined && MANAGED_GATEWAY_CONTROLLERS.has(value);
}
