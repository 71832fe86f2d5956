import { describe, expect, it } from "vitest";
import { expectGolden } from "../../test/helpers/golden.js";
import { cellOf, computeAccessMatrix, formatAccessMatrixText, type AccessMatrix } from "./access-matrix.js";
import { explainRequest } from "./explain.js";
import { fixtureResources, yamlResources } from "./fixtures/support.js";

const golden = (name: string) => new URL(`./golden/${name}`, import.meta.url);

describe("access matrix on the shop fixture", () => {
  const matrix = computeAccessMatrix(fixtureResources("shop-before.yaml"), { environment: "fixture" });
  const cell = (source: string, target: string) => cellOf(matrix, source, target);

  it("golden text", () => {
    expectGolden(formatAccessMatrixText(matrix), golden("shop.matrix.txt"));
  });
  it("text without the denied pairs, for large meshes", () => {
    const text = formatAccessMatrixText(matrix, { hideDenied: true });
    expect(text.split("\n").filter((line) => / denied {4}/.test(line))).toEqual([]);
    expect(text).toContain("15 denied pairs not shown");
  });
  it("sources: each service account, the ingress gateway, plaintext, another namespace", () => {
    expect(matrix.sources.map((s) => s.id)).toEqual(["legacy/reports", "shop/api", "shop/db", "shop/web", "istio-ingress/istio-ingressgateway", "plaintext", "other-namespace"]);
  });
  it("targets are workload TARGET ports; stable and canary collapse when treated alike", () => {
    expect(matrix.targets.map((t) => `${t.id} ${t.protocol} ${t.mtls}`)).toEqual([
      "legacy/reports:8080 HTTP PERMISSIVE",
      "shop/api:9000 HTTP STRICT",
      "shop/db:5432 TCP STRICT",
      "shop/web:8080 HTTP STRICT",
    ]);
  });
  it("conditional with methods and paths, minus the DENY and the CUSTOM parts", () => {
    expect(cell("shop/web", "shop/api:9000")).toMatchObject({
      status: "conditional",
      conditions: ["GET,POST /api/*"],
      except: ["DENY /api/admin*", "external authorizer (opa) decides /api/export/*"],
    });
  });
  it("the gateway needs a JWT of the named issuer and a path template", () => {
    expect(cell("istio-ingress/istio-ingressgateway", "shop/api:9000")?.conditions).toEqual(["GET /api/{*}/public with JWT https://idp.example.com/*"]);
  });
  it("TCP: the ALLOW rule with methods is dropped whole; identity + port is allowed", () => {
    expect(cell("shop/api", "shop/db:5432")?.status).toBe("allowed");
    expect(cell("shop/web", "shop/db:5432")).toMatchObject({ status: "denied", reason: "no ALLOW rule matches" });
  });
  it("STRICT rejects plaintext everywhere in shop; PERMISSIVE + notNamespaces lets plaintext in", () => {
    for (const target of ["shop/api:9000", "shop/db:5432", "shop/web:8080"]) expect(cell("plaintext", target)).toMatchObject({ status: "denied", reason: "mTLS STRICT rejects plaintext" });
    expect(cell("plaintext", "legacy/reports:8080")).toMatchObject({ status: "allowed", reason: "ALLOW legacy/reports-allow (plaintext: no peer identity)" });
    expect(cell("shop/web", "legacy/reports:8080")?.status).toBe("denied");
  });
  it("no ALLOW policy on web: every mTLS caller is allowed", () => {
    expect(cell("other-namespace", "shop/web:8080")).toMatchObject({ status: "allowed", reason: "no ALLOW policy applies" });
  });
});

describe("matrix cells agree with concrete explanations", () => {
  it("a conditional cell's condition allows the request, a request outside it is denied", () => {
    const resources = fixtureResources("shop-before.yaml");
    const allowed = explainRequest(resources, { from: "web", to: "api.shop:8000", method: "POST", path: "/api/orders" });
    expect(allowed.verdict).toBe("allowed");
    const outside = explainRequest(resources, { from: "web", to: "api.shop:8000", method: "PUT", path: "/api/orders" });
    expect(outside.verdict).toBe("denied");
  });
});

