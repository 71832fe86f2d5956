import { isIstioControlPlane } from "../../../mesh/istio-owned.js";
import { isJsonObject, pointerOf, type JsonObject } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

/** The user ID Istio's sidecar runs as; its iptables rules let that user's traffic bypass the proxy. */
const PROXY_UID = 1337;
const ISTIO_CONTAINERS = new Set(["istio-proxy", "istio-operator"]);

const rule: LintRule = {
  id: "application-uid-reserved",
  code: "IST0144",
  severity: "warning",
  summary: "No application container of a Deployment or Pod runs as user 1337, the sidecar's",
  appliesTo: ["Deployment", "Pod"],
  reads: ["Deployment", "Pod"],
  *check(index) {
    const targets = [
      ...index.kind("Pod").filter((r) => r.apiVersion === "v1").map((r) => ({ resource: r, spec: objectAt(r.object, "spec"), path: ["spec"] })),
      ...index
        .kind("Deployment")
        .filter((r) => r.apiVersion === "apps/v1")
        .map((r) => ({ resource: r, spec: objectAt(objectAt(objectAt(r.object, "spec"), "template"), "spec"), path: ["spec", "template", "spec"] })),
    ];
    for (const { resource, spec, path } of targets) {
      if (isIstioControlPlane(resource)) continue;
      const pointer = firstReservedUid(spec, path);
      if (pointer === undefined) continue;
      yield {
        resource,
        pointer,
        message:
          `runs as user ${PROXY_UID}, the user ID reserved for Istio's sidecar: the sidecar's iptables rules let traffic of ` +
          `that user bypass the proxy, so this application's outbound traffic escapes mTLS, routing and policy. Run it as ` +
          `another user`,
      };
    }
  },
};

export default rule;

/** The pod-level runAsUser, then each non-Istio container's, that is 1337: the pointer of the first. */
function firstReservedUid(spec: JsonObject, path: readonly string[]): string | undefined {
  if (objectAt(spec, "securityContext")["runAsUser"] === PROXY_UID) return pointerOf(...path, "securityContext", "runAsUser");
  for (const [i, container] of arrayAt(spec, "containers").entries()) {
    if (!isJsonObject(container) || ISTIO_CONTAINERS.has(String(container["name"]))) continue;
    if (objectAt(container, "securityContext")["runAsUser"] === PROXY_UID) return pointerOf(...path, "containers", i, "securityContext", "runAsUser");
  }
  return undefined;
}
