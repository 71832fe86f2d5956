/**
 * VirtualService routing (istio-semantics.md §4.1–§4.9), from the examples of
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/ (VS below).
 */
import { describe, expect, it } from "vitest";
import { ingressGatewaySource, plaintextSource, workloadSource, type SourceIdentity } from "./identity.js";
import type { AccessModel } from "./mesh-model.js";
import { DEFAULT_RETRIES, routeRequest, type RouteRequest } from "./routing.js";
import { modelOf, service } from "./fixtures/support.js";

const REVIEWS = "reviews.prod.svc.cluster.local";
const BASE = `${service("prod", "reviews", { port: 9080, versions: "v1,v2,v3" })}
${service("prod", "productpage", { port: 9080 })}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: prod }
spec:
  host: reviews
  subsets:
  - name: v1
    labels: { version: v1 }
  - name: v2
    labels: { version: v2 }
  - name: v3
    labels: { version: v3 }
---
`;

function route(yaml: string, request: Partial<RouteRequest> = {}, source?: (model: AccessModel) => SourceIdentity) {
  const model = modelOf(BASE + yaml);
  const client = model.workloads.find((w) => w.name === "productpage");
  if (client === undefined) throw new Error("no productpage");
  const from = source?.(model) ?? workloadSource(client);
  return routeRequest(model, from, { host: REVIEWS, service: model.mesh.servicesByHost.get(REVIEWS) }, {
    method: "GET",
    path: "/",
    headers: {},
    authority: "reviews:9080",
    port: 9080,
    ...request,
  });
}

// VS: the reviews-route example — match blocks OR (two uri prefixes) to v2, then a match-less rule to v1.
const REVIEWS_ROUTE = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-route, namespace: prod }
spec:
  hosts:
  - reviews.prod.svc.cluster.local
  http:
  - name: "reviews-v2-routes"
    match:
    - uri:
        prefix: "/wpcatalog"
    - uri:
        prefix: "/consumercatalog"
    rewrite:
      uri: "/newcatalog"
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v2
  - name: "reviews-v1-route"
    route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v1
`;

describe("VirtualService: first matching rule wins (VS reference reviews-route example)", () => {
  it("match blocks OR: /consumercatalog goes to v2", () => {
    const r = route(REVIEWS_ROUTE, { path: "/consumercatalog/x" });
    expect(r).toMatchObject({ outcome: "routed", via: "virtual-service", virtualService: "prod/reviews-route", routeIndex: 0, routeName: "reviews-v2-routes" });
    expect(r.match).toEqual({ index: 1, text: "uri prefix /consumercatalog" });
    expect(r.destinations.map((d) => [d.subset, d.percent, d.workloads.map((w) => w.name)])).toEqual([["v2", 100, ["reviews-v2"]]]);
  });
  it("anything else falls to the match-less rule (v1)", () => {
    const r = route(REVIEWS_ROUTE, { path: "/other" });
    expect(r).toMatchObject({ routeIndex: 1, routeName: "reviews-v1-route", match: undefined });
    expect(r.destinations[0]?.subset).toBe("v1");
  });
  it("uri prefix is a raw string prefix: /wpcatalogue matches /wpcatalog", () => {
    expect(route(REVIEWS_ROUTE, { path: "/wpcatalogue" }).routeIndex).toBe(0);
  });
});

describe("VirtualService: match conditions (VS reference HTTPMatchRequest example)", () => {
  // VS: "restricts the rule to match only requests where the URL path starts with /ratings/v2/ and the
  // request contains a custom end-user header with value jason" — conditions in one block AND.
  const MATCH = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts:
  - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
      uri:
        prefix: "/ratings/v2/"
      ignoreUriCase: true
    route:
    - destination:
        host: reviews
        subset: v2
`;
  it("all conditions of a block AND; ignoreUriCase applies to the prefix", () => {
    expect(route(MATCH, { path: "/RATINGS/v2/x", headers: { "end-user": "jason" } }).outcome).toBe("routed");
  });
  it("without the header no rule matches: 404 NR, no fallback to the default route", () => {
    const r = route(MATCH, { path: "/ratings/v2/x" });
    expect(r).toMatchObject({ outcome: "not-found", status: 404, virtualService: "prod/reviews" });
    expect(r.notes.join(" ")).toContain("404 with response flag NR");
  });
  it("header values are case-sensitive", () => {
    expect(route(MATCH, { path: "/ratings/v2/x", headers: { "end-user": "Jason" } }).outcome).toBe("not-found");
  });
  it("regex must match the whole path; exact ignores the query string", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - match:
    - uri:
        regex: "/api/v[0-9]+"
    route:
    - destination: { host: reviews, subset: v3 }
  - match:
    - uri:
        exact: /exact
    route:
    - destination: { host: reviews, subset: v2 }
`;
    expect(route(yaml, { path: "/api/v12" }).routeIndex).toBe(0);
    expect(route(yaml, { path: "/api/v12/x" }).outcome).toBe("not-found");
    expect(route(yaml, { path: "/exact?x=1" }).routeIndex).toBe(1);
  });
  it("sourceLabels select the client, method and withoutHeaders test the request", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - match:
    - sourceLabels: { app: other }
    route:
    - destination: { host: reviews, subset: v3 }
  - match:
    - method: { exact: POST }
      withoutHeaders:
        x-debug: {}
    route:
    - destination: { host: reviews, subset: v2 }
  - route:
    - destination: { host: reviews, subset: v1 }
`;
    expect(route(yaml, { method: "POST" }).routeIndex).toBe(1);
    expect(route(yaml, { method: "POST", headers: { "x-debug": "1" } }).routeIndex).toBe(2);
  });
});

