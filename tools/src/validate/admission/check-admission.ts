import { apiGroupOf, type Resource } from "../../model/resource.js";
import { checkAuthorizationPolicy } from "./authorization-policy.js";
import { checkDestinationRule } from "./destination-rule.js";
import { checkEnvoyFilter } from "./envoy-filter.js";
import { checkTrafficExtension, checkWasmPlugin } from "./extensions.js";
import { checkGateway } from "./gateway.js";
import { checkMetadataAnnotations } from "./metadata.js";
import { checkPeerAuthentication } from "./peer-authentication.js";
import { checkProxyConfig } from "./proxy-config.js";
import { Problems, type AdmissionProblem } from "./report.js";
import { checkRequestAuthentication } from "./request-authentication.js";
import { checkServiceEntry } from "./service-entry.js";
import { checkSidecar } from "./sidecar.js";
import { checkTelemetry } from "./telemetry.js";
import { checkVirtualService } from "./virtual-service.js";
import { checkWorkloadEntry, checkWorkloadGroup } from "./workload-entry.js";

export type { AdmissionProblem } from "./report.js";

/** Starts the message of the problem reported when a check throws (a bug in mesh-policy, not in the object). */
export const INTERNAL_FAILURE = "admission checks stopped early";

type Check = (resource: Resource, problems: Problems) => void;

/** The admission checks of each Istio kind, by API group then kind. */
const CHECKS: Readonly<Record<string, Readonly<Record<string, Check>>>> = {
  "networking.istio.io": {
    VirtualService: checkVirtualService,
    DestinationRule: checkDestinationRule,
    Gateway: checkGateway,
    ServiceEntry: checkServiceEntry,
    Sidecar: checkSidecar,
    EnvoyFilter: checkEnvoyFilter,
    WorkloadEntry: checkWorkloadEntry,
    WorkloadGroup: checkWorkloadGroup,
    ProxyConfig: checkProxyConfig,
  },
  "security.istio.io": {
    AuthorizationPolicy: checkAuthorizationPolicy,
    PeerAuthentication: checkPeerAuthentication,
    RequestAuthentication: checkRequestAuthentication,
  },
  "telemetry.istio.io": {
    Telemetry: checkTelemetry,
  },
  "extensions.istio.io": {
    WasmPlugin: checkWasmPlugin,
    TrafficExtension: checkTrafficExtension,
  },
};

/**
 * What Istio checks when the object is applied, beyond its JSON schema: the CRDs' CEL rules
 * (x-kubernetes-validations) and istiod's validating webhook (pkg/config/validation). Errors are what
 * the API server or the webhook rejects; warnings are what the webhook accepts but warns about.
 * Kinds this module does not know get no problems. Never throws: a check that throws is a bug in
 * mesh-policy, reported as an error (so the run fails and the bug is seen) rather than hidden.
 */
export function checkAdmission(resource: Resource): AdmissionProblem[] {
  const check = CHECKS[apiGroupOf(resource.apiVersion)]?.[resource.kind];
  if (check === undefined) return [];
  const problems = new Problems();
  try {
    checkMetadataAnnotations(resource, problems);
    // istiod decodes an absent or null spec as the empty message, and validates that.
    const spec = resource.object["spec"];
    check(spec === undefined || spec === null ? { ...resource, object: { ...resource.object, spec: {} } } : resource, problems);
  } catch (error) {
    problems.list.push({
      pointer: "",
      severity: "error",
      message:
        `${INTERNAL_FAILURE} on this ${resource.kind}: internal error in mesh-policy ` +
        `(${error instanceof Error ? error.message : String(error)}). This is a bug in mesh-policy, not in the object: ` +
        `please report it with this ${resource.kind}. The problems above may be incomplete`,
    });
  }
  return problems.list;
}
