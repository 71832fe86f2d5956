import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, namespaceOf, objectAt } from "../../mesh-index.js";
import type { LintRule } from "../../rule.js";

/** Protocols Istio recognises in a port name prefix or appProtocol (`protocol.Parse`), lower case. */
const PROTOCOLS = new Set(["http", "http2", "https", "grpc", "grpc-web", "http_proxy", "tcp", "tls", "udp", "mongo", "mysql", "redis"]);
/** Kubernetes' standard appProtocol values, which Istio maps to HTTP/2, HTTP and HTTPS. */
const KUBERNETES_APP_PROTOCOLS = new Set(["kubernetes.io/h2c", "kubernetes.io/ws", "kubernetes.io/wss"]);
/** Ports Istio treats as TCP when the name says nothing (`wellKnownPorts`): SMTP, DNS, MySQL, MongoDB. */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);
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
      const spec = objectAt(service.object, "spec");
      if (spec["type"] === "ExternalName") continue;
      for (const [i, port] of arrayAt(spec, "ports").entries()) {
        if (!isJsonObject(port) || port["protocol"] === "UDP") continue;
        const name = typeof port["name"] === "string" ? port["name"] : undefined;
        const appProtocol = typeof port["appProtocol"] === "string" ? port["appProtocol"] : undefined;
        if (declaresProtocol(appProtocol ?? name ?? "")) continue;
        if (WELL_KNOWN_TCP_PORTS.has(Number(port["port"]))) continue;
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

function declaresProtocol(nameOrAppProtocol: string): boolean {
  const value = nameOrAppProtocol.toLowerCase();
  if (KUBERNETES_APP_PROTOCOLS.has(value) || value.startsWith("grpc-web")) return true;
  const dash = value.indexOf("-");
  return PROTOCOLS.has(dash === -1 ? value : value.slice(0, dash));
}
