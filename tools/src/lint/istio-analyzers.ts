/**
 * Every analyzer of `istioctl analyze` at the pinned Istio release (pkg/config/analysis/analyzers/all.go
 * of istio.io/istio@v0.0.0-20260827124520-eed52ebb66ad, the 1.31 line), by the name `istioctl analyze -L`
 * prints, with the codes it reports and the checks that carry those codes here. registry.test.ts keeps
 * it in step with the rules; docs/rules.md prints it; the istioctl differential suite
 * (tools/test/istioctl) reads which analyzer a finding stands for.
 */

export interface IstioAnalyzer {
  name: string;
  /** The message codes it reports (pkg/config/analysis/msg/messages.yaml). */
  codes: readonly string[];
  /** The lint rules (or built-in checks such as `admission`) that carry its codes. */
  checks: readonly string[];
  /**
   * `istioctl analyze --use-kube=false` does not run it: it reads Services, Pods, Namespaces, Secrets or
   * Nodes, which istioctl drops from files.
   */
  needsCluster: boolean;
  /** What of it is not checked here, and why; undefined when all of it is. */
  notChecked?: string;
}

/** The schema analyzers (one per Istio kind, `schema.ValidationAnalyzer.<Kind>`) share this entry. */
export const SCHEMA_ANALYZER_PREFIX = "schema.ValidationAnalyzer.";