describe("matrix: versions treated differently stay apart", () => {
  it("a policy selecting only the canary splits the column", () => {
    const matrix = computeAccessMatrix(fixtureResources("shop-after.yaml"));
    const api = matrix.targets.filter((t) => t.group === "api").map((t) => t.id);
    expect(api).toEqual(["shop/api-canary:9000", "shop/api-stable:9000"]);
    // Any request, except what the namespace's DENY and CUSTOM policies take out.
    expect(cellOf(matrix, "istio-ingress/istio-ingressgateway", "shop/api-canary:9000")).toMatchObject({
      status: "conditional",
      conditions: ["any request"],
      except: ["DENY /api/admin*", "external authorizer (opa) decides /api/export/*"],
    });
  });
});

describe("matrix: policy shapes", () => {
  const base = `
apiVersion: v1
kind: Service
metadata: { name: a, namespace: 'n', annotations: { mesh-policy.io/service-account: a } }
spec:
  selector: { app: a }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
`;
  const m = (policies: string): AccessMatrix => computeAccessMatrix(yamlResources(base + policies));
  it("DENY rules: [{}] denies everything; allow-nothing denies everything", () => {
    expect(cellOf(m("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: d, namespace: 'n' }\nspec:\n  action: DENY\n  rules: [{}]\n"), "n/a", "n/a:8080")?.status).toBe("denied");
    expect(cellOf(m("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: d, namespace: 'n' }\nspec: {}\n"), "n/a", "n/a:8080")?.status).toBe("denied");
  });
  it("a DENY that covers everything the ALLOW permits denies the edge", () => {
    const matrix = m(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: 'n' }
spec:
  rules:
  - to: [{ operation: { methods: ["GET"], paths: ["/admin/x"] } }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny, namespace: 'n' }
spec:
  action: DENY
  rules:
  - to: [{ operation: { paths: ["/admin*"] } }]
`);
    expect(cellOf(matrix, "n/a", "n/a:8080")).toMatchObject({ status: "denied", reason: "DENY n/deny covers everything ALLOW permits" });
  });
  it("DENY parts that cannot overlap the allowed requests are not listed", () => {
    const matrix = m(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: 'n' }
spec:
  rules:
  - to: [{ operation: { methods: ["GET"], paths: ["/public/*"] } }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny, namespace: 'n' }
spec:
  action: DENY
  rules:
  - to: [{ operation: { paths: ["/admin*"] } }]
  - to: [{ operation: { methods: ["GET"], paths: ["/public/secret"] } }]
`);
    expect(cellOf(matrix, "n/a", "n/a:8080")).toMatchObject({ status: "conditional", conditions: ["GET /public/*"], except: ["DENY GET /public/secret"] });
  });
  it("a JWT requirement no RequestAuthentication of the workload can meet never matches", () => {
    const policy = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: 'n' }
spec:
  rules:
  - from: [{ source: { requestPrincipals: ["https://idp.example.com/*"] } }]
---
`;
    expect(cellOf(m(policy), "n/a", "n/a:8080")).toMatchObject({ status: "denied", reason: "no ALLOW rule matches" });
    const otherIssuer = `apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: 'n' }
spec:
  jwtRules: [{ issuer: "https://other.example.com" }]
---
`;
    expect(cellOf(m(policy + otherIssuer), "n/a", "n/a:8080")?.status).toBe("denied");
    const sameIssuer = otherIssuer.replace("other.example.com", "idp.example.com");
    expect(cellOf(m(policy + sameIssuer), "n/a", "n/a:8080")).toMatchObject({ status: "conditional", conditions: ["with JWT https://idp.example.com/*"] });
  });
  it("without a RequestAuthentication, a DENY on notRequestPrincipals denies every request", () => {
    const matrix = m("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: d, namespace: 'n' }\nspec:\n  action: DENY\n  rules:\n  - from: [{ source: { notRequestPrincipals: [\"*\"] } }]\n");
    expect(cellOf(matrix, "n/a", "n/a:8080")).toMatchObject({ status: "denied", reason: "DENY n/d matches every request" });
  });
  it("when conditions and headers become readable conditions", () => {
    const matrix = m(`apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { name: jwt, namespace: 'n' }
spec:
  jwtRules: [{ issuer: "https://idp.example.com" }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: 'n' }
spec:
  rules:
  - to: [{ operation: { hosts: ["a.example.com"] } }]
    when:
    - key: request.headers[x-tenant]
      values: ["blue"]
    - key: request.auth.claims[groups]
      values: ["admin"]
    - key: source.ip
      notValues: ["10.0.0.0/8"]
`);
    expect(cellOf(matrix, "n/a", "n/a:8080")?.conditions).toEqual(["host a.example.com header x-tenant=blue JWT claim groups=admin source IP not 10.0.0.0/8"]);
  });
  it("an ALLOW conjunction implied by another is dropped (the wider one is listed)", () => {
    const matrix = m(`apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow, namespace: 'n' }
