import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CEL_MESSAGE_ALIASES, CEL_RULES_COVERED, CEL_RULES_SKIPPED } from "./cel-coverage.js";
import { check, specYaml } from "./test-helpers.js";

interface CelRule {
  apiVersion: string;
  kind: string;
  path: string;
  rule: string;
  message: string;
}

const rules = JSON.parse(readFileSync(new URL("../../../schemas/cel-rules.json", import.meta.url), "utf8")) as CelRule[];
const key = (r: { kind: string; path: string; message: string }): string => `${r.kind} ${r.path} ${r.message}`;
const DURATION = "must be a valid duration greater than 1ms";

/** A rejected example for every covered rule that is not a duration rule: the spec, and where the problem is. */
const sel = (labels: Record<string, string>): unknown => ({ matchLabels: labels });
const ref = { kind: "Service", name: "a" };
const refNs = { kind: "Service", name: "a", namespace: "other" };
const httpPort = { number: 80, name: "http", protocol: "HTTP" };
function selectorExamples(kind: string, targetRef: boolean): Record<string, { spec: unknown; pointer: string }> {
  return {
    [`${kind} /spec only one of targetRefs or selector can be set`]: { spec: { selector: sel({ app: "a" }), targetRefs: [ref] }, pointer: "/spec" },
    [`${kind} /spec/selector/matchLabels wildcard not allowed in label key match`]: { spec: { selector: sel({ "ap*": "a" }) }, pointer: "/spec/selector/matchLabels/ap*" },
    [`${kind} /spec/selector/matchLabels key must not be empty`]: { spec: { selector: sel({ "": "a" }) }, pointer: "/spec/selector/matchLabels" },
    [`${kind} /spec/selector/matchLabels/* wildcard not allowed in label value match`]: { spec: { selector: sel({ app: "a*" }) }, pointer: "/spec/selector/matchLabels/app" },
    [`${kind} /spec/targetRefs/*/namespace cross namespace referencing is not currently supported`]: { spec: { targetRefs: [refNs] }, pointer: "/spec/targetRefs/0/namespace" },
    ...(targetRef
      ? { [`${kind} /spec/targetRef/namespace cross namespace referencing is not currently supported`]: { spec: { targetRef: refNs }, pointer: "/spec/targetRef/namespace" } }
      : {}),
  };
}
const uds = (address: string, ports?: Record<string, number>): unknown => ({ address, ...(ports === undefined ? {} : { ports }) });
const se = (extra: Record<string, unknown>): unknown => ({ hosts: ["a.example.com"], ports: [httpPort], ...extra });
const wasm = { url: "oci://ghcr.io/acme/filter:v1" };