describe("VirtualService: weights, subsets, timeouts and retries (VS reference; istio-semantics §4.6, §4.9)", () => {
  it("weights 25/75 (VS HTTPRouteDestination example)", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-route-two-domains, namespace: prod }
spec:
  hosts:
  - reviews.prod.svc.cluster.local
  http:
  - route:
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v2
      weight: 25
    - destination:
        host: reviews.prod.svc.cluster.local
        subset: v1
      weight: 75
`;
    expect(route(yaml).destinations.map((d) => [d.subset, d.percent])).toEqual([
      ["v2", 25],
      ["v1", 75],
    ]);
  });
  it("weights are relative (w / Σw, no need to sum to 100 since 1.15); weight 0 gets no traffic", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: v1 }
      weight: 1
    - destination: { host: reviews, subset: v2 }
      weight: 2
    - destination: { host: reviews, subset: v3 }
      weight: 0
`;
    expect(route(yaml).destinations.map((d) => [d.subset, d.percent])).toEqual([
      ["v1", 33.33],
      ["v2", 66.67],
    ]);
  });
  it("a subset no DestinationRule defines fails with 503", () => {
    const yaml = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: prod }\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v9 }\n";
    expect(route(yaml).destinations[0]?.problem).toContain("503");
  });
  it("timeout as written; retries from the VS HTTPRetry example (3 × 2s)", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings-route, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: { host: reviews, subset: v1 }
    timeout: 10s
    retries:
      attempts: 3
      perTryTimeout: 2s
      retryOn: gateway-error,connect-failure,refused-stream
`;
    expect(route(yaml)).toMatchObject({ timeout: "10s", retries: { origin: "explicit", attempts: 3, perTryTimeout: "2s", retryOn: "gateway-error,connect-failure,refused-stream" } });
  });
  it("retries unset = mesh default (2 attempts, connect-failure,refused-stream,unavailable,cancelled); no timeout", () => {
    const r = route("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: prod }\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v1 }\n");
    expect(r.retries).toEqual(DEFAULT_RETRIES);
    expect(r.timeout).toBeUndefined();
  });
  it("`retries` without attempts switches retries off", () => {
    const r = route("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: reviews, namespace: prod }\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v1 }\n    retries:\n      perTryTimeout: 2s\n");
    expect(r.retries).toMatchObject({ origin: "disabled", attempts: 0 });
  });
});

describe("VirtualService: which one applies (istio-semantics §4.2–§4.4)", () => {
  it("no VirtualService: the default route to every endpoint, default retries", () => {
    const r = route("");
    expect(r).toMatchObject({ outcome: "routed", via: "default-route", retries: DEFAULT_RETRIES, timeout: undefined });
    expect(r.destinations[0]?.workloads.map((w) => w.name)).toEqual(["reviews-v1", "reviews-v2", "reviews-v3"]);
  });
  it("a gateway-only VirtualService does not apply to sidecars", () => {
    const yaml = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: edge, namespace: prod }\nspec:\n  hosts: [reviews]\n  gateways: [edge-gw]\n  http:\n  - route:\n    - destination: { host: reviews, subset: v3 }\n";
    expect(route(yaml).via).toBe("default-route");
  });
  it("exportTo '.' hides a VirtualService from other namespaces", () => {
    const yaml = `${service("other", "client")}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts: [reviews]
  exportTo: ["."]
  http:
  - route:
    - destination: { host: reviews, subset: v3 }
`;
    const fromOther = route(yaml, {}, (model) => workloadSource(model.workloads.find((w) => w.name === "client") ?? (model.workloads[0] as never)));
    expect(fromOther.via).toBe("default-route");
    expect(route(yaml).via).toBe("virtual-service");
  });
  it("two VirtualServices for one host on sidecars: the oldest wins, the other is reported (IST0109)", () => {
    const vs = (name: string, subset: string, time: string) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: prod, creationTimestamp: "${time}" }\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: { host: reviews, subset: ${subset} }\n---\n`;
    const r = route(vs("a-new", "v2", "2024-05-01T00:00:00Z") + vs("b-old", "v3", "2023-05-01T00:00:00Z"));
    expect(r.virtualService).toBe("prod/b-old");
    expect(r.notes[0]).toContain("prod/a-new");
  });
  it("a client without sidecar is not routed by VirtualServices (kube-proxy)", () => {
    const r = route(REVIEWS_ROUTE, {}, () => plaintextSource());
    expect(r.via).toBe("kube-proxy");
  });
  it("the ingress gateway uses the VirtualServices bound to a Gateway that selects it, by authority", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: edge, namespace: prod }