spec:
  rules:
  - to: [{ operation: { methods: ["GET"], paths: ["/api/v1/x"] } }]
  - to: [{ operation: { methods: ["GET", "HEAD"], paths: ["/api/*"] } }]
`);
    expect(cellOf(matrix, "n/a", "n/a:8080")?.conditions).toEqual(["GET,HEAD /api/*"]);
  });
});

describe("matrix: the DENY decides before the ALLOW", () => {
  it("when a DENY matches every request, the reason and the policy named are the DENY's, even if no ALLOW rule matches", () => {
    const matrix = computeAccessMatrix(
      yamlResources(`
apiVersion: v1
kind: Service
metadata: { name: a, namespace: 'n', annotations: { mesh-policy.io/service-account: a } }
spec:
  selector: { app: a }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-nobody, namespace: 'n' }
spec:
  rules:
  - from: [{ source: { principals: ["cluster.local/ns/n/sa/nobody"] } }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny-all, namespace: 'n' }
spec:
  action: DENY
  rules: [{}]
`),
    );
    expect(cellOf(matrix, "n/a", "n/a:8080")).toMatchObject({ status: "denied", reason: "DENY n/deny-all matches every request", policies: ["n/deny-all"] });
  });
});

describe("matrix: invalid rules and selectors never widen access", () => {
  const base = `
apiVersion: v1
kind: Namespace
metadata: { name: 'n', labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: a, namespace: 'n', annotations: { mesh-policy.io/service-account: a } }
spec:
  selector: { app: a }
  ports: [{ name: http, port: 80, targetPort: 8080 }]
---
`;
  it("an ALLOW policy whose only rule is null allows nothing, and the matrix says why", () => {
    const matrix = computeAccessMatrix(yamlResources(`${base}apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ap, namespace: 'n' }
spec:
  rules:
  - null
`));
    expect(cellOf(matrix, "plaintext", "n/a:8080")).toMatchObject({ status: "denied", reason: "no ALLOW rule matches (plaintext: no peer identity)" });
    expect(cellOf(matrix, "n/a", "n/a:8080")?.status).toBe("denied");
    expect(matrix.notes).toEqual([expect.stringMatching(/^AuthorizationPolicy n\/ap rules\[0\] is null, not a rule: Istio rejects it/)]);
  });
  it("a PeerAuthentication selector with a non-string value does not become namespace-wide", () => {
    const matrix = computeAccessMatrix(yamlResources(`${base}apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: pa, namespace: 'n' }
spec:
  selector: { matchLabels: { app: 5 } }
  mtls: { mode: STRICT }
`));
    expect(matrix.targets.map((t) => `${t.id} ${t.mtls}`)).toEqual(["n/a:8080 PERMISSIVE"]);
    expect(matrix.notes).toEqual(["PeerAuthentication n/pa is ignored: selector.matchLabels.app is 5, not a string (quote it); it applies to no workload"]);
  });
});

describe("a mesh too large for the text listing", () => {
  it("is refused with what to use instead, not listed until memory runs out", () => {
    const source = { id: "s", label: "s", kind: "workload" as const, principal: undefined, workloads: [] };
    const target = { id: "t", label: "t", namespace: "n", group: "t", workloads: [], port: 80, protocol: "HTTP" as const, mtls: "STRICT" as const, via: [] };
    const matrix: AccessMatrix = { version: 1, environment: "prod", sources: Array(1001).fill(source), targets: Array(1000).fill(target), cells: [], notes: [] };
    expect(() => formatAccessMatrixText(matrix)).toThrow(/1001000 pairs \(1001 sources × 1000 targets\), more than 1000000: use --format json, html or mermaid/);
    expect(formatAccessMatrixText(matrix, { hideDenied: true })).toContain("0 denied pairs not shown");
  });
});
