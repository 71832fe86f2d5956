import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { isIstioControlPlane, isManagedByIstioGatewayController } from "../../../mesh/istio-owned.js";
import { convertProtocol } from "../../../mesh/protocol.js";
import type { LintRule } from "../../rule.js";

/** istioctl skips these (`IsSystemNamespace`). */
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]);

const rule: LintRule = {
  id: "service-port-protocol",
  code: "IST0118",
  severity: "info",
  summary: "Every Service port declares its protocol: a <protocol>[-suffix] name or an appProtocol",
  appliesTo: ["Service"],
  reads: ["Service"],
  *check(index) {
    for (const service of index.kind("Service")) {
      if (service.apiVersion !== "v1" || SYSTEM_NAMESPACES.has(namespaceOf(service))) continue;
      // Istio's own Services (control plane, gateways its controllers deploy) are not the user's to name.
      if (isIstioControlPlane(service) || isManagedByIstioGatewayController(service)) continue;
      const spec = objectAt(service.object, "spec");
      // external-name-service-port-name (IST0150) judges these.
      if (spec["type"] === "ExternalName") continue;
      for (const [i, port] of arrayAt(spec, "ports").entries()) {
        if (!isJsonObject(port) || port["protocol"] === "UDP") continue;
        const name = typeof port["name"] === "string" ? port["name"] : undefined;
        const appProtocol = typeof port["appProtocol"] === "string" ? port["appProtocol"] : undefined;
        // Istio's kube.ConvertProtocol, which also makes the well-known ports (SMTP, DNS, MySQL, MongoDB) TCP.
        if (convertProtocol({ port: Number(port["port"]), name, appProtocol }) !== "Unsupported") continue;
        const which = `port ${String(port["port"])}${name === undefined ? "" : ` ("${name}")`}`;
        yield {
          resource: service,
          pointer: pointerOf("spec", "ports", i, appProtocol !== undefined ? "appProtocol" : name !== undefined ? "name" : "port"),
          message:
            (appProtocol !== undefined
              ? `${which}: appProtocol "${appProtocol}" is no protocol Istio knows, and appProtocol takes precedence over the name`
              : `${which} declares no protocol: ${name === undefined ? "it has no name" : "its name does not follow <protocol>[-suffix]"} and it has no appProtocol`) +
            `, so Istio detects the protocol by sniffing the first bytes and handles the port as plain TCP when that ` +
            `fails (no HTTP routing, retries or HTTP authorization fields). ` +
            (appProtocol !== undefined
              ? `Set appProtocol to http, http2, https, grpc, tcp, tls (or another protocol Istio knows)`
              : `Name it <protocol>[-suffix] (e.g. http-${name ?? "web"}), or set appProtocol`),
        };
      }
    }
  },
};

export default rule;
