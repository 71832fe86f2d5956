/**
 * AuthorizationPolicy semantics, one rule per test, each from the Istio documentation example it
 * comes from (istio-semantics.md §2). AP = https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import { describe, expect, it } from "vitest";
import { authorizeRequest, policiesForWorkload } from "./authorization.js";
import type { PortProtocol } from "./mesh-model.js";
import { facts, modelOf, peer, service } from "./fixtures/support.js";
import type { RequestFacts } from "./rule-fields.js";

const httpbin = { namespace: "foo", labels: { app: "httpbin", version: "v1" } };

function decide(yaml: string, request: Partial<RequestFacts>, options: { workload?: { namespace: string; labels: Record<string, string> }; protocol?: PortProtocol } = {}) {
  const model = modelOf(yaml);
  return authorizeRequest(policiesForWorkload(model, options.workload ?? httpbin), facts(request), options.protocol ?? "HTTP");
}

const sleep = peer("default", "sleep");
const jwt = (iss: string, sub = "user-1", claims: Record<string, unknown> = {}) => ({ iss, sub, claims: { iss, sub, ...claims } });

// AP: the first example — ALLOW from principal sleep OR namespace test, to GET /info* OR POST /data,
// when request.auth.claims[iss] is https://accounts.google.com.
const HTTPBIN_ALLOW = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: httpbin, namespace: foo }
spec:
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
    - source:
        namespaces: ["test"]
    to:
    - operation:
        methods: ["GET"]
        paths: ["/info*"]
    - operation:
        methods: ["POST"]
        paths: ["/data"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
`;

describe("AuthorizationPolicy: the AP reference's first example (ALLOW, from OR, to OR, when)", () => {
  const google = jwt("https://accounts.google.com");
  it("allows GET /info from sleep with a Google token", () => {
    const d = decide(HTTPBIN_ALLOW, { peer: sleep, method: "GET", path: "/info", jwt: google });
    expect(d.decision).toBe("allowed");
    expect(d.decidedBy).toEqual({ policy: "foo/httpbin", action: "ALLOW", rule: 0, location: { file: "inline.yaml", line: expect.any(Number) } });
  });
  it("allows POST /data from any workload of namespace test (from entries OR)", () => {
    expect(decide(HTTPBIN_ALLOW, { peer: peer("test", "anything"), method: "POST", path: "/data", jwt: google }).decision).toBe("allowed");
  });
  it("`/info*` is a prefix: /info/x and /infox match", () => {
    expect(decide(HTTPBIN_ALLOW, { peer: sleep, path: "/infox", jwt: google }).decision).toBe("allowed");
    expect(decide(HTTPBIN_ALLOW, { peer: sleep, path: "/info/x", jwt: google }).decision).toBe("allowed");
  });
  it("fields of one operation AND: POST /info is not allowed", () => {
    const d = decide(HTTPBIN_ALLOW, { peer: sleep, method: "POST", path: "/info", jwt: google });
    expect(d.decision).toBe("denied");
    expect(d.nearestMisses[0]?.failures.join(" ")).toContain("none of 2 entries");
  });
  it("the when condition is required: no token → denied, nearest miss names it", () => {
    const d = decide(HTTPBIN_ALLOW, { peer: sleep, method: "GET", path: "/info" });
    expect(d.decision).toBe("denied");
    expect(d.reason).toBe("no ALLOW rule matches");
    expect(d.nearestMisses).toEqual([{ policy: "foo/httpbin", rule: 0, failures: ["when request.auth.claims[iss]: no valid JWT is not in [https://accounts.google.com]"], location: { file: "inline.yaml", line: expect.any(Number) } }]);
  });
  it("another identity is denied (any ALLOW policy present = deny unless one matches)", () => {
    expect(decide(HTTPBIN_ALLOW, { peer: peer("default", "other"), jwt: google, path: "/info" }).decision).toBe("denied");
  });
});

describe("AuthorizationPolicy: decision order CUSTOM → DENY → ALLOW (AP reference, evaluation rules 1–5)", () => {
  // AP: "denies requests from the dev namespace to the POST method on all workloads in the foo namespace".
  const DENY_DEV_POST = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: httpbin, namespace: foo }
spec:
  action: DENY
  rules:
  - from:
    - source:
        namespaces: ["dev"]
    to:
    - operation:
        methods: ["POST"]
`;
  it("no ALLOW policy → allow (rule 3)", () => {
    expect(decide(DENY_DEV_POST, { peer: peer("dev", "x"), method: "GET" }).decision).toBe("allowed");
    expect(decide(DENY_DEV_POST, { peer: peer("prod", "x"), method: "POST" }).decision).toBe("allowed");
  });
  it("a matching DENY denies (rule 2)", () => {
    const d = decide(DENY_DEV_POST, { peer: peer("dev", "x"), method: "POST" });
    expect(d.decision).toBe("denied");
    expect(d.decidedBy).toEqual({ policy: "foo/httpbin", action: "DENY", rule: 0, location: { file: "inline.yaml", line: expect.any(Number) } });
  });
  it("DENY wins over a matching ALLOW", () => {
    const yaml = `${DENY_DEV_POST}---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-all, namespace: foo }
spec:
  rules:
  - {}
`;
    expect(decide(yaml, { peer: peer("dev", "x"), method: "POST" }).decision).toBe("denied");
    expect(decide(yaml, { peer: peer("dev", "x"), method: "GET" }).decision).toBe("allowed");
  });
  // AP, CUSTOM action: "delegates the authorization check to a named extension my-custom-authz if the request path has prefix /admin/".
  const CUSTOM = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ext-authz, namespace: istio-system }
spec:
  selector:
    matchLabels:
      app: istio-ingressgateway
  action: CUSTOM
  provider:
    name: "my-custom-authz"
  rules:
  - to:
    - operation:
        paths: ["/admin/*"]
`;
  const gateway = { namespace: "istio-system", labels: { app: "istio-ingressgateway" } };
  it("CUSTOM: a matching request depends on the external authorizer", () => {
    const d = decide(CUSTOM, { path: "/admin/users" }, { workload: gateway });
    expect(d.decision).toBe("depends");
    expect(d.external).toEqual([{ policy: "istio-system/ext-authz", provider: "my-custom-authz", rule: 0 }]);
  });
  it("CUSTOM: other paths are not sent to it", () => {
    expect(decide(CUSTOM, { path: "/public" }, { workload: gateway }).decision).toBe("allowed");
  });
  it("AUDIT never decides (AP: AUDIT policies do not affect whether requests are allowed or denied)", () => {
    const d = decide(
      `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: foo, name: anyname }
spec:
  selector:
    matchLabels:
      app: httpbin
  action: AUDIT
  rules:
  - to:
    - operation:
        methods: ["GET"]
        paths: ["/user/profile/*"]
`,
      { path: "/user/profile/me" },
    );
    expect(d.decision).toBe("allowed");
    expect(d.audited).toEqual(["foo/anyname"]);
  });
});

describe("AuthorizationPolicy: special shapes (AP reference: allow-nothing, allow-all)", () => {
  it("`spec: {}` allows nothing: every request to the namespace is denied", () => {
    const d = decide("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: allow-nothing, namespace: foo }\nspec:\n  {}\n", { peer: sleep });
    expect(d.decision).toBe("denied");
    // A policy without rules allows nothing: it is no "nearest miss" of anything.
    expect(d.nearestMisses).toEqual([]);
    expect(d.reason).toBe("no ALLOW rule matches (only foo/allow-nothing applies, which has no rules: it allows nothing)");
  });
  it("`rules: [{}]` with ALLOW allows everything, even plaintext", () => {
    expect(decide("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: allow-all, namespace: foo }\nspec:\n  rules:\n  - {}\n", {}).decision).toBe("allowed");
  });
  it("`rules: [{}]` with DENY denies everything", () => {
    expect(decide("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: deny-all, namespace: foo }\nspec:\n  action: DENY\n  rules:\n  - {}\n", { peer: sleep }).decision).toBe("denied");
  });
  it("a selector policy allowing nothing applies only to the selected workloads (AP: allow-nothing in namespace bar)", () => {
    const yaml = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: allow-nothing, namespace: bar }\nspec:\n  selector:\n    matchLabels:\n      app: httpbin\n";
    expect(decide(yaml, {}, { workload: { namespace: "bar", labels: { app: "httpbin" } } }).decision).toBe("denied");
    expect(decide(yaml, {}, { workload: { namespace: "bar", labels: { app: "other" } } }).decision).toBe("allowed");
    expect(decide(yaml, {}, { workload: { namespace: "foo", labels: { app: "httpbin" } } }).decision).toBe("allowed");
  });
});

describe("AuthorizationPolicy: which policies apply (istio-semantics §2.1)", () => {
  // AP: "applies to workloads containing label version: v1 in all namespaces in the mesh".
  const ROOT = "apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: allow-nothing, namespace: istio-system }\nspec:\n  selector:\n    matchLabels:\n      version: v1\n";
  it("a root-namespace selector matches workloads of every namespace", () => {
    expect(decide(ROOT, {}, { workload: { namespace: "anywhere", labels: { version: "v1" } } }).decision).toBe("denied");
    expect(decide(ROOT, {}, { workload: { namespace: "anywhere", labels: { version: "v2" } } }).decision).toBe("allowed");
  });
  it("a policy of another (non-root) namespace does not apply", () => {
    expect(decide("apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: x, namespace: bar }\nspec: {}\n", {}).decision).toBe("allowed");
  });
  it("targetRef(s) policies are ignored by sidecars, selector or not", () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: waypoint-only, namespace: foo }
spec:
  targetRefs:
  - kind: Service
    group: ""
    name: httpbin
`;
    const d = decide(yaml, {});
    expect(d.decision).toBe("allowed");
    expect(d.ignored).toEqual([{ policy: "foo/waypoint-only", reason: "has targetRef(s): sidecars ignore it" }]);
  });
  // AP: the dry-run example (DENY /headers with istio.io/dry-run: "true") — shadow only.
  it("a dry-run policy is not enforced, and a dry-run ALLOW does not switch on deny-by-default", () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: dry-run-example
  namespace: foo
  annotations:
    "istio.io/dry-run": "true"
spec:
  selector:
    matchLabels:
      app: httpbin
  action: DENY
  rules:
  - to:
    - operation:
        paths: ["/headers"]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: dry-allow
  namespace: foo
  annotations:
    istio.io/dry-run: "TRUE"
spec: {}
`;
    const d = decide(yaml, { path: "/headers" });
    expect(d.decision).toBe("allowed");
    expect(d.ignored.map((i) => i.policy)).toEqual(["foo/dry-run-example", "foo/dry-allow"]);
  });
});

describe("AuthorizationPolicy: rule structure (istio-semantics §2.3; common-problems 'authorization too permissive')", () => {
  const single = (extra: string) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: foo }
spec:
  rules:
${extra}`;
  it("`- from` and `- to` as two list items are two rules that OR: any source gets GET, and sleep gets everything", () => {
    const yaml = single(`  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
  - to:
    - operation:
        methods: ["GET"]
`);
    expect(decide(yaml, { peer: peer("other", "x"), method: "GET" }).decision).toBe("allowed");
    expect(decide(yaml, { peer: sleep, method: "DELETE" }).decision).toBe("allowed");
    expect(decide(yaml, { peer: peer("other", "x"), method: "DELETE" }).decision).toBe("denied");
  });
  it("values OR, notValues none: notMethods excludes, both set must both hold", () => {
    const yaml = single(`  - to:
    - operation:
        methods: ["GET", "POST"]
        notMethods: ["POST"]
`);
    expect(decide(yaml, { method: "GET" }).decision).toBe("allowed");
    expect(decide(yaml, { method: "POST" }).decision).toBe("denied");
  });
  it("AP Operation example: hosts *.example.com AND methods GET/HEAD AND notPaths /admin*", () => {
    const yaml = single(`  - to:
    - operation:
        hosts: ["*.example.com"]
        methods: ["GET", "HEAD"]
        notPaths: ["/admin*"]
`);
    expect(decide(yaml, { host: "api.example.com", method: "HEAD", path: "/x" }).decision).toBe("allowed");
    expect(decide(yaml, { host: "api.example.com", method: "GET", path: "/administrator" }).decision).toBe("denied");
    expect(decide(yaml, { host: "api.example.org", method: "GET", path: "/x" }).decision).toBe("denied");
  });
});

describe("AuthorizationPolicy: string matching per field (istio-semantics §2.4)", () => {
  const op = (field: string, values: string) => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: foo }
spec:
  rules:
  - to:
    - operation:
        ${field}: ${values}
`;
  it("methods are case-sensitive: `get` never matches GET (normalization page: methods must be upper-case)", () => {
    expect(decide(op("methods", '["get"]'), { method: "GET" }).decision).toBe("denied");
  });
  it("hosts are case-insensitive and exact does not match host:port (best practices: write x and x:*)", () => {
    expect(decide(op("hosts", '["Example.COM"]'), { host: "example.com" }).decision).toBe("allowed");
    expect(decide(op("hosts", '["example.com"]'), { host: "example.com:8000" }).decision).toBe("denied");
    expect(decide(op("hosts", '["example.com", "example.com:*"]'), { host: "example.com:8000" }).decision).toBe("allowed");
  });
  it("paths ignore the query string; /admin/* does not match /admin", () => {
    expect(decide(op("paths", '["/data"]'), { path: "/data?x=1" }).decision).toBe("allowed");
    expect(decide(op("paths", '["/admin/*"]'), { path: "/admin" }).decision).toBe("denied");
    expect(decide(op("paths", '["/admin*"]'), { path: "/administrator" }).decision).toBe("allowed");
  });
  it("paths templates: /foo/{*} matches one segment only (AP Operation.paths examples)", () => {
    expect(decide(op("paths", '["/foo/{*}"]'), { path: "/foo/bar" }).decision).toBe("allowed");
    expect(decide(op("paths", '["/foo/{*}"]'), { path: "/foo/bar/baz" }).decision).toBe("denied");
  });
  it("ports are the workload (container) port: a policy naming the Service port 80 never matches target 8080 (docs/policy.md)", () => {
    expect(decide(op("ports", '["80"]'), { port: 8080 }).decision).toBe("denied");
    expect(decide(op("ports", '["8080"]'), { port: 8080 }).decision).toBe("allowed");
  });
  const src = (field: string, values: string, namespace = "foo") => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: ${namespace} }
spec:
  rules:
  - from:
    - source:
        ${field}: ${values}
`;
  it("principals: exact, prefix, suffix and presence on <trust-domain>/ns/<ns>/sa/<sa>", () => {
    expect(decide(src("principals", '["cluster.local/ns/default/*"]'), { peer: sleep }).decision).toBe("allowed");
    expect(decide(src("principals", '["*/sa/sleep"]'), { peer: sleep }).decision).toBe("allowed");
    expect(decide(src("principals", '["*"]'), { peer: sleep }).decision).toBe("allowed");
    expect(decide(src("principals", '["*"]'), {}).decision).toBe("denied");
  });
  it("namespaces: a * may stand anywhere (generator regex .*/ns/<value>/.*)", () => {
    expect(decide(src("namespaces", '["team-*-prod"]'), { peer: peer("team-a-prod", "x") }).decision).toBe("allowed");
    expect(decide(src("namespaces", '["team-*-prod"]'), { peer: peer("team-a-dev", "x") }).decision).toBe("denied");
  });
  it("serviceAccounts: `sa` alone means the policy's namespace; `ns/sa` names another", () => {
    expect(decide(src("serviceAccounts", '["sleep"]'), { peer: peer("foo", "sleep") }).decision).toBe("allowed");
    expect(decide(src("serviceAccounts", '["sleep"]'), { peer: sleep }).decision).toBe("denied");
    expect(decide(src("serviceAccounts", '["default/sleep"]'), { peer: sleep }).decision).toBe("allowed");
  });
  it("requestPrincipals need a validated JWT: `*` = any token, iss/sub split at the last /", () => {
    const yaml = src("requestPrincipals", '["*"]');
    expect(decide(yaml, {}).decision).toBe("denied");
    expect(decide(yaml, { jwt: jwt("https://issuer.example.com") }).decision).toBe("allowed");
    const exact = src("requestPrincipals", '["https://issuer.example.com/user-1"]');
    expect(decide(exact, { jwt: jwt("https://issuer.example.com", "user-1") }).decision).toBe("allowed");
    expect(decide(exact, { jwt: jwt("https://issuer.example.com", "user-2") }).decision).toBe("denied");
    const anySub = src("requestPrincipals", '["https://issuer.example.com/*"]');
    expect(decide(anySub, { jwt: jwt("https://issuer.example.com", "whoever") }).decision).toBe("allowed");
    expect(decide(anySub, { jwt: jwt("https://other.example.com", "whoever") }).decision).toBe("denied");
  });
});

