import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import { explainRequest, formatExplanationJson, formatExplanationText, type ExplainQuery } from "./explain.js";
import { fixtureResources, service, yamlResources } from "./fixtures/support.js";
import { buildAccessModel } from "./mesh-model.js";

const model = buildAccessModel(fixtureResources("shop-before.yaml"));
const explain = (query: ExplainQuery) => explainRequest(model, query, { environment: "fixture" });
const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url);

/** Two versions behind one Service, no VirtualService: one destination, two workloads. */
const SHARES = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop, annotations: { mesh-policy.io/service-account: web } }
spec: { selector: { app: web }, ports: [{ name: http-web, port: 80, targetPort: 8080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop, annotations: { mesh-policy.io/service-account: api, mesh-policy.io/versions: "stable,canary" } }
spec: { selector: { app: api }, ports: [{ name: http-api, port: 8000, targetPort: 9000 }] }
`;

describe("explainRequest on the shop fixture", () => {
  it("web → api: routed 90/10 by the VirtualService, allowed on both versions at the TARGET port 9000", () => {
    const e = explain({ from: "web", to: "api:8000", method: "POST", path: "/api/orders?id=1" });
    expect(e.route).toMatchObject({ outcome: "routed", via: "virtual-service", virtualService: "shop/api", routeIndex: 1, routeName: "default", timeout: "5s" });
    expect(e.route.retries).toEqual({ origin: "explicit", attempts: 1, perTryTimeout: "2s", retryOn: "connect-failure,503" });
    expect(e.route.destinations.map((d) => [d.subset, d.percent])).toEqual([
      ["stable", 90],
      ["canary", 10],
    ]);
    expect(e.destinations.map((d) => [d.workload, d.targetPort, d.result, d.status])).toEqual([
      ["shop/api-stable", 9000, "allowed", 200],
      ["shop/api-canary", 9000, "allowed", 200],
    ]);
    expect(e.destinations[0]?.authorization?.decidedBy).toEqual({ policy: "shop/api-allow", action: "ALLOW", rule: 0, location: { file: "fixtures/shop-before.yaml", line: 66 } });
    expect(e.destinations[0]?.mtls).toMatchObject({ outcome: "mtls", peer: "cluster.local/ns/shop/sa/web", server: { mode: "STRICT", level: "namespace", policy: "shop/default" } });
    expect(e.verdict).toBe("allowed");
    expectGolden(formatExplanationText(e), golden("shop.explain-web-api.txt"));
    expectGolden(formatExplanationJson(e), golden("shop.explain-web-api.json"));
  });
  it("a DENY names the policy and rule that decided", () => {
    const e = explain({ from: "web", to: "api:8000", method: "GET", path: "/api/admin/users" });
    expect(e.verdict).toBe("denied");
    expect(e.destinations[0]?.authorization?.decidedBy).toEqual({ policy: "shop/api-deny-admin", action: "DENY", rule: 0, location: { file: "fixtures/shop-before.yaml", line: 90 } });
    expect(formatExplanationText(e)).toContain("DENIED (403) — DENY policy shop/api-deny-admin rule 0 matches (fixtures/shop-before.yaml:90)");
  });
  it("path normalization applies before the policy: /api/x/../admin is /api/admin", () => {
    expect(explain({ from: "web", to: "api:8000", path: "/api/x/../admin" }).verdict).toBe("denied");
  });
  it("a CUSTOM match depends on the external authorizer", () => {
    const e = explain({ from: "web", to: "api:8000", path: "/api/export/all" });
    expect(e.verdict).toBe("depends");
    expect(e.destinations[0]?.authorization?.external).toEqual([{ policy: "shop/api-ext-authz", provider: "opa", rule: 0 }]);
  });
  it("a miss lists each ALLOW policy's nearest rule", () => {
    const e = explain({ from: "web", to: "api:8000", method: "DELETE", path: "/api/orders" });
    expect(e.verdict).toBe("denied");
    expect(e.destinations[0]?.authorization?.nearestMisses).toEqual([{ policy: "shop/api-allow", rule: 0, failures: ["methods: DELETE is not in [GET, POST]"], location: { file: "fixtures/shop-before.yaml", line: 66 } }]);
    expectGolden(formatExplanationText(e), golden("shop.explain-web-api-delete.txt"));
  });
  it("/healthz takes the first rule (exact match) to stable only", () => {
    const e = explain({ from: "web", to: "api:8000", path: "/healthz" });
    expect(e.route).toMatchObject({ routeIndex: 0, routeName: "health", match: "match[0]: uri exact /healthz" });
    expect(e.destinations.map((d) => d.workload)).toEqual(["shop/api-stable"]);
  });
  it("the gateway with a valid token for the template path; a token nobody validates gives no request principal", () => {
    const withToken = explain({ from: "istio-ingressgateway", to: "api.shop:8000", path: "/api/v1/public", jwtClaims: { iss: "https://idp.example.com", sub: "alice" } });
    // No Gateway object routes to it: the gateway returns 404 before anything else.
    expect(withToken.verdict).toBe("not-routed");
    expect(withToken.route.notes[0]).toContain("routes nothing");
  });
  it("plaintext to a STRICT port: the server's sidecar resets the connection, no HTTP status; HTTP routing does not apply to TCP", () => {
    const e = explain({ from: "plaintext", to: "db.shop:5432" });
    expect(e.route.via).toBe("default-route");
    expect(e.destinations[0]).toMatchObject({ protocol: "TCP", result: "denied", status: undefined, connectionReset: true, reason: "connection reset: mTLS STRICT rejects plaintext" });
    expect(e.summary).toBe("denied (connection reset)");
    expect(formatExplanationText(e)).not.toContain("503");
  });
  it("a client with a sidecar that cannot set up mTLS gets 503 from its own sidecar", () => {
    const resources = yamlResources(
      `${SHARES}---\napiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: shop }\nspec: { mtls: { mode: STRICT } }\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: api, namespace: shop }\nspec:\n  host: api.shop.svc.cluster.local\n  trafficPolicy: { tls: { mode: DISABLE } }\n`,
    );
    const e = explainRequest(resources, { from: "web", to: "api:8000" }, { environment: "fixture" });
    expect(e.destinations.map((d) => [d.status, d.connectionReset])).toEqual([
      [503, undefined],
      [503, undefined],
    ]);
    expect(e.destinations[0]?.reason).toMatch(/^connection fails \(503 from the client's sidecar\): /);
  });
  it("the workloads behind one destination share its weight: the shares add up to 100%", () => {
    const e = explainRequest(yamlResources(SHARES), { from: "web", to: "api:8000" }, { environment: "fixture" });
    expect(e.route.destinations.map((d) => d.percent)).toEqual([100]);
    expect(e.destinations.map((d) => [d.workload, d.percent])).toEqual([
      ["shop/api-canary", 50],
      ["shop/api-stable", 50],
    ]);
    expect(e.route.notes).toContain("shop/api-canary, shop/api-stable share the 100% of api.shop.svc.cluster.local:8000 by pod count; equal counts are assumed here");
    const text = formatExplanationText(e);
    expect(text).toContain("shop/api-stable:9000 (50%): ALLOWED");
    expect(text).toContain("shop/api-canary:9000 (50%): ALLOWED");
  });
  it("TCP port: identity + port decides; an HTTP field in an ALLOW rule drops the rule", () => {
    expect(explain({ from: "api", to: "db.shop:5432" }).verdict).toBe("allowed");
    const web = explain({ from: "web", to: "db.shop:5432" });
    expect(web.verdict).toBe("denied");
    expect(web.destinations[0]?.authorization?.nearestMisses[0]?.failures).toEqual(["principals: cluster.local/ns/shop/sa/web is not in [cluster.local/ns/shop/sa/api]"]);
  });
  it("PERMISSIVE: plaintext reaches reports with no identity, and notNamespaces admits it", () => {
    const e = explain({ from: "plaintext", to: "reports.legacy:80" });
    expect(e.destinations[0]?.mtls).toMatchObject({ outcome: "plaintext", peer: undefined });
    expect(e.verdict).toBe("allowed");
  });
  it("a token no RequestAuthentication validates gives no request principal; one from an unknown issuer is rejected (401)", () => {
    const resources = yamlResources(`${service("n", "a")}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: jwt-only, namespace: 'n' }
