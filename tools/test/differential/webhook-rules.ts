import { apiGroupOf, type Resource } from "../../src/model/resource.js";

/**
 * istiod's validating webhook (`pkg/webhooks/validation/server/server.go`, istio.io/istio 1.31)
 * rejects, beyond what the API server checks with the CRD: it decodes the object into its
 * protobuf type (`crd.ConvertObject`), then runs the kind's validation function
 * (`pkg/config/validation`). Each entry names the istiod function that returns the error, the
 * file it is in, and matches validate's message for the same problem. The differential suite
 * requires one for every rejection of validate that the API server alone does not make.
 */
interface WebhookRule {
  /** The istiod function that returns the error. */
  function: string;
  /** Its file in istio.io/istio. */
  file: string;
  /** Istio's error text (or what it says). */
  says: string;
  /** validate's message for the same problem. */
  match: RegExp;
  /** A schema error (not an admission check) that only the webhook's decoding enforces. */
  schema?: boolean;
}

const VALIDATION = "pkg/config/validation/validation.go";
const AGENT = "pkg/config/validation/agent/validation.go";
const SECURITY = "pkg/config/security/security.go";

export const WEBHOOK_RULES: readonly WebhookRule[] = [
  {
    function: "crd.ConvertObject",
    file: "pilot/pkg/config/kube/crd/conversion.go",
    says: "error decoding configuration: a number outside its protobuf field's 32-bit range does not decode (the CRD's `format: int32` is not enforced by the API server)",
    match: /must match format "int32"$/,
    schema: true,
  },
  { function: "ValidateDestinationRule", file: VALIDATION, says: "duplicate subset names: %s", match: /duplicate subset names/ },
  { function: "ValidateSidecar", file: VALIDATION, says: "sidecar: the egress listener with empty port should be the last listener in the list", match: /egress listener with empty port should be the last/ },
  { function: "ValidatePort", file: AGENT, says: "port number %d must be in the range 1..65535", match: /port number -?\d+ must be in the range 1\.\.65535/ },
  { function: "validateHTTPRetry", file: VALIDATION, says: "http retry policy configured when attempts are set to 0 (disabled)", match: /http retry policy configured when attempts are set to 0/ },
  { function: "validateHTTPRetry", file: VALIDATION, says: "attempts cannot be negative", match: /attempts cannot be negative/ },
  { function: "validateHTTPRetry", file: VALIDATION, says: "%q is not a valid retryOn policy", match: /is not a valid retryOn policy/ },
  { function: "CheckEmptyValues", file: SECURITY, says: "empty value not allowed, found in %s", match: /empty value not allowed/ },
  { function: "ValidateAuthorizationPolicy", file: VALIDATION, says: "`from.source` / `to.operation` must not be nil (or empty), found at rule %d", match: /`(from\.source|to\.operation|from|to|rule)` must not be (nil|empty)/ },
  { function: "ValidateVirtualService", file: VALIDATION, says: "duplicate hosts in virtual service: %s & %s", match: /duplicate hosts in virtual service/ },
  { function: "ValidateVirtualService", file: VALIDATION, says: "http, tcp or tls must be provided in virtual service", match: /http, tcp or tls must be provided in virtual service/ },
  { function: "validateServerPort", file: VALIDATION, says: "invalid protocol %q, supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP", match: /invalid protocol .*supported protocols are/ },
  { function: "ValidateGateway", file: VALIDATION, says: "port names in servers must be unique: duplicate name %s", match: /port names in servers must be unique/ },
  { function: "validateSidecarOrGatewayHostnamePart", file: AGENT, says: "short names (non FQDN) are not allowed", match: /short names \(non FQDN\) are not allowed/ },
  { function: "validateWeight", file: VALIDATION, says: "weight %d < 0", match: /weight -?\d+ < 0/ },
  { function: "validateHTTPRouteDestinations", file: VALIDATION, says: "total destination weight = 0", match: /total destination weight = 0/ },
  { function: "validateConnectionPool", file: VALIDATION, says: "http1 max pending requests / http2 max requests / ... must be non-negative", match: /must be non-negative/ },
  { function: "validateEnvoyFilter", file: "pkg/config/validation/envoyfilter/envoyfilter.go", says: "Envoy filter: missing applyTo / missing patch / missing patch operation / filter match has no name to match on", match: /Envoy filter: (missing applyTo|missing patch$|missing patch operation|(sub)?filter match has no name to match on)/ },
  { function: "ValidateServiceEntry", file: VALIDATION, says: "multiple hosts provided with non-HTTP, non-TLS ports", match: /multiple hosts provided with non-HTTP, non-TLS ports/ },
  { function: "ValidatePercent", file: VALIDATION, says: "percentage %v is not in range 0..100", match: /percentage -?[\d.e+]+ is not in range 0\.\.100/ },
  { function: "ValidateProtocol", file: VALIDATION, says: "unsupported protocol: %s", match: /unsupported protocol/ },
  { function: "validateExportTo", file: VALIDATION, says: "duplicate entries in exportTo", match: /duplicate entries in exportTo/ },
  { function: "validateHTTPRouteConflict", file: "pkg/config/validation/virtualservice.go", says: "HTTP route, redirect or direct_response is required", match: /HTTP route, redirect or direct_response is required/ },
  { function: "ValidatePorts", file: SECURITY, says: "bad port (%s): %v", match: /bad port \(/ },
  { function: "ValidateVirtualService", file: VALIDATION, says: "delegate virtual service must have no gateways specified", match: /delegate virtual service must have no gateways specified/ },
  { function: "validateEnvoyFilter", file: "pkg/config/validation/envoyfilter/envoyfilter.go", says: "Envoy filter: missing patch value for non-remove operation", match: /Envoy filter: missing patch value for non-remove operation/ },
  { function: "validateReadinessProbe", file: VALIDATION, says: "unknown health check method %T", match: /unknown health check method/ },
  { function: "validateTLSOptions", file: VALIDATION, says: "%s requires a server certificate / %s requires a private key", match: /requires a (server certificate|private key)/ },
  { function: "validateServer", file: VALIDATION, says: "server must have TLS settings for HTTPS/TLS protocols", match: /server must have TLS settings for HTTPS\/TLS protocols/ },
  { function: "ValidateGateway", file: VALIDATION, says: "gateway must have at least one server", match: /gateway must have at least one server/ },
  { function: "validateTagKey", file: "pkg/config/labels/instance.go", says: "invalid tag key: %q", match: /invalid tag key/ },
  { function: "ValidatePartialWildCard", file: AGENT, says: "partial wildcard %q not allowed", match: /partial wildcard .* not allowed/ },
  { function: "ValidateSidecar", file: VALIDATION, says: "sidecar: empty configuration provided", match: /sidecar: empty configuration provided/ },
  { function: "checkDNS1123Preconditions (through ValidateWildcardDomain)", file: AGENT, says: "empty domain name not allowed", match: /empty domain name not allowed/ },
];

/** The istiod rule that justifies validate's problem on this object, as `function (file): says`; undefined when none does. */
export function justification(resource: Resource, message: string, options: { fromSchema: boolean }): string | undefined {
  if (!apiGroupOf(resource.apiVersion).endsWith("istio.io")) return undefined;
  const rule = WEBHOOK_RULES.find((r) => (r.schema === true) === options.fromSchema && r.match.test(message));
  return rule === undefined ? undefined : `${rule.function} (${rule.file}): ${rule.says}`;
}
