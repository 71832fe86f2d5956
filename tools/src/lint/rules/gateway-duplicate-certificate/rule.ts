import { gatewayModel, isSelectorSubset, type GatewayInfo } from "../../../mesh/gateways.js";
import type { LintRule } from "../../rule.js";

const rule: LintRule = {
  id: "gateway-duplicate-certificate",
  code: "IST0138",
  severity: "warning",
  summary: "Gateways served by the same pods do not use the same TLS certificate",
  appliesTo: ["Gateway"],
  reads: ["Gateway"],
  *check(index) {
    // Only Gateways that share a certificate can be reported: group servers by certificate first.
    const byCertificate = new Map<string, Set<GatewayInfo>>();
    for (const gateway of gatewayModel(index).gateways) {
      for (const server of gateway.servers) {
        const certificate = server.certificate;
        if (certificate === undefined) continue;
        const key = certificate.kind === "credential" ? `credential\u0000${certificate.name}` : `files\u0000${certificate.certificate}\u0000${certificate.privateKey}`;
        const group = byCertificate.get(key) ?? new Set();
        group.add(gateway);
        byCertificate.set(key, group);
      }
    }
    const reported = new Set<string>();
    for (const [key, group] of byCertificate) {
      if (group.size < 2) continue;
      const certificate = key.startsWith("credential\u0000") ? `credential ${key.split("\u0000")[1] ?? ""}` : `certificate file ${key.split("\u0000")[1] ?? ""}`;
      for (const gateway of group) {
        for (const other of group) {
          // As istioctl: a Gateway is compared with those whose selector includes all of its own labels (every Gateway when it has none).
          if (other === gateway || !isSelectorSubset(gateway.selector, other.selector)) continue;
          const pair = `${gateway.namespace}/${gateway.resource.name}\u0000${other.namespace}/${other.resource.name}`;
          if (reported.has(pair)) continue;
          reported.add(pair);
          yield {
            resource: gateway.resource,
            pointer: "/metadata/name",
            message:
              `Gateway ${other.namespace}/${other.resource.name}, on the same gateway pods, uses the same ${certificate}: ` +
              `browsers and HTTP/2 clients reuse a connection for every host the certificate covers, so requests for one ` +
              `Gateway's hosts can arrive on the other's server and get 404. Serve the hosts from one Gateway server, or give ` +
              `each Gateway its own certificate`,
          };
        }
      }
    }
  },
};

export default rule;
