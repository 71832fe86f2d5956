import type { LintRule } from "./rule.js";
import allowPolicyAllowsEverything from "./rules/allow-policy-allows-everything/rule.js";
import allowPolicyWithoutSelector from "./rules/allow-policy-without-selector/rule.js";
import applicationUidReserved from "./rules/application-uid-reserved/rule.js";
import authorizationHostWithoutPort from "./rules/authorization-host-without-port/rule.js";
import authorizationMethodCase from "./rules/authorization-method-case/rule.js";
import authorizationNamespaceNotFound from "./rules/authorization-namespace-not-found/rule.js";
import authorizationPolicySelectorMatchesNoWorkload from "./rules/authorization-policy-selector-matches-no-workload/rule.js";
import authorizationPortIsServicePort from "./rules/authorization-port-is-service-port/rule.js";
import conflictingDestinationRules from "./rules/conflicting-destination-rules/rule.js";
import conflictingGateways from "./rules/conflicting-gateways/rule.js";
import conflictingServiceEntryProtocols from "./rules/conflicting-service-entry-protocols/rule.js";
import conflictingSidecarSelectors from "./rules/conflicting-sidecar-selectors/rule.js";
import conflictingTelemetrySelectors from "./rules/conflicting-telemetry-selectors/rule.js";
import conflictingVirtualServiceHosts from "./rules/conflicting-virtual-service-hosts/rule.js";
import denyByDefaultMissing from "./rules/deny-by-default-missing/rule.js";
import deploymentServiceProtocolConflict from "./rules/deployment-service-protocol-conflict/rule.js";
import deploymentServiceTargetPortConflict from "./rules/deployment-service-target-port-conflict/rule.js";
import deprecatedApiVersion from "./rules/deprecated-api-version/rule.js";
import deprecatedField from "./rules/deprecated-field/rule.js";
import deprecatedIstioAnnotation from "./rules/deprecated-istio-annotation/rule.js";
import destinationRuleDisablesTlsUnderStrict from "./rules/destination-rule-disables-tls-under-strict/rule.js";
import destinationRuleHostNotFound from "./rules/destination-rule-host-not-found/rule.js";
import destinationRulePortTlsWithoutCaCertificates from "./rules/destination-rule-port-tls-without-ca-certificates/rule.js";
import destinationRuleSubsetSelectsNoPods from "./rules/destination-rule-subset-selects-no-pods/rule.js";
import destinationRuleTlsWithoutCaCertificates from "./rules/destination-rule-tls-without-ca-certificates/rule.js";
import duplicateNamespaceWidePolicy from "./rules/duplicate-namespace-wide-policy/rule.js";
import duplicateNamespaceWideSidecar from "./rules/duplicate-namespace-wide-sidecar/rule.js";
import duplicateNamespaceWideTelemetry from "./rules/duplicate-namespace-wide-telemetry/rule.js";
import envoyFilterAddIgnored from "./rules/envoy-filter-add-ignored/rule.js";
import envoyFilterRelativePatchWithProxyVersion from "./rules/envoy-filter-relative-patch-with-proxy-version/rule.js";
import envoyFilterRelativePatchWithoutPriority from "./rules/envoy-filter-relative-patch-without-priority/rule.js";
import envoyFilterRemoveIgnored from "./rules/envoy-filter-remove-ignored/rule.js";
import envoyFilterReplaceUnsupported from "./rules/envoy-filter-replace-unsupported/rule.js";
import externalControlPlaneWebhookAddress from "./rules/external-control-plane-webhook-address/rule.js";
import externalControlPlaneWebhookIpAddress from "./rules/external-control-plane-webhook-ip-address/rule.js";
import externalNameServicePortName from "./rules/external-name-service-port-name/rule.js";
import gatewayApiCrdVersionBelowMinimum from "./rules/gateway-api-crd-version-below-minimum/rule.js";
import gatewayCredentialInvalid from "./rules/gateway-credential-invalid/rule.js";
import gatewayDuplicateCertificate from "./rules/gateway-duplicate-certificate/rule.js";
import gatewayPortNotOnService from "./rules/gateway-port-not-on-service/rule.js";
import gatewayRouteSkipsSubsetRouting from "./rules/gateway-route-skips-subset-routing/rule.js";
import httpFieldsOnTcpPort from "./rules/http-fields-on-tcp-port/rule.js";
import identityWithoutStrictMtls from "./rules/identity-without-strict-mtls/rule.js";
import ineffectiveSelectorOnKubernetesGateway from "./rules/ineffective-selector-on-kubernetes-gateway/rule.js";
import injectionWebhookConflict from "./rules/injection-webhook-conflict/rule.js";
import invalidIstioAnnotation from "./rules/invalid-istio-annotation/rule.js";
import jwksFetchUnrestricted from "./rules/jwks-fetch-unrestricted/rule.js";
import jwtClaimRoutingWithoutRequestAuthentication from "./rules/jwt-claim-routing-without-request-authentication/rule.js";
import localRateLimitNotEnforced from "./rules/local-rate-limit-not-enforced/rule.js";
import misplacedIstioAnnotation from "./rules/misplaced-istio-annotation/rule.js";
import peerAuthenticationPortIsServicePort from "./rules/peer-authentication-port-is-service-port/rule.js";
import permissiveMtlsInProd from "./rules/permissive-mtls-in-prod/rule.js";
import principalServiceAccountNotFound from "./rules/principal-service-account-not-found/rule.js";
import requestAuthenticationWithoutRequirement from "./rules/request-authentication-without-requirement/rule.js";
import retriesExceedTimeout from "./rules/retries-exceed-timeout/rule.js";
import rootNamespacePeerAuthenticationSelector from "./rules/root-namespace-peer-authentication-selector/rule.js";
import selectorMatchesNoWorkload from "./rules/selector-matches-no-workload/rule.js";
import serviceEntryAddressesRequired from "./rules/service-entry-addresses-required/rule.js";
import servicePortProtocol from "./rules/service-port-protocol/rule.js";
import sidecarEgressHostNotFound from "./rules/sidecar-egress-host-not-found/rule.js";
import sidecarInAmbientMode from "./rules/sidecar-in-ambient-mode/rule.js";
import sidecarSelectorMatchesNoWorkload from "./rules/sidecar-selector-matches-no-workload/rule.js";
import splitFromToRules from "./rules/split-from-to-rules/rule.js";
import strictMtlsMissing from "./rules/strict-mtls-missing/rule.js";
import telemetryAccessLoggingWithoutProvider from "./rules/telemetry-access-logging-without-provider/rule.js";
import telemetrySelectorMatchesNoWorkload from "./rules/telemetry-selector-matches-no-workload/rule.js";
import unknownInstallProfile from "./rules/unknown-install-profile/rule.js";
import unknownIstioAnnotation from "./rules/unknown-istio-annotation/rule.js";
import unknownIstioAnnotationOnConfig from "./rules/unknown-istio-annotation-on-config/rule.js";
import unknownIstioMetric from "./rules/unknown-istio-metric/rule.js";
import virtualServiceCatchAll from "./rules/virtual-service-catch-all/rule.js";
import virtualServiceDestinationHostNotFound from "./rules/virtual-service-destination-host-not-found/rule.js";
import virtualServiceDestinationPortNotExposed from "./rules/virtual-service-destination-port-not-exposed/rule.js";
import virtualServiceDestinationPortRequired from "./rules/virtual-service-destination-port-required/rule.js";
import virtualServiceGatewayNotFound from "./rules/virtual-service-gateway-not-found/rule.js";
import virtualServiceHostNotInGateway from "./rules/virtual-service-host-not-in-gateway/rule.js";
import virtualServiceHostPartlyInGateway from "./rules/virtual-service-host-partly-in-gateway/rule.js";
import virtualServiceInternalGatewayReference from "./rules/virtual-service-internal-gateway-reference/rule.js";
import virtualServiceShadowedMatch from "./rules/virtual-service-shadowed-match/rule.js";
import virtualServiceSubsetDefinedElsewhere from "./rules/virtual-service-subset-defined-elsewhere/rule.js";
import virtualServiceSubsetNotFound from "./rules/virtual-service-subset-not-found/rule.js";
import virtualServiceUnreachableRoute from "./rules/virtual-service-unreachable-route/rule.js";