const EXAMPLES: Record<string, { spec: unknown; pointer: string }> = {
  ...selectorExamples("AuthorizationPolicy", true),
  ...selectorExamples("RequestAuthentication", true),
  ...selectorExamples("Telemetry", true),
  ...selectorExamples("WasmPlugin", true),
  ...selectorExamples("TrafficExtension", false),
  "AuthorizationPolicy /spec/rules/*/from/*/source Cannot set serviceAccounts with namespaces or principals": {
    spec: { rules: [{ from: [{ source: { serviceAccounts: ["ns/a"], principals: ["cluster.local/ns/ns/sa/b"] } }] }] },
    pointer: "/spec/rules/0/from/0/source",
  },
  "DestinationRule /spec/workloadSelector/matchLabels wildcard not allowed in label key match": { spec: { host: "a", workloadSelector: sel({ "ap*": "a" }) }, pointer: "/spec/workloadSelector/matchLabels/ap*" },
  "DestinationRule /spec/workloadSelector/matchLabels key must not be empty": { spec: { host: "a", workloadSelector: sel({ "": "a" }) }, pointer: "/spec/workloadSelector/matchLabels" },
  "DestinationRule /spec/workloadSelector/matchLabels/* wildcard not allowed in label value match": { spec: { host: "a", workloadSelector: sel({ app: "*" }) }, pointer: "/spec/workloadSelector/matchLabels/app" },
  "EnvoyFilter /spec only one of targetRefs or workloadSelector can be set": { spec: { workloadSelector: { labels: { app: "a" } }, targetRefs: [ref] }, pointer: "/spec" },
  "EnvoyFilter /spec/configPatches/*/match only support waypointMatch when context is WAYPOINT": {
    spec: { configPatches: [{ applyTo: "HTTP_FILTER", match: { context: "SIDECAR_INBOUND", waypoint: { portNumber: 80 } }, patch: { operation: "MERGE", value: {} } }] },
    pointer: "/spec/configPatches/0/match",
  },
  "EnvoyFilter /spec/configPatches/*/match/waypoint/portNumber port must be between 1-65535": {
    spec: { configPatches: [{ applyTo: "HTTP_FILTER", match: { context: "WAYPOINT", waypoint: { portNumber: 70000 } }, patch: { operation: "MERGE", value: {} } }] },
    pointer: "/spec/configPatches/0/match/waypoint/portNumber",
  },
  "EnvoyFilter /spec/targetRefs/*/namespace cross namespace referencing is not currently supported": { spec: { targetRefs: [refNs] }, pointer: "/spec/targetRefs/0/namespace" },
  "EnvoyFilter /spec/workloadSelector/labels/* wildcard is not supported in selector": { spec: { workloadSelector: { labels: { app: "a*" } } }, pointer: "/spec/workloadSelector/labels/app" },
  "Gateway /spec/servers/*/tls only one of credentialName or credentialNames can be set": {
    spec: { servers: [{ hosts: ["a.example.com"], port: { number: 443, name: "https", protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialName: "a", credentialNames: ["b"] } }] },
    pointer: "/spec/servers/0/tls",
  },
  "Gateway /spec/servers/*/tls only one of credentialName or tlsCertificates can be set": {
    spec: { servers: [{ hosts: ["a.example.com"], port: { number: 443, name: "https", protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialNames: ["b"], tlsCertificates: [{ serverCertificate: "/c", privateKey: "/k" }] } }] },
    pointer: "/spec/servers/0/tls",
  },
  "Gateway /spec/servers/*/tls only one of credentialNames or tlsCertificates can be set": {
    spec: { servers: [{ hosts: ["a.example.com"], port: { number: 443, name: "https", protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialNames: ["b"], tlsCertificates: [{ serverCertificate: "/c", privateKey: "/k" }] } }] },
    pointer: "/spec/servers/0/tls",
  },
  "PeerAuthentication /spec portLevelMtls requires selector": { spec: { portLevelMtls: { "8080": { mode: "DISABLE" } } }, pointer: "/spec/portLevelMtls" },
  "PeerAuthentication /spec/portLevelMtls port must be between 1-65535": { spec: { selector: sel({ app: "a" }), portLevelMtls: { "0": { mode: "DISABLE" } } }, pointer: "/spec/portLevelMtls/0" },
  "PeerAuthentication /spec/selector/matchLabels wildcard not allowed in label key match": { spec: { selector: sel({ "ap*": "a" }) }, pointer: "/spec/selector/matchLabels/ap*" },
  "PeerAuthentication /spec/selector/matchLabels key must not be empty": { spec: { selector: sel({ "": "a" }) }, pointer: "/spec/selector/matchLabels" },
  "PeerAuthentication /spec/selector/matchLabels/* wildcard not allowed in label value match": { spec: { selector: sel({ app: "a*" }) }, pointer: "/spec/selector/matchLabels/app" },
  "ProxyConfig /spec/selector/matchLabels wildcard not allowed in label key match": { spec: { selector: sel({ "ap*": "a" }) }, pointer: "/spec/selector/matchLabels/ap*" },
  "ProxyConfig /spec/selector/matchLabels key must not be empty": { spec: { selector: sel({ "": "a" }) }, pointer: "/spec/selector/matchLabels" },
  "ProxyConfig /spec/selector/matchLabels/* wildcard not allowed in label value match": { spec: { selector: sel({ app: "a*" }) }, pointer: "/spec/selector/matchLabels/app" },
  "RequestAuthentication /spec/jwtRules/* only one of jwks or jwksUri can be set": {
    spec: { jwtRules: [{ issuer: "https://issuer", jwksUri: "https://issuer/jwks", jwks: '{"keys":[]}' }] },
    pointer: "/spec/jwtRules/0",
  },
  "RequestAuthentication /spec/jwtRules/*/jwksUri url must have scheme http:// or https://": { spec: { jwtRules: [{ issuer: "i", jwksUri: "ftp://issuer/jwks" }] }, pointer: "/spec/jwtRules/0/jwksUri" },
  "RequestAuthentication /spec/jwtRules/*/jwks_uri url must have scheme http:// or https://": { spec: { jwtRules: [{ issuer: "i", jwks_uri: "issuer/jwks" }] }, pointer: "/spec/jwtRules/0/jwks_uri" },
  "ServiceEntry /spec CIDR addresses are allowed only for NONE/STATIC resolution types": { spec: se({ addresses: ["10.0.0.0/16"], resolution: "DNS" }), pointer: "/spec/addresses/0" },
  "ServiceEntry /spec DNS_ROUND_ROBIN mode cannot have multiple endpoints": {
    spec: se({ resolution: "DNS_ROUND_ROBIN", endpoints: [{ address: "a.example.com" }, { address: "b.example.com" }] }),
    pointer: "/spec/endpoints",
  },
  "ServiceEntry /spec NONE mode cannot set endpoints": { spec: se({ endpoints: [{ address: "10.0.0.1" }] }), pointer: "/spec/endpoints" },
  "ServiceEntry /spec only one of WorkloadSelector or Endpoints can be set": {
    spec: se({ resolution: "STATIC", workloadSelector: { labels: { app: "a" } }, endpoints: [{ address: "10.0.0.1" }] }),
    pointer: "/spec",
  },
  "ServiceEntry /spec/endpoints/* Address is required": { spec: se({ resolution: "STATIC", endpoints: [{ labels: { app: "a" } }] }), pointer: "/spec/endpoints/0" },
  "ServiceEntry /spec/endpoints/* UDS may not include ports": { spec: se({ resolution: "STATIC", endpoints: [uds("unix:///var/run/a.sock", { http: 80 })] }), pointer: "/spec/endpoints/0/ports" },
  "ServiceEntry /spec/endpoints/*/address UDS may not be a dir": { spec: se({ resolution: "STATIC", endpoints: [uds("unix:///var/run/")] }), pointer: "/spec/endpoints/0/address" },
  "ServiceEntry /spec/endpoints/*/address UDS must be an absolute path or abstract socket": { spec: se({ resolution: "STATIC", endpoints: [uds("unix://var/a.sock")] }), pointer: "/spec/endpoints/0/address" },
  "ServiceEntry /spec/endpoints/*/ports port name must be valid": { spec: se({ resolution: "STATIC", endpoints: [uds("10.0.0.1", { http_x: 80 })] }), pointer: "/spec/endpoints/0/ports/http_x" },
  "ServiceEntry /spec/endpoints/*/ports/* port must be between 1-65535": { spec: se({ resolution: "STATIC", endpoints: [uds("10.0.0.1", { http: 0 })] }), pointer: "/spec/endpoints/0/ports/http" },
  "ServiceEntry /spec/hosts/* hostname cannot be wildcard": { spec: { hosts: ["*"], ports: [httpPort] }, pointer: "/spec/hosts/0" },
  "ServiceEntry /spec/ports port number cannot be duplicated": { spec: { hosts: ["a.example.com"], ports: [httpPort, { ...httpPort, name: "http-2" }] }, pointer: "/spec/ports/1/number" },
  "ServiceEntry /spec/ports/*/number port must be between 1-65535": { spec: { hosts: ["a.example.com"], ports: [{ ...httpPort, number: 0 }] }, pointer: "/spec/ports/0/number" },
  "ServiceEntry /spec/ports/*/targetPort port must be between 1-65535": { spec: { hosts: ["a.example.com"], ports: [{ ...httpPort, targetPort: 70000 }] }, pointer: "/spec/ports/0/targetPort" },
  "ServiceEntry /spec/workloadSelector/labels/* wildcard is not supported in selector": { spec: se({ workloadSelector: { labels: { app: "a*" } } }), pointer: "/spec/workloadSelector/labels/app" },
  "Sidecar /spec/ingress/*/tls only one of credentialName or credentialNames can be set": {
    spec: { ingress: [{ port: { number: 8443, name: "https", protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialName: "a", credentialNames: ["b"] } }] },
    pointer: "/spec/ingress/0/tls",
  },
  "Sidecar /spec/ingress/*/tls only one of credentialName or tlsCertificates can be set": {
    spec: { ingress: [{ port: { number: 8443, name: "https", protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialNames: ["b"], tlsCertificates: [{ serverCertificate: "/c", privateKey: "/k" }] } }] },
    pointer: "/spec/ingress/0/tls",
  },
  "Sidecar /spec/ingress/*/tls only one of credentialNames or tlsCertificates can be set": {
    spec: { ingress: [{ port: { number: 8443, name: "https", protocol: "HTTPS" }, tls: { mode: "SIMPLE", credentialNames: ["b"], tlsCertificates: [{ serverCertificate: "/c", privateKey: "/k" }] } }] },
    pointer: "/spec/ingress/0/tls",
  },
  "Sidecar /spec/workloadSelector/labels/* wildcard is not supported in selector": { spec: { workloadSelector: { labels: { app: "a*" } }, egress: [{ hosts: ["./*"] }] }, pointer: "/spec/workloadSelector/labels/app" },
  "Telemetry /spec/metrics/*/overrides/*/tagOverrides/* value must not be set when operation is REMOVE": {
    spec: { metrics: [{ overrides: [{ tagOverrides: { request_host: { operation: "REMOVE", value: "request.host" } } }] }] },
    pointer: "/spec/metrics/0/overrides/0/tagOverrides/request_host/value",
  },
  "Telemetry /spec/metrics/*/overrides/*/tagOverrides/* value must be set when operation is UPSERT": {
    spec: { metrics: [{ overrides: [{ tagOverrides: { request_host: { operation: "UPSERT", value: "" } } }] }] },
    pointer: "/spec/metrics/0/overrides/0/tagOverrides/request_host",
  },
  "TrafficExtension /spec exactly one of wasm or lua must be set": { spec: { wasm, lua: { inlineCode: "x" } }, pointer: "/spec" },
  "TrafficExtension /spec/wasm/url url must have schema one of [http, https, file, oci]": { spec: { wasm: { url: "ftp://example.com/f.wasm" } }, pointer: "/spec/wasm/url" },
  "TrafficExtension /spec/wasm/vmConfig/env/* value may only be set when valueFrom is INLINE": {
    spec: { wasm: { ...wasm, vmConfig: { env: [{ name: "POD_NAME", valueFrom: "HOST", value: "x" }] } } },
    pointer: "/spec/wasm/vmConfig/env/0/value",
  },
  "WasmPlugin /spec/url url must have schema one of [http, https, file, oci]": { spec: { url: "localhost:5000/filter" }, pointer: "/spec/url" },
  "WasmPlugin /spec/vmConfig/env/* value may only be set when valueFrom is INLINE": {
    spec: { ...wasm, vmConfig: { env: [{ name: "POD_NAME", valueFrom: "HOST", value: "x" }] } },
    pointer: "/spec/vmConfig/env/0/value",
  },
  "WorkloadEntry /spec UDS may not include ports": { spec: uds("unix:///var/run/a.sock", { http: 80 }), pointer: "/spec/ports" },
  "WorkloadEntry /spec Address is required": { spec: { labels: { app: "a" } }, pointer: "/spec" },
  "WorkloadEntry /spec/address UDS may not be a dir": { spec: uds("unix:///var/run/"), pointer: "/spec/address" },
  "WorkloadEntry /spec/address UDS must be an absolute path or abstract socket": { spec: uds("unix://a.sock"), pointer: "/spec/address" },
  "WorkloadEntry /spec/ports port name must be valid": { spec: uds("10.0.0.1", { "-http": 80 }), pointer: "/spec/ports/-http" },
  "WorkloadEntry /spec/ports/* port must be between 1-65535": { spec: uds("10.0.0.1", { http: 65536 }), pointer: "/spec/ports/http" },
  "WorkloadGroup /spec/probe/grpc/port port must be between 1-65535": { spec: { template: {}, probe: { grpc: { port: 0 } } }, pointer: "/spec/probe/grpc/port" },
  "WorkloadGroup /spec/probe/httpGet/port port must be between 1-65535": { spec: { template: {}, probe: { httpGet: { port: 0 } } }, pointer: "/spec/probe/httpGet/port" },
  "WorkloadGroup /spec/probe/httpGet/scheme scheme must be one of [HTTP, HTTPS]": { spec: { template: {}, probe: { httpGet: { port: 80, scheme: "GRPC" } } }, pointer: "/spec/probe/httpGet/scheme" },
  "WorkloadGroup /spec/probe/tcpSocket/port port must be between 1-65535": { spec: { template: {}, probe: { tcpSocket: { port: 70000 } } }, pointer: "/spec/probe/tcpSocket/port" },
  "WorkloadGroup /spec/template UDS may not include ports": { spec: { template: uds("unix:///a.sock", { http: 80 }) }, pointer: "/spec/template/ports" },
  "WorkloadGroup /spec/template/address UDS may not be a dir": { spec: { template: uds("unix:///var/") }, pointer: "/spec/template/address" },
  "WorkloadGroup /spec/template/address UDS must be an absolute path or abstract socket": { spec: { template: uds("unix://") }, pointer: "/spec/template/address" },
  "WorkloadGroup /spec/template/ports port name must be valid": { spec: { template: uds("10.0.0.1", { "a.b": 80 }) }, pointer: "/spec/template/ports/a.b" },
  "WorkloadGroup /spec/template/ports/* port must be between 1-65535": { spec: { template: uds("10.0.0.1", { http: 0 }) }, pointer: "/spec/template/ports/http" },
};