describe("AuthorizationPolicy: mTLS dependency (istio-semantics §2.7; concepts 'Dependency on mutual TLS')", () => {
  const src = (field: string, action = "ALLOW") => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: foo }
spec:
  action: ${action}
  rules:
  - from:
    - source:
        ${field}: ["bar"]
`;
  it("plaintext has no identity: positive identity fields fail", () => {
    expect(decide(src("namespaces"), {}).decision).toBe("denied");
  });
  it("plaintext has no identity: an ALLOW with notNamespaces lets plaintext in", () => {
    expect(decide(src("notNamespaces"), {}).decision).toBe("allowed");
  });
  it("a DENY on namespaces never catches plaintext", () => {
    expect(decide(src("namespaces", "DENY"), {}).decision).toBe("allowed");
    expect(decide(src("namespaces", "DENY"), { peer: peer("bar", "x") }).decision).toBe("denied");
  });
});

describe("AuthorizationPolicy: TCP ports (AP reference DENY POST on 8080; authz-tcp task)", () => {
  const DENY_POST_8080 = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: httpbin, namespace: foo }
spec:
  action: DENY
  rules:
  - to:
    - operation:
        methods: ["POST"]
        ports: ["8080"]
`;
  it("DENY: the HTTP-only field is dropped, so all TCP traffic on 8080 is denied", () => {
    expect(decide(DENY_POST_8080, { port: 8080 }, { protocol: "TCP" }).decision).toBe("denied");
    expect(decide(DENY_POST_8080, { port: 9000 }, { protocol: "TCP" }).decision).toBe("allowed");
  });
  it("the same policy on an HTTP port denies POST only", () => {
    expect(decide(DENY_POST_8080, { port: 8080, method: "GET" }).decision).toBe("allowed");
    expect(decide(DENY_POST_8080, { port: 8080, method: "POST" }).decision).toBe("denied");
  });
  it("ALLOW: a rule with an HTTP-only field is dropped whole, so TCP traffic is denied", () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: tcp-policy, namespace: foo }
spec:
  action: ALLOW
  rules:
  - to:
    - operation:
        methods: ["GET"]
        ports: ["9000"]
`;
    const d = decide(yaml, { port: 9000 }, { protocol: "TCP" });
    expect(d.decision).toBe("denied");
    expect(d.nearestMisses[0]?.failures).toEqual(["HTTP-only field on a TCP port: Istio drops this ALLOW rule whole"]);
  });
});

describe("AuthorizationPolicy: when keys (conditions reference; istio-semantics §2.5)", () => {
  const when = (key: string, values: string, extra = "values") => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: foo }
spec:
  rules:
  - when:
    - key: ${key}
      ${extra}: ${values}
`;
  it("request.headers[...] names match case-insensitively; a missing header fails values and passes notValues", () => {
    expect(decide(when("request.headers[X-Token]", '["abc"]'), { headers: { "x-token": "abc" } }).decision).toBe("allowed");
    expect(decide(when("request.headers[X-Token]", '["abc"]'), {}).decision).toBe("denied");
    expect(decide(when("request.headers[X-Token]", '["abc"]', "notValues"), {}).decision).toBe("allowed");
  });
  it("request.auth.claims: a list claim matches if any element does; nested [a][b]", () => {
    expect(decide(when("request.auth.claims[groups]", '["admin"]'), { jwt: jwt("i", "s", { groups: ["dev", "admin"] }) }).decision).toBe("allowed");
    expect(decide(when("request.auth.claims[nested][role]", '["x"]'), { jwt: jwt("i", "s", { nested: { role: "x" } }) }).decision).toBe("allowed");
  });
  it("destination.port compares the target port; source.namespace needs mTLS", () => {
    expect(decide(when("destination.port", '["8000"]'), { port: 8000 }).decision).toBe("allowed");
    expect(decide(when("source.namespace", '["default"]'), { peer: sleep }).decision).toBe("allowed");
    expect(decide(when("source.namespace", '["default"]'), {}).decision).toBe("denied");
  });
  it("source.ip is not known from the configuration: the decision depends on it", () => {
    const d = decide(when("source.ip", '["10.0.0.0/8"]'), {});
    expect(d.decision).toBe("depends");
    expect(decide(when("source.ip", '["10.0.0.0/8"]'), { sourceIp: "10.1.2.3" }).decision).toBe("allowed");
  });
  it("an unknown key makes Istio skip the rule (here the only ALLOW rule: denied)", () => {
    const d = decide(when("request.regex.headers[x]", '["y"]'), {});
    expect(d.decision).toBe("denied");
    expect(d.nearestMisses[0]?.failures[0]).toContain("is not valid");
  });
});