/** Every lint rule, listed explicitly: a rule not named here does not run. */
export const LINT_RULES: readonly LintRule[] = [
  allowPolicyAllowsEverything,
  allowPolicyWithoutSelector,
  applicationUidReserved,
  authorizationHostWithoutPort,
  authorizationMethodCase,
  authorizationNamespaceNotFound,
  authorizationPolicySelectorMatchesNoWorkload,
  authorizationPortIsServicePort,
  conflictingDestinationRules,
  conflictingGateways,
  conflictingServiceEntryProtocols,
  conflictingSidecarSelectors,
  conflictingTelemetrySelectors,
  conflictingVirtualServiceHosts,
  denyByDefaultMissing,
  deploymentServiceProtocolConflict,
  deploymentServiceTargetPortConflict,
  deprecatedApiVersion,
  deprecatedField,
  deprecatedIstioAnnotation,
  destinationRuleDisablesTlsUnderStrict,
  destinationRuleHostNotFound,
  destinationRulePortTlsWithoutCaCertificates,
  destinationRuleSubsetSelectsNoPods,
  destinationRuleTlsWithoutCaCertificates,
  duplicateNamespaceWidePolicy,
  duplicateNamespaceWideSidecar,
  duplicateNamespaceWideTelemetry,
  envoyFilterAddIgnored,
  envoyFilterRelativePatchWithProxyVersion,
  envoyFilterRelativePatchWithoutPriority,
  envoyFilterRemoveIgnored,
  envoyFilterReplaceUnsupported,
  externalControlPlaneWebhookAddress,
  externalControlPlaneWebhookIpAddress,
  externalNameServicePortName,
  gatewayApiCrdVersionBelowMinimum,
  gatewayCredentialInvalid,
  gatewayDuplicateCertificate,
  gatewayPortNotOnService,
  gatewayRouteSkipsSubsetRouting,
  httpFieldsOnTcpPort,
  identityWithoutStrictMtls,
  ineffectiveSelectorOnKubernetesGateway,
  injectionWebhookConflict,
  invalidIstioAnnotation,
  jwksFetchUnrestricted,
  jwtClaimRoutingWithoutRequestAuthentication,
  localRateLimitNotEnforced,
  misplacedIstioAnnotation,
  peerAuthenticationPortIsServicePort,
  permissiveMtlsInProd,
  principalServiceAccountNotFound,
  requestAuthenticationWithoutRequirement,
  retriesExceedTimeout,
  rootNamespacePeerAuthenticationSelector,
  selectorMatchesNoWorkload,
  serviceEntryAddressesRequired,
  servicePortProtocol,
  sidecarEgressHostNotFound,
  sidecarInAmbientMode,
  sidecarSelectorMatchesNoWorkload,
  splitFromToRules,
  strictMtlsMissing,
  telemetryAccessLoggingWithoutProvider,
  telemetrySelectorMatchesNoWorkload,
  unknownInstallProfile,
  unknownIstioAnnotation,
  unknownIstioAnnotationOnConfig,
  unknownIstioMetric,
  virtualServiceCatchAll,
  virtualServiceDestinationHostNotFound,
  virtualServiceDestinationPortNotExposed,
  virtualServiceDestinationPortRequired,
  virtualServiceGatewayNotFound,
  virtualServiceHostNotInGateway,
  virtualServiceHostPartlyInGateway,
  virtualServiceInternalGatewayReference,
  virtualServiceShadowedMatch,
  virtualServiceSubsetDefinedElsewhere,
  virtualServiceSubsetNotFound,
  virtualServiceUnreachableRoute,
];