/** The object a path like /spec/http/*\/timeout describes, holding `value` (each `*` an array of one item). */
function specAt(path: string, value: unknown): unknown {
  const segments = path.split("/").slice(2); // drop "" and "spec"
  return segments.reduceRight<unknown>((inner, segment) => (segment === "*" ? [inner] : { [segment]: inner }), value);
}

describe("CEL rules of the pinned Istio CRDs", () => {
  const distinct = new Map<string, CelRule>();
  for (const r of rules) distinct.set(`${r.kind}\u0000${r.path}\u0000${r.rule}`, r);

  it("are each covered or deliberately skipped, by kind + path + message", () => {
    const listed = new Set([...CEL_RULES_COVERED, ...CEL_RULES_SKIPPED].map(key));
    const missing = [...distinct.values()].filter((r) => !listed.has(key(r))).map(key);
    expect(missing).toEqual([]);
    expect(distinct.size).toBe(159);
  });

  it("has no table entries for rules the CRDs no longer have, and no entry twice", () => {
    const inFile = new Set(rules.map(key));
    const entries = [...CEL_RULES_COVERED, ...CEL_RULES_SKIPPED].map(key);
    expect(entries.filter((k) => !inFile.has(k))).toEqual([]);
    expect(new Set(entries).size).toBe(entries.length);
    expect(CEL_RULES_SKIPPED.every((s) => s.reason.length > 0)).toBe(true);
  });

  it("has one message per rule (kind + path + message identifies a rule)", () => {
    const byKey = new Map<string, Set<string>>();
    for (const r of distinct.values()) byKey.set(key(r), (byKey.get(key(r)) ?? new Set()).add(r.rule));
    expect([...byKey.entries()].filter(([, set]) => set.size > 1)).toEqual([]);
  });

  describe("duration rules reject less than 1ms and accept 1ms", () => {
    const durationRules = CEL_RULES_COVERED.filter((c) => c.message === DURATION);
    it("are all the duration rules", () => expect(durationRules.length).toBe(new Set(rules.filter((r) => r.message === DURATION).map(key)).size));
    for (const rule of durationRules) {
      it(`${rule.kind} ${rule.path}`, () => {
        const pointer = rule.path.replaceAll("*", "0");
        const rejected = check(specYaml(rule.kind, specAt(rule.path, "0s"))).filter((p) => p.pointer === pointer && p.message.includes(DURATION));
        expect(rejected.map((p) => [p.severity, p.message.slice(p.message.indexOf(": ") + 2)])).toEqual([["error", `'0s' ${DURATION}`]]);
        // 1ms passes the CEL rule (istiod may still say more, e.g. corsPolicy.maxAge wants whole seconds).
        expect(check(specYaml(rule.kind, specAt(rule.path, "1ms"))).filter((p) => p.pointer === pointer && p.message.includes(DURATION))).toEqual([]);
      });
    }
  });

  describe("every other rule rejects its example", () => {
    for (const rule of CEL_RULES_COVERED.filter((c) => c.message !== DURATION)) {
      it(key(rule), () => {
        const example = EXAMPLES[key(rule)];
        expect(example, "an example for this rule").toBeDefined();
        if (example === undefined) return;
        const problems = check(specYaml(rule.kind, example.spec));
        const expected = CEL_MESSAGE_ALIASES[rule.message] ?? rule.message;
        const hits = problems.filter((p) => p.severity === "error" && p.pointer === example.pointer && p.message.includes(expected));
        expect(hits, JSON.stringify(problems, null, 2)).toHaveLength(1);
      });
    }
  });
});
