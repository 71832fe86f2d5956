import { describe, expect, it } from "vitest";
import { check, lines, specYaml } from "./test-helpers.js";

const ap = (spec: unknown, metadata: Record<string, unknown> = {}): string => specYaml("AuthorizationPolicy", spec, metadata);
const from = (source: unknown): unknown => ({ from: [{ source }] });
const toOp = (operation: unknown): unknown => ({ to: [{ operation }] });

describe("AuthorizationPolicy admission", () => {
  it("accepts the reference page's examples (ALLOW with when, DENY, CUSTOM, allow-nothing, allow-all, templates, service accounts)", () => {
    const yaml = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: httpbin
  namespace: foo
spec:
  action: ALLOW
  rules:
  - from:
    - source:
        principals: ["cluster.local/ns/default/sa/sleep"]
    - source:
        namespaces: ["test"]
    - source:
        serviceAccounts: ["default/curl", "sleep"]
    to:
    - operation:
        methods: ["GET"]
        paths: ["/info*", "/foo/{*}/bar/{**}"]
    - operation:
        methods: ["POST"]
        paths: ["/data"]
    when:
    - key: request.auth.claims[iss]
      values: ["https://accounts.google.com"]
    - key: source.ip
      notValues: ["10.1.0.0/16"]
`;
    expect(lines(check(yaml))).toEqual([]);
    expect(lines(check(ap({ action: "DENY", rules: [from({ notNamespaces: ["foo"] })] })))).toEqual([]);
    expect(lines(check(ap({ selector: { matchLabels: { app: "httpbin" } }, action: "CUSTOM", provider: { name: "my-custom-authz" }, rules: [toOp({ paths: ["/admin/*"] })] })))).toEqual([]);
    expect(lines(check(ap({})))).toEqual([]);
    expect(lines(check(ap({ rules: [{}] })))).toEqual([]);
    expect(lines(check(ap({ action: "DENY", rules: [toOp({ methods: ["POST"], ports: ["8080"] })] }, { annotations: { "istio.io/dry-run": "true" } })))).toEqual([]);
  });

  describe("sources", () => {
    it("rejects serviceAccounts combined with principals or namespaces (CEL and istiod)", () => {
      expect(lines(check(ap({ rules: [from({ serviceAccounts: ["default/sleep"], principals: ["cluster.local/ns/default/sa/sleep"] })] })))).toEqual([
        "error /spec/rules/0/from/0/source: spec.rules[0].from[0].source: Cannot set serviceAccounts with namespaces or principals: serviceAccounts cannot be combined with principals or namespaces in one source; put them in separate from entries",
      ]);
    });
    it("rejects wildcards and bad forms in serviceAccounts, more than 16 of them", () => {
      expect(lines(check(ap({ rules: [from({ serviceAccounts: ["default/*"] }), from({ notServiceAccounts: ["a/b/c"] }), from({ serviceAccounts: Array.from({ length: 17 }, (_, i) => `sa-${i}`) })] })))).toEqual([
        "error /spec/rules/0/from/0/source/serviceAccounts: spec.rules[0].from[0].source.serviceAccounts: wildcard not allowed ('default/*'), found in serviceAccounts",
        "error /spec/rules/1/from/0/source/notServiceAccounts: spec.rules[1].from[0].source.notServiceAccounts: expected format 'serviceAccount' or 'namespace/serviceAccount', found 'a/b/c', found in notServiceAccounts",
        "error /spec/rules/2/from/0/source/serviceAccounts: spec.rules[2].from[0].source.serviceAccounts: may not have more than 16 values, found in serviceAccounts",
      ]);
    });
    it("rejects empty sources, empty values and bad IP blocks", () => {
      expect(lines(check(ap({ rules: [from({}), from({ principals: [""], ipBlocks: ["10.0.0.256", "10.0.0.0/40"] })] })))).toEqual([
        "error /spec/rules/0/from/0/source: spec.rules[0].from[0].source: `from.source` must not be empty: set principals, namespaces, serviceAccounts, ipBlocks or another field, or remove the from",
        "error /spec/rules/1/from/0/source/ipBlocks/0: spec.rules[1].from[0].source.ipBlocks[0]: bad IP address (10.0.0.256)",
        "error /spec/rules/1/from/0/source/ipBlocks/1: spec.rules[1].from[0].source.ipBlocks[1]: bad CIDR range (10.0.0.0/40): use an IP address or a CIDR such as 10.0.0.0/16",
        "error /spec/rules/1/from/0/source/principals/0: spec.rules[1].from[0].source.principals[0]: empty value not allowed, found in principals",
      ]);
    });
    it("checks trust domains as istiod does: no '/' in a source, one wildcard at an end", () => {
      expect(lines(check(ap({ rules: [{ from: [{ source: { trustDomains: ["td/x", "a*b", "*.td", "**"] } }], when: [{ key: "source.trustDomain", values: ["td/x", "x*y"] }] }] })))).toEqual([
        "error /spec/rules/0/from/0/source/trustDomains/0: spec.rules[0].from[0].source.trustDomains[0]: trust domain 'td/x' must not contain '/'",
        "error /spec/rules/0/from/0/source/trustDomains/1: spec.rules[0].from[0].source.trustDomains[1]: wildcard is only allowed at the start or end ('a*b')",
        "error /spec/rules/0/from/0/source/trustDomains/3: spec.rules[0].from[0].source.trustDomains[3]: at most one wildcard is allowed ('**')",
        "error /spec/rules/0/when/0/values: spec.rules[0].when[0].values: invalid `value` for `key` source.trustDomain: wildcard is only allowed at the start or end ('x*y')",
      ]);
    });
    it("accepts from: [] and to: [], which istiod decodes as absent (any source, any operation)", () => {
      expect(lines(check(ap({ rules: [{ from: [] }, { to: [], when: [{ key: "source.ip", values: ["10.0.0.0/8"] }] }] })))).toEqual([]);
    });
  });

  describe("operations", () => {
    it("rejects empty operations and ports outside 0-65535", () => {
      expect(lines(check(ap({ rules: [toOp({}), toOp({ ports: ["http", "65536", "0"] })] })))).toEqual([
        "error /spec/rules/0/to/0/operation: spec.rules[0].to[0].operation: `to.operation` must not be empty: set ports, methods, paths or hosts, or remove the to",
        "error /spec/rules/1/to/0/operation/ports/0: spec.rules[1].to[0].operation.ports[0]: bad port (http): a port is a number in 0..65535",
        "error /spec/rules/1/to/0/operation/ports/1: spec.rules[1].to[0].operation.ports[1]: bad port (65536): a port is a number in 0..65535",
      ]);
    });
    it("accepts {*} and {**} path templates only as whole segments, {**} last", () => {
      expect(lines(check(ap({ rules: [toOp({ paths: ["/foo/{**}/bar/{*}", "/foo/{*}.txt", "/foo/{*}/*", "/foo/{**}"] })] })))).toEqual([
        "error /spec/rules/0/to/0/operation/paths/0: spec.rules[0].to[0].operation.paths[0]: '/foo/{**}/bar/{*}': invalid or unsupported path template: {**} is not the last operator",
        "error /spec/rules/0/to/0/operation/paths/1: spec.rules[0].to[0].operation.paths[1]: '/foo/{*}.txt': invalid or unsupported path template: contains '{' or '}' beyond a supported path template ({*} or {**} as a whole segment)",
        "error /spec/rules/0/to/0/operation/paths/2: spec.rules[0].to[0].operation.paths[2]: '/foo/{*}/*': invalid or unsupported path template: contains segment '*' with invalid string literal (no * or empty segments in a template)",
      ]);
    });
  });

  describe("conditions", () => {
    it("knows the condition keys and checks their values", () => {
      const when = [
        { key: "request.header[x-token]", values: ["a"] },
        { key: "destination.labels[app]", values: ["a"] },
        { key: "source.ip", values: ["10.1.2"] },
        { key: "destination.port", notValues: ["99999"] },
        { key: "request.headers", values: ["a"] },
        { key: "connection.sni" },
        { key: "source.serviceAccount", values: ["ns/sa", ""] },
      ];
      expect(lines(check(ap({ rules: [{ when }] })))).toEqual([
        "error /spec/rules/0/when/0/values: spec.rules[0].when[0].values: invalid `value` for `key` request.header[x-token]: unknown attribute: request.header[x-token] (see https://istio.io/latest/docs/reference/config/security/conditions/)",
        "error /spec/rules/0/when/1/values: spec.rules[0].when[1].values: invalid `value` for `key` destination.labels[app]: attribute destination.labels[app] is replaced by the workload selector",
        "error /spec/rules/0/when/2/values: spec.rules[0].when[2].values: invalid `value` for `key` source.ip: bad IP address (10.1.2)",
        "error /spec/rules/0/when/3/notValues: spec.rules[0].when[3].notValues: invalid `notValue` for `key` destination.port: bad port (99999): a port is a number in 0..65535",
        "error /spec/rules/0/when/4/values: spec.rules[0].when[4].values: invalid `value` for `key` request.headers: bad key (request.headers): should have format a[b]",
        "error /spec/rules/0/when/5: spec.rules[0].when[5]: at least one of `values` or `notValues` must be set for key connection.sni",
        "error /spec/rules/0/when/6/values: spec.rules[0].when[6].values: invalid `value` for `key` source.serviceAccount: empty value not allowed, found in source.serviceAccount",
      ]);
    });
  });

  describe("actions", () => {
    it("rejects DENY and CUSTOM without rules, CUSTOM without provider, provider without CUSTOM", () => {
      expect(lines(check(ap({ action: "DENY" })))).toEqual([
        "error /spec: spec: DENY action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request",
      ]);
      expect(lines(check(ap({ action: "CUSTOM", provider: { name: "ext" } })))).toEqual([
        "error /spec: spec: CUSTOM action without `rules` is meaningless as it will never be triggered, add an empty rule `{}` if you want it be triggered for every request",
      ]);
      expect(lines(check(ap({ action: "CUSTOM", rules: [{}] })))).toEqual([
        "error /spec/provider: spec.provider: `provider.name` must not be empty: name an extension provider from meshConfig.extensionProviders",
      ]);
      expect(lines(check(ap({ provider: { name: "ext" }, rules: [{}] })))).toEqual([
        "error /spec/provider: spec.provider: `provider` must not be with non CUSTOM action, found ALLOW",
      ]);
    });
    it("rejects identity fields and JWT conditions in CUSTOM rules", () => {
      const spec = { action: "CUSTOM", provider: { name: "ext" }, rules: [{ from: [{ source: { namespaces: ["a"], ipBlocks: ["10.0.0.0/8"] } }], when: [{ key: "request.auth.claims[iss]", values: ["x"] }, { key: "source.principal", values: ["x"] }] }] };
      expect(lines(check(ap(spec)))).toEqual([
        "error /spec/rules/0/from/0/source/namespaces: spec.rules[0].from[0].source.namespaces: namespaces is currently not supported with CUSTOM action; use an ALLOW or DENY policy for identities",
        "error /spec/rules/0/when/0/key: spec.rules[0].when[0].key: request.auth.claims[iss] is currently not supported with CUSTOM action",
        "error /spec/rules/0/when/1/key: spec.rules[0].when[1].key: source.principal is currently not supported with CUSTOM action",
      ]);
    });
    it("warns that a DENY rule with only HTTP attributes denies all TCP traffic", () => {
      expect(lines(check(ap({ action: "DENY", rules: [toOp({ methods: ["DELETE"] }), from({ requestPrincipals: ["*"] })] })))).toEqual([
        "warning /spec/rules/0: spec.rules[0]: configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port",
        "warning /spec/rules/1: spec.rules[1]: configured AuthorizationPolicy will deny all traffic to TCP ports under its scope due to the use of only HTTP attributes in a DENY rule; it is recommended to explicitly specify the port",
      ]);
      expect(lines(check(ap({ action: "DENY", rules: [toOp({ methods: ["DELETE"], ports: ["8080"] })] })))).toEqual([]);
    });
    it("takes istio.io/dry-run only on ALLOW and DENY, with a boolean", () => {
      expect(lines(check(ap({ rules: [{}] }, { annotations: { "istio.io/dry-run": "yes" } })))).toEqual([
        'error /metadata/annotations/istio.io~1dry-run: metadata.annotations[istio.io/dry-run]: ns/x has annotation istio.io/dry-run with invalid value (yes): use "true" or "false"',
      ]);
      expect(lines(check(ap({ action: "AUDIT", rules: [{}] }, { annotations: { "istio.io/dry-run": "true" } })))).toEqual([
        "error /metadata/annotations/istio.io~1dry-run: metadata.annotations[istio.io/dry-run]: the annotation istio.io/dry-run currently only supports action ALLOW/DENY, found action AUDIT in ns/x",
      ]);
    });
  });

  describe("selecting workloads", () => {
    it("takes one of selector, targetRef, targetRefs; targets in the policy's namespace, of a known kind", () => {
      const spec = { selector: { matchLabels: { app: "a" } }, targetRefs: [{ kind: "Deployment", name: "a" }, { group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw", namespace: "other" }] };
      expect(lines(check(ap(spec)))).toEqual([
        "error /spec: spec: only one of targetRefs or selector can be set (found selector and targetRefs); keep one",
        "error /spec/targetRefs/0: spec.targetRefs[0]: targetRef must be to one of Service, ServiceEntry (networking.istio.io), Gateway or GatewayClass (gateway.networking.k8s.io) but was /Deployment",
        "error /spec/targetRefs/1/namespace: spec.targetRefs[1].namespace: cross namespace referencing is not currently supported ('other'); remove namespace, the target must be in the policy's namespace",
      ]);
    });
    it("rejects wildcards in selectors, warns about a selector without labels", () => {
      expect(lines(check(ap({ selector: { matchLabels: { app: "web-*" } } })))).toEqual([
        "error /spec/selector/matchLabels/app: spec.selector.matchLabels[app]: wildcard not allowed in label value match ('web-*'); selectors compare labels exactly, give the exact value",
      ]);
      expect(lines(check(ap({ selector: {} })))).toEqual([
        "warning /spec/selector: spec.selector: workload selector specified without labels: it selects every workload in the namespace; add matchLabels or remove the selector",
      ]);
    });
  });

  it("never throws on odd input", () => {
    for (const spec of [null, { rules: [null, 1, { from: [null, { source: null }], to: [{ operation: [] }], when: [null, {}] }] }, { action: 3, selector: [] }]) {
      expect(() => check(ap(spec))).not.toThrow();
    }
  });
});