export const ISTIO_ANALYZERS: readonly IstioAnalyzer[] = [
  {
    name: "annotations.K8sAnalyzer",
    codes: ["IST0107", "IST0108", "IST0125", "IST0135"],
    checks: ["misplaced-istio-annotation", "unknown-istio-annotation", "invalid-istio-annotation", "deprecated-istio-annotation"],
    needsCluster: true,
    notChecked: "IST0125 for proxy.istio.io/config (a full ProxyConfig validation)",
  },
  { name: "authn.BlockedCIDRsAnalyzer", codes: ["IST0175"], checks: ["jwks-fetch-unrestricted"], needsCluster: false },
  {
    name: "auth.AuthorizationPoliciesAnalyzer",
    codes: ["IST0101", "IST0127"],
    checks: ["authorization-namespace-not-found", "authorization-policy-selector-matches-no-workload"],
    needsCluster: true,
  },
  {
    name: "conditions.ConditionAnalyzer",
    codes: ["IST0171"],
    checks: [],
    needsCluster: true,
    notChecked: "reads the status conditions controllers write on live objects; a repository holds none",
  },
  {
    name: "deployment.MultiServiceAnalyzer",
    codes: ["IST0116", "IST0137"],
    checks: ["deployment-service-protocol-conflict", "deployment-service-target-port-conflict"],
    needsCluster: true,
  },
  { name: "applicationUID.Analyzer", codes: ["IST0144"], checks: ["application-uid-reserved"], needsCluster: true },
  {
    name: "destinationrule.CaCertificateAnalyzer",
    codes: ["IST0128", "IST0129"],
    checks: ["destination-rule-tls-without-ca-certificates", "destination-rule-port-tls-without-ca-certificates"],
    needsCluster: false,
  },
  {
    name: "destinationrule.SubsetSelectPodAnalyzer",
    codes: ["IST0173", "IST0174"],
    checks: ["destination-rule-subset-selects-no-pods", "destination-rule-host-not-found"],
    needsCluster: true,
  },
  {
    name: "deprecation.DeprecationAnalyzer",
    codes: ["IST0002"],
    checks: ["deprecated-field"],
    needsCluster: false,
    notChecked: "the removed rbac.istio.io CRDs, which istioctl built from the pinned module does not report either",
  },
  {
    name: "envoyfilter.EnvoyPatchAnalyzer",
    codes: ["IST0151", "IST0152", "IST0153", "IST0154", "IST0155"],
    checks: [
      "envoy-filter-relative-patch-without-priority",
      "envoy-filter-replace-unsupported",
      "envoy-filter-add-ignored",
      "envoy-filter-remove-ignored",
      "envoy-filter-relative-patch-with-proxy-version",
    ],
    needsCluster: false,
  },
  {
    name: "externalcontrolplane.ExternalControlPlaneAnalyzer",
    codes: ["IST0163", "IST0164"],
    checks: ["external-control-plane-webhook-address", "external-control-plane-webhook-ip-address"],
    needsCluster: false,
  },
  {
    name: "gateway.IngressGatewayPortAnalyzer",
    codes: ["IST0101", "IST0162"],
    checks: ["gateway-port-not-on-service"],
    needsCluster: true,
    notChecked: "IST0101 for a Gateway selector no pod matches: gateway pods are usually installed by a chart outside the repository",
  },
  { name: "gateway.CertificateAnalyzer", codes: ["IST0138"], checks: ["gateway-duplicate-certificate"], needsCluster: false },
  {
    name: "gateway.SecretAnalyzer",
    codes: ["IST0101", "IST0161"],
    checks: ["gateway-credential-invalid"],
    needsCluster: true,
    notChecked: "IST0101 for a credentialName whose Secret, or a selector whose pods, the configuration does not have (Secrets are rarely in git)",
  },
  { name: "gateway.ConflictingGatewayAnalyzer", codes: ["IST0145"], checks: ["conflicting-gateways"], needsCluster: true },
  {
    name: "injection.Analyzer",
    codes: ["IST0102", "IST0103", "IST0123", "IST0148"],
    checks: [],
    needsCluster: true,
    notChecked: "judges running pods (a pod without its proxy) against the injector installed in the cluster",
  },
  {
    name: "injection.ImageAnalyzer",
    codes: ["IST0158"],
    checks: [],
    needsCluster: true,
    notChecked: "compares running pods' proxy images with the injector's ConfigMap in the cluster",
  },
  {
    name: "injection.ImageAutoAnalyzer",
    codes: ["IST0146", "IST0147"],
    checks: [],
    needsCluster: true,
    notChecked: "matches `image: auto` workloads against the injection webhooks installed in the cluster",
  },
  { name: "k8sgateway.SelectorAnalyzer", codes: ["IST0166"], checks: ["ineffective-selector-on-kubernetes-gateway"], needsCluster: true },
  { name: "k8sgateway.CRDVersionAnalyzer", codes: ["IST0176"], checks: ["gateway-api-crd-version-below-minimum"], needsCluster: false },
  {
    name: "meshnetworks.MeshNetworksAnalyzer",
    codes: ["IST0126"],
    checks: [],
    needsCluster: true,
    notChecked: "reads the mesh networks config and the remote-cluster secrets of a multi-cluster install",
  },
  {
    name: "services.MultiClusterServiceAnalyzer",
    codes: ["IST0170"],
    checks: [],
    needsCluster: true,
    notChecked: "compares one Service across the clusters of a multi-cluster mesh",
  },
  {
    name: "service.PortNameAnalyzer",
    codes: ["IST0118", "IST0150"],
    checks: ["service-port-protocol", "external-name-service-port-name"],
    needsCluster: true,
  },
  {
    name: "sidecar.SelectorAnalyzer",
    codes: ["IST0101", "IST0110", "IST0111", "IST0167"],
    checks: ["sidecar-selector-matches-no-workload", "conflicting-sidecar-selectors", "duplicate-namespace-wide-sidecar", "sidecar-in-ambient-mode"],
    needsCluster: true,
  },
  {
    name: "virtualservice.ConflictingMeshGatewayHostsAnalyzer",
    codes: ["IST0109"],
    checks: ["conflicting-virtual-service-hosts"],
    needsCluster: false,
  },
  {
    name: "virtualservice.DestinationHostAnalyzer",
    codes: ["IST0101", "IST0112", "IST0140"],
    checks: [
      "virtual-service-destination-host-not-found",
      "virtual-service-destination-port-not-exposed",
      "virtual-service-destination-port-required",
      "gateway-route-skips-subset-routing",
    ],
    needsCluster: true,
  },
  { name: "virtualservice.DestinationRuleAnalyzer", codes: ["IST0101"], checks: ["virtual-service-subset-not-found"], needsCluster: false },
  {
    name: "virtualservice.GatewayAnalyzer",
    codes: ["IST0101", "IST0132", "IST0165"],
    checks: ["virtual-service-gateway-not-found", "virtual-service-host-not-in-gateway", "virtual-service-internal-gateway-reference"],
    needsCluster: false,
  },
  {
    name: "virtualservice.JWTClaimRouteAnalyzer",
    codes: ["IST0149"],
    checks: ["jwt-claim-routing-without-request-authentication"],
    needsCluster: true,
  },
  { name: "serviceentry.Analyzer", codes: ["IST0134"], checks: ["service-entry-addresses-required"], needsCluster: false },
  {
    name: "serviceentry.ConflictingServiceEntryProtocolAnalyzer",
    codes: ["IST0177"],
    checks: ["conflicting-service-entry-protocols"],
    needsCluster: false,
  },
  { name: "webhook.Analyzer", codes: ["IST0139"], checks: ["injection-webhook-conflict"], needsCluster: true },
  { name: "telemetry.ProviderAnalyzer", codes: ["IST0157"], checks: ["telemetry-access-logging-without-provider"], needsCluster: false },
  {
    name: "telemetry.SelectorAnalyzer",
    codes: ["IST0101", "IST0159"],
    checks: ["telemetry-selector-matches-no-workload", "conflicting-telemetry-selectors"],
    needsCluster: true,
  },
  { name: "telemetry.DefaultSelectorAnalyzer", codes: ["IST0160"], checks: ["duplicate-namespace-wide-telemetry"], needsCluster: false },
  {
    name: "telemetry.LightstepAnalyzer",
    codes: ["IST0002"],
    checks: [],
    needsCluster: false,
    notChecked: "reads the Lightstep providers of the mesh config (istiod's ConfigMap or Helm values), which the linted configuration does not hold",
  },
  {
    name: `${SCHEMA_ANALYZER_PREFIX}*`,
    codes: ["IST0106", "IST0133", "IST0130", "IST0131"],
    checks: ["admission"],
    needsCluster: false,
    notChecked:
      "IST0106/IST0133 for EnvoyFilter patch values checked against Envoy's protos (unknown fields, deprecated types), " +
      "and Telemetry access-log filter expressions (see tools/src/validate/admission/README.md)",
  },
];

/** The analyzer whose code a check's finding carries (the schema analyzers for admission findings). */
export function analyzerOfCheck(checkId: string, code: string): IstioAnalyzer | undefined {
  return ISTIO_ANALYZERS.find((a) => a.checks.includes(checkId) && a.codes.includes(code));
}