describe("policy lookup uses the index, not a scan", () => {
  it("finds selector and namespace-wide policies of a workload among many", () => {
    const many = Array.from({ length: 300 }, (_, i) => `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: p${i}, namespace: ns${i % 10} }\nspec:\n  selector:\n    matchLabels:\n      app: a${i}\n  rules:\n  - {}\n`).join("---\n");
    const model = modelOf(`${service("ns3", "a3")}\n${many}`);
    const selection = policiesForWorkload(model, { namespace: "ns3", labels: { app: "a3" } });
    expect(selection.applied.map((p) => p.id)).toEqual(["ns3/p3"]);
  });
});

describe("entries of rules that are not rules, and selectors that are not label maps", () => {
  const policy = (spec: string, name = "ap") => `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ${name}, namespace: foo }
spec:
${spec}
`;
  it("a null rule matches nothing (Istio: nil rule, rejected by validation, skipped by the RBAC builder); {} still matches everything", () => {
    const nullRule = decide(policy("  rules:\n  - null"), { peer: undefined });
    expect(nullRule.decision).toBe("denied");
    expect(nullRule.nearestMisses).toEqual([{ policy: "foo/ap", rule: 0, failures: [expect.stringContaining("rules[0] is null, not a rule")], location: { file: "inline.yaml", line: expect.any(Number) } }]);
    expect(nullRule.ignored).toEqual([{ policy: "foo/ap", reason: expect.stringContaining("rules[0] is null, not a rule") }]);
    expect(decide(policy("  rules:\n  - {}"), { peer: undefined }).decision).toBe("allowed");
    // A DENY with only a null rule denies nothing.
    expect(decide(policy("  action: DENY\n  rules: [null]"), { peer: undefined }).decision).toBe("allowed");
  });
  it("a selector with a non-string value applies to no workload (not to the whole namespace), with a note", () => {
    const numeric = decide(policy("  selector: { matchLabels: { app: 5 } }\n  rules:\n  - from: [{ source: { namespaces: [\"nobody\"] } }]"), { peer: undefined });
    expect(numeric.decision).toBe("allowed");
    expect(numeric.applied).toEqual([]);
    expect(numeric.ignored).toEqual([{ policy: "foo/ap", reason: "is invalid: selector.matchLabels.app is 5, not a string (quote it); it applies to no workload" }]);
    expect(decide(policy("  selector: { matchLabels: \"app=httpbin\" }\n  rules:\n  - from: [{ source: { namespaces: [\"nobody\"] } }]"), { peer: undefined }).decision).toBe("allowed");
  });
});
