import { describe, expect, it } from "vitest";
import type { AdmissionProblem } from "./check-admission.js";
import { check, lines, specYaml } from "./test-helpers.js";

const EXPOSES_INTERNALS = "EnvoyFilter exposes internal implementation details";
/** The problems other than istiod's warning about every EnvoyFilter. */
const efLines = (problems: AdmissionProblem[]): string[] => lines(problems.filter((p) => !p.message.startsWith(EXPOSES_INTERNALS)));

const ef = (configPatches: unknown[], extra: Record<string, unknown> = {}): string => specYaml("EnvoyFilter", { configPatches, ...extra });
const hcm = { listener: { filterChain: { filter: { name: "envoy.filters.network.http_connection_manager" } } } };

describe("EnvoyFilter admission", () => {
  it("accepts the rate-limit task's local rate limit filter and a cluster MERGE", () => {
    const yaml = `
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: filter-local-ratelimit-svc
  namespace: istio-system
spec:
  workloadSelector:
    labels:
      app: productpage
  configPatches:
  - applyTo: HTTP_FILTER
    match:
      context: SIDECAR_INBOUND
      listener:
        filterChain:
          filter:
            name: "envoy.filters.network.http_connection_manager"
            subFilter:
              name: "envoy.filters.http.router"
    patch:
      operation: INSERT_BEFORE
      value:
        name: envoy.filters.http.local_ratelimit
        typed_config:
          "@type": type.googleapis.com/udpa.type.v1.TypedStruct
          type_url: type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit
          value:
            stat_prefix: http_local_rate_limiter
  - applyTo: CLUSTER
    match:
      context: SIDECAR_OUTBOUND
      cluster:
        service: reviews.default.svc.cluster.local
    patch:
      operation: MERGE
      value:
        connect_timeout: 5s
`;
    expect(efLines(check(yaml))).toEqual([]);
  });

  it("warns about every EnvoyFilter, as istiod does (istioctl analyze IST0133)", () => {
    expect(check(ef([])).map((p) => [p.severity, p.code, p.pointer, p.message.slice(0, EXPOSES_INTERNALS.length)])).toEqual([
      ["warning", "IST0133", "", EXPOSES_INTERNALS],
    ]);
  });

  it("wants applyTo, a patch operation, and a value unless REMOVE", () => {
    expect(efLines(check(ef([{ patch: { operation: "MERGE", value: {} } }, { applyTo: "CLUSTER", patch: { value: {} } }, { applyTo: "HTTP_FILTER", match: hcm, patch: { operation: "INSERT_BEFORE" } }])))).toEqual([
      "error /spec/configPatches/0/applyTo: spec.configPatches[0].applyTo: Envoy filter: missing applyTo",
      "error /spec/configPatches/1/patch/operation: spec.configPatches[1].patch.operation: Envoy filter: missing patch operation",
      "error /spec/configPatches/2/patch/value: spec.configPatches[2].patch.value: Envoy filter: missing patch value for non-remove operation (INSERT_BEFORE)",
    ]);
  });

  it("lines up applyTo with the match", () => {
    const patches = [
      { applyTo: "HTTP_FILTER", match: { cluster: { service: "a" } }, patch: { operation: "MERGE", value: {} } },
      { applyTo: "NETWORK_FILTER", match: { listener: { filterChain: { filter: { name: "envoy.filters.network.tcp_proxy", subFilter: { name: "x" } } } } }, patch: { operation: "MERGE", value: {} } },
      { applyTo: "HTTP_FILTER", match: { listener: { filterChain: { filter: { name: "envoy.filters.network.tcp_proxy", subFilter: { name: "x" } } } } }, patch: { operation: "MERGE", value: {} } },
      { applyTo: "HTTP_ROUTE", match: { cluster: {} }, patch: { operation: "MERGE", value: {} } },
      { applyTo: "LISTENER", match: hcm, patch: { operation: "MERGE", value: {} } },
      { applyTo: "HTTP_FILTER", match: { listener: { filterChain: { filter: { name: "envoy.http_connection_manager" } } } }, patch: { operation: "MERGE", value: {} } },
    ];
    expect(efLines(check(ef(patches)))).toEqual([
      "error /spec/configPatches/0/match: spec.configPatches[0].match: Envoy filter: applyTo for listener class objects cannot have non listener match (found cluster)",
      "error /spec/configPatches/1/match/listener/filterChain/filter/subFilter: spec.configPatches[1].match.listener.filterChain.filter.subFilter: Envoy filter: subfilter match can be used with applyTo HTTP_FILTER only",
      "error /spec/configPatches/2/match/listener/filterChain/filter/name: spec.configPatches[2].match.listener.filterChain.filter.name: Envoy filter: subfilter match requires filter match with envoy.filters.network.http_connection_manager",
      "error /spec/configPatches/3/match: spec.configPatches[3].match: Envoy filter: applyTo for http route class objects cannot have non route configuration match (found cluster)",
      "warning /spec/configPatches/4/match/listener/filterChain/filter: spec.configPatches[4].match.listener.filterChain.filter: Envoy filter: filter match has no effect when used with LISTENER",
      "warning /spec/configPatches/5/match/listener/filterChain/filter/name: spec.configPatches[5].match.listener.filterChain.filter.name: using deprecated filter name 'envoy.http_connection_manager'; use 'envoy.filters.network.http_connection_manager' instead",
    ]);
  });

  it("checks proxy version regexes and workload selectors", () => {
    const patches = [{ applyTo: "CLUSTER", match: { proxy: { proxyVersion: "^1\\.2(" } }, patch: { operation: "MERGE", value: {} } }];
    expect(efLines(check(ef(patches, { workloadSelector: { labels: { "app*": "a" } } })))).toEqual([
      "error /spec/workloadSelector/labels/app*: spec.workloadSelector.labels[app*]: wildcard is not supported in selector: 'app*=a'; selectors compare labels exactly",
      "error /spec/configPatches/0/match/proxy/proxyVersion: spec.configPatches[0].match.proxy.proxyVersion: Envoy filter: invalid regex for proxy version, [Unterminated group; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)]",
    ]);
  });

  it("accepts waypoint patches as istiod does (it validates only the CRD rules for context WAYPOINT)", () => {
    // Istio's own valid documents (pkg/config/validation/testdata/crds/envoyfilter-valid.yaml).
    const waypointHttpFilter = `
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: waypoint-http-filter
spec:
  configPatches:
    - applyTo: HTTP_FILTER
      match:
        context: WAYPOINT
        waypoint:
          filter:
            name: "envoy.filters.network.http_connection_manager"
            subFilter:
              name: "envoy.filters.http.router"
      patch:
        operation: REMOVE
`;
    const waypointCluster = `
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata:
  name: waypoint-cluster
spec:
  configPatches:
    - applyTo: CLUSTER
      match:
        context: WAYPOINT
        waypoint: {}
      patch:
        operation: REMOVE
`;
    expect(efLines(check(waypointHttpFilter))).toEqual([]);
    expect(efLines(check(waypointCluster))).toEqual([]);
    // A REMOVE without applyTo under a waypoint match: istiod skips the patch, so it passes.
    expect(efLines(check(ef([{ match: { context: "WAYPOINT", waypoint: { portNumber: 8080 } }, patch: { operation: "REMOVE" } }])))).toEqual([]);
    // The CRD rules still apply.
    expect(efLines(check(ef([{ applyTo: "CLUSTER", match: { context: "WAYPOINT", waypoint: { portNumber: 65536 } }, patch: { operation: "REMOVE" } }])))).toEqual([
      "error /spec/configPatches/0/match/waypoint/portNumber: spec.configPatches[0].match.waypoint.portNumber: port must be between 1-65535 (found 65536)",
    ]);
  });

  it("warns instead of compiling a proxyVersion longer than 1024 characters, as istiod does", () => {
    const patches = [{ applyTo: "CLUSTER", match: { proxy: { proxyVersion: `(${"1".repeat(1030)}` } }, patch: { operation: "MERGE", value: {} } }];
    expect(efLines(check(ef(patches)))).toEqual([
      "warning /spec/configPatches/0/match/proxy/proxyVersion: spec.configPatches[0].match.proxy.proxyVersion: Envoy filter: proxyVersion match exceeds 1024 characters and will be ignored",
    ]);
  });

  it("never throws on odd input", () => {
    expect(() => check(ef([null, 1, { applyTo: "HTTP_FILTER", match: [], patch: [] }]))).not.toThrow();
  });
});
