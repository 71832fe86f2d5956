import type { LintRule } from "./rule.js";
import allowPolicyWithoutSelector from "./rules/allow-policy-without-selector/rule.js";
import authorizationPolicySelectorMatchesNoWorkload from "./rules/authorization-policy-selector-matches-no-workload/rule.js";
import conflictingDestinationRules from "./rules/conflicting-destination-rules/rule.js";
import conflictingVirtualServiceHosts from "./rules/conflicting-virtual-service-hosts/rule.js";
import destinationRuleHostNotFound from "./rules/destination-rule-host-not-found/rule.js";
import destinationRuleSubsetSelectsNoPods from "./rules/destination-rule-subset-selects-no-pods/rule.js";
import retriesExceedTimeout from "./rules/retries-exceed-timeout/rule.js";
import selectorMatchesNoWorkload from "./rules/selector-matches-no-workload/rule.js";
import servicePortProtocol from "./rules/service-port-protocol/rule.js";
import sidecarEgressHostNotFound from "./rules/sidecar-egress-host-not-found/rule.js";
import virtualServiceCatchAll from "./rules/virtual-service-catch-all/rule.js";
import virtualServiceDestinationHostNotFound from "./rules/virtual-service-destination-host-not-found/rule.js";
import virtualServiceDestinationPortNotExposed from "./rules/virtual-service-destination-port-not-exposed/rule.js";
import virtualServiceDestinationPortRequired from "./rules/virtual-service-destination-port-required/rule.js";
import virtualServiceGatewayNotFound from "./rules/virtual-service-gateway-not-found/rule.js";
import virtualServiceHostNotInGateway from "./rules/virtual-service-host-not-in-gateway/rule.js";
import virtualServiceShadowedMatch from "./rules/virtual-service-shadowed-match/rule.js";
import virtualServiceSubsetNotFound from "./rules/virtual-service-subset-not-found/rule.js";
import virtualServiceUnreachableRoute from "./rules/virtual-service-unreachable-route/rule.js";

/** Every lint rule, listed explicitly: a rule not named here does not run. */
export const LINT_RULES: readonly LintRule[] = [
  allowPolicyWithoutSelector,
  authorizationPolicySelectorMatchesNoWorkload,
  conflictingDestinationRules,
  conflictingVirtualServiceHosts,
  destinationRuleHostNotFound,
  destinationRuleSubsetSelectsNoPods,
  retriesExceedTimeout,
  selectorMatchesNoWorkload,
  servicePortProtocol,
  sidecarEgressHostNotFound,
  virtualServiceCatchAll,
  virtualServiceDestinationHostNotFound,
  virtualServiceDestinationPortNotExposed,
  virtualServiceDestinationPortRequired,
  virtualServiceGatewayNotFound,
  virtualServiceHostNotInGateway,
  virtualServiceShadowedMatch,
  virtualServiceSubsetNotFound,
  virtualServiceUnreachableRoute,
];
