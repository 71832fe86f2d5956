import { isIstioControlPlane, isManagedByIstioGatewayController } from "../../../mesh/istio-owned.js";
import { convertProtocol } from "../../../mesh/protocol.js";
import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "external-name-service-port-name",
  code: "IST0150",
  severity: "warning",
  summary: "Every port of an ExternalName Service declares a protocol Istio knows, other than a bare `tcp` name",
  appliesTo: ["Service"],
  reads: ["Service"],
  *check(index) {
    for (const service of index.kind("Service")) {
      if (service.apiVersion !== "v1" || isIstioControlPlane(service) || isManagedByIstioGatewayController(service)) continue;
      const spec = objectAt(service.object, "spec");
      if (spec["type"] !== "ExternalName") continue;
      for (const [i, port] of arrayAt(spec, "ports").entries()) {
        if (!isJsonObject(port)) continue;
        const name = typeof port["name"] === "string" ? port["name"] : undefined;
        const appProtocol = typeof port["appProtocol"] === "string" ? port["appProtocol"] : undefined;
        const protocol = typeof port["protocol"] === "string" ? port["protocol"] : undefined;
        const unsupported = convertProtocol({ port: Number(port["port"]), name, protocol, appProtocol }) === "Unsupported";
        if (!unsupported && name !== "tcp") continue;
        yield {
          resource: service,
          pointer: pointerOf("spec", "ports", i),
          message:
            `port ${String(port["port"])}${name === undefined ? "" : ` ("${name}")`} of ExternalName Service ${service.name} ` +
            `${unsupported ? "declares no protocol Istio knows" : 'is named "tcp"'}: for an ExternalName Service the proxy may ` +
            `not forward traffic on a port named "tcp" or one whose protocol it must sniff to ` +
            `${String(spec["externalName"] ?? "the external name")}. Name the port for its real protocol (http-..., https-..., ` +
            `tls-...), or set appProtocol`,
        };
      }
    }
  },
};

export default rule;