spec:
  selector: { istio: ingressgateway }
  servers:
  - port: { number: 80, name: http, protocol: HTTP }
    hosts: ["shop.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: edge, namespace: prod }
spec:
  hosts: ["shop.example.com"]
  gateways: [edge]
  http:
  - match:
    - uri: { prefix: /reviews/ }
    route:
    - destination: { host: reviews, subset: v2 }
`;
    const r = route(yaml, { authority: "shop.example.com", path: "/reviews/1" }, () => ingressGatewaySource());
    expect(r).toMatchObject({ outcome: "routed", virtualService: "prod/edge", routeIndex: 0 });
    expect(route(yaml, { authority: "other.example.com", path: "/reviews/1" }, () => ingressGatewaySource())).toMatchObject({ outcome: "not-found", status: 404 });
    expect(route(yaml, { authority: "shop.example.com", path: "/x" }, () => ingressGatewaySource())).toMatchObject({ outcome: "not-found" });
  });
});

describe("VirtualService: proxy selectors drop routes per proxy (route.go translateRoute / sourceMatchHTTP)", () => {
  const canary = (match: string) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-canary, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - match:
    - ${match}
    route:
    - destination: { host: reviews, subset: v3 }
`;
  it("sourceLabels that select another client: the VirtualService is dropped for this one and the default route applies", () => {
    const r = route(canary("sourceLabels: { app: other }"));
    expect(r).toMatchObject({ outcome: "routed", via: "default-route", virtualService: undefined, retries: DEFAULT_RETRIES });
    expect(r.destinations[0]?.workloads.map((w) => w.name)).toEqual(["reviews-v1", "reviews-v2", "reviews-v3"]);
    expect(r.notes).toEqual([
      "VirtualService prod/reviews-canary keeps no http rule for this client on port 9080 (its matches select other ports, sources or gateways): Istio drops it for this proxy",
      "no VirtualService applies to this client: the default route sends traffic to every endpoint of the Service (no timeout, default retries)",
    ]);
    // The client it selects is routed by it.
    expect(route(canary("sourceLabels: { app: productpage }"))).toMatchObject({ via: "virtual-service", routeIndex: 0 });
  });
  it("sourceNamespace, a gateway-only match and a port match drop the rule for this sidecar in the same way", () => {
    expect(route(canary("sourceNamespace: elsewhere")).via).toBe("default-route");
    expect(route(canary("sourceNamespace: prod")).via).toBe("virtual-service");
    expect(route(canary("gateways: [edge-gw]")).via).toBe("default-route");
    expect(route(canary("port: 1234")).via).toBe("default-route");
  });
  it("`gateways: [mesh]` in a match selects the sidecar, and then sourceLabels are not looked at", () => {
    expect(route(canary("{ gateways: [mesh], sourceLabels: { app: other } }"))).toMatchObject({ outcome: "routed", via: "virtual-service", routeIndex: 0 });
  });
  it("when rules remain for the client, a request none of them matches is still 404 NR", () => {
    const yaml = `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - match:
    - sourceLabels: { app: other }
    route:
    - destination: { host: reviews, subset: v3 }
  - match:
    - uri: { prefix: /v2 }
    route:
    - destination: { host: reviews, subset: v2 }
`;
    expect(route(yaml, { path: "/x" })).toMatchObject({ outcome: "not-found", status: 404 });
    expect(route(yaml, { path: "/v2/x" })).toMatchObject({ outcome: "routed", routeIndex: 1, match: { index: 0 } });
  });
});

describe("VirtualService: regexes", () => {
  const vs = (uri: string, ignoreUriCase = false) => `
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: prod }
spec:
  hosts: [reviews]
  http:
  - match:
    - uri: ${uri}
${ignoreUriCase ? "      ignoreUriCase: true\n" : ""}    route:
    - destination: { host: reviews, subset: v3 }
  - route:
    - destination: { host: reviews, subset: v1 }
`;
  it("a regex JavaScript cannot compile (RE2-only syntax) is taken as no match, and the routing says so", () => {
    const r = route(vs('{ regex: "/api/[[:digit:]]+(?i)x" }'), { path: "/api/1x" });
    expect(r.routeIndex).toBe(1);
    expect(r.notes).toEqual([
      'prod/reviews http[0]: uri regex "/api/[[:digit:]]+(?i)x" cannot be evaluated here (RE2 syntax JavaScript does not compile): taken as not matching',
    ]);
  });
  it("ignoreUriCase applies to exact and prefix matches only, not to a regex (VirtualService API)", () => {
    expect(route(vs('{ prefix: "/API" }', true), { path: "/api/x" }).routeIndex).toBe(0);
    expect(route(vs('{ exact: "/API" }', true), { path: "/api" }).routeIndex).toBe(0);
    expect(route(vs('{ regex: "/API/.*" }', true), { path: "/api/x" }).routeIndex).toBe(1);
  });
});