spec:
  rules:
  - from: [{ source: { requestPrincipals: ["*"] } }]
`);
    const ignored = explainRequest(resources, { from: "other-namespace", to: "a.n:8000", jwtClaims: { iss: "https://idp", sub: "u" } });
    expect(ignored.destinations[0]?.jwt).toMatchObject({ status: "ignored" });
    expect(ignored.verdict).toBe("denied");
    const withRa = yamlResources(`${service("n", "a")}
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: 'n' }
spec:
  jwtRules:
  - issuer: https://idp
    audiences: [shop]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: jwt-only, namespace: 'n' }
spec:
  rules:
  - from: [{ source: { requestPrincipals: ["https://idp/u"] } }]
`);
    expect(explainRequest(withRa, { from: "other-namespace", to: "a.n:8000", jwtClaims: { iss: "https://idp", sub: "u", aud: ["shop"] } }).verdict).toBe("allowed");
    expect(explainRequest(withRa, { from: "other-namespace", to: "a.n:8000", jwtClaims: { iss: "https://idp", sub: "u", aud: "other" } }).destinations[0]).toMatchObject({ status: 401 });
    expect(explainRequest(withRa, { from: "other-namespace", to: "a.n:8000", jwtClaims: { iss: "https://evil", sub: "u" } }).destinations[0]?.reason).toContain("Jwt issuer is not configured");
    expect(explainRequest(withRa, { from: "other-namespace", to: "a.n:8000" }).verdict).toBe("denied");
  });
  it("errors say what to write instead", () => {
    expect(() => explain({ from: "nobody", to: "api:8000" })).toThrow(/unknown source "nobody"/);
    expect(() => explain({ from: "web", to: "nothing:80" })).toThrow(/unknown Service "nothing"/);
    expect(() => explain({ from: "web", to: "api:9000" })).toThrow(/9000 is the container port behind Service port 8000/);
  });
});

describe("explain: a VirtualService whose matches select other clients", () => {
  it("is dropped for this client: the default route applies instead of 404 NR", () => {
    const resources = yamlResources(`${service("n", "a")}
${service("n", "b")}
${service("n", "c")}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: a-canary, namespace: 'n' }
spec:
  hosts: [a]
  http:
  - match:
    - sourceLabels: { app: b }
    route:
    - destination: { host: a }
`);
    const fromC = explainRequest(resources, { from: "c", to: "a:8000" });
    expect(fromC.verdict).toBe("allowed");
    expect(fromC.route).toMatchObject({ outcome: "routed", via: "default-route", virtualService: undefined });
    expect(formatExplanationText(fromC)).toContain("route:  default route (no VirtualService applies); timeout none; retries 2 on connect-failure,refused-stream,unavailable,cancelled (default)\n");
    expect(explainRequest(resources, { from: "b", to: "a:8000" }).route).toMatchObject({ via: "virtual-service", virtualService: "n/a-canary", routeIndex: 0 });
  });
});
