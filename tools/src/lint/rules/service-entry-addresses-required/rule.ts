import { isJsonObject, pointerOf } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "service-entry-addresses-required",
  code: "IST0134",
  severity: "warning",
  summary: "A ServiceEntry with a TCP port (or a port without protocol) has addresses",
  appliesTo: ["ServiceEntry"],
  reads: ["ServiceEntry"],
  *check(index) {
    for (const entry of index.istio("ServiceEntry")) {
      const spec = objectAt(entry.object, "spec");
      // An address allocated by istiod shows in the status; Istio then needs none in the spec.
      if (arrayAt(spec, "addresses").length > 0 || arrayAt(objectAt(entry.object, "status"), "addresses").length > 0) continue;
      for (const [i, port] of arrayAt(spec, "ports").entries()) {
        if (!isJsonObject(port)) continue;
        const protocol = port["protocol"];
        if (protocol !== undefined && (typeof protocol !== "string" || (protocol !== "" && protocol.toUpperCase() !== "TCP"))) continue;
        const number = port["number"];
        yield {
          resource: entry,
          pointer: pointerOf("spec", "ports", i),
          message:
            `port ${String(number)} is ${protocol === undefined || protocol === "" ? "without a protocol (so TCP)" : "TCP"} and the ` +
            `ServiceEntry has no addresses: TCP traffic is matched by destination IP and port, so with neither an address nor an ` +
            `IP allocated by istiod the sidecar cannot tell this service's traffic from any other on port ${String(number)}. ` +
            `Set spec.addresses, or declare the protocol (TLS, HTTPS, HTTP) when it is one Istio can route by host`,
        };
      }
    }
  },
};

export default rule;
