import { apiGroupOf } from "../../../model/resource.js";
import type { LintRule } from "../../rule.js";

/**
 * The Istio kinds served as `<group>/v1` (since Istio 1.22), by API group: every kind of
 * tools/schemas/index.json with a v1 version (istio.io/api v1.31.4 CRDs). EnvoyFilter (v1alpha3),
 * ProxyConfig (v1beta1), WasmPlugin and TrafficExtension (v1alpha1) have no v1 and are not listed.
 * rule.test.ts checks this table against the schema catalog.
 */
export const V1_KINDS: Readonly<Record<string, readonly string[]>> = {
  "networking.istio.io": ["DestinationRule", "Gateway", "ServiceEntry", "Sidecar", "VirtualService", "WorkloadEntry", "WorkloadGroup"],
  "security.istio.io": ["AuthorizationPolicy", "PeerAuthentication", "RequestAuthentication"],
  "telemetry.istio.io": ["Telemetry"],
};

const rule: LintRule = {
  id: "deprecated-api-version",
  severity: "info",
  summary: "Istio objects use the v1 API version where Istio serves one",
  appliesTo: Object.values(V1_KINDS).flat(),
  reads: Object.values(V1_KINDS).flat(),
  *check(index) {
    for (const resource of index.resources) {
      const group = apiGroupOf(resource.apiVersion);
      if (!V1_KINDS[group]?.includes(resource.kind)) continue;
      const current = `${group}/v1`;
      if (resource.apiVersion === current) continue;
      yield {
        resource,
        pointer: "/apiVersion",
        message:
          `${resource.apiVersion} is an older version of ${resource.kind}: Istio serves it as ${current} since 1.22, ` +
          `with the same schema, and encourages moving to v1. ` +
          `Write apiVersion: ${current}`,
      };
    }
  },
};

export default rule;
