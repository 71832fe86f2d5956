import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { diffAccess, diffAccessMatrices } from "./access-diff.js";
import { computeAccessMatrix } from "./access-matrix.js";
import { fixtureResources, yamlResources } from "./fixtures/support.js";

/**
 * The incremental access diff (only the cells a change can reach) must equal the full one (two
 * whole matrices compared) on any mesh and any change: random meshes of Services, namespaces,
 * AuthorizationPolicies, PeerAuthentications, DestinationRules and RequestAuthentications, changed
 * by removing, replacing or adding objects.
 */

const NAMESPACES = ["a", "b", "istio-system"] as const;
const SERVICES = ["s1", "s2", "s3", "s4"] as const;

type Doc = Record<string, unknown>;

const namespaceArb = fc.constantFrom(...NAMESPACES);
const serviceNameArb = fc.constantFrom(...SERVICES);

const namespaceDoc = fc.record({ name: fc.constantFrom("a", "b"), injection: fc.constantFrom("enabled", "disabled", undefined) }).map(
  ({ name, injection }): Doc => ({ apiVersion: "v1", kind: "Namespace", metadata: { name, ...(injection === undefined ? {} : { labels: { "istio-injection": injection } }) } }),
);

const serviceDoc = fc
  .record({
    name: serviceNameArb,
    namespace: fc.constantFrom("a", "b"),
    account: fc.constantFrom("sa1", "sa2", undefined),
    versions: fc.boolean(),
    portName: fc.constantFrom("http-api", "tcp-db", "grpc"),
    targetPort: fc.constantFrom(8080, 9090),
  })
  .map(
    (s): Doc => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: s.name,
        namespace: s.namespace,
        annotations: { "mesh-policy.io/service-account": s.account ?? s.name, ...(s.versions ? { "mesh-policy.io/versions": "stable,canary" } : {}) },
      },
      spec: { selector: { app: s.name }, ports: [{ name: s.portName, port: 80, targetPort: s.targetPort }] },
    }),
  );

const sourceArb = fc.oneof(
  fc.record({ principals: fc.subarray(["cluster.local/ns/a/sa/sa1", "cluster.local/ns/b/sa/s2", "cluster.local/ns/istio-ingress/sa/istio-ingressgateway", "*"], { minLength: 1 }) }),
  fc.record({ namespaces: fc.subarray(["a", "b"], { minLength: 1 }) }),
  fc.record({ notNamespaces: fc.subarray(["a", "b"], { minLength: 1 }) }),
  fc.record({ requestPrincipals: fc.constant(["*"]) }),
);
const operationArb = fc.record(
  { methods: fc.subarray(["GET", "POST"], { minLength: 1 }), paths: fc.subarray(["/api/*", "/admin*"], { minLength: 1 }), ports: fc.subarray(["8080", "9090"], { minLength: 1 }) },
  { requiredKeys: [] },
);
const ruleArb = fc.record({ from: fc.array(fc.record({ source: sourceArb }), { minLength: 1, maxLength: 2 }), to: fc.array(fc.record({ operation: operationArb }), { maxLength: 1 }) }, { requiredKeys: [] });

const authorizationPolicyDoc = fc
  .record({
    namespace: namespaceArb,
    app: fc.option(serviceNameArb, { nil: undefined }),
    action: fc.constantFrom("ALLOW", "DENY", "CUSTOM", "AUDIT"),
    rules: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }),
  })
  .map(
    (p): Doc => ({
      apiVersion: "security.istio.io/v1",
      kind: "AuthorizationPolicy",
      metadata: { namespace: p.namespace },
      spec: {
        ...(p.app === undefined ? {} : { selector: { matchLabels: { app: p.app } } }),
        ...(p.action === "ALLOW" ? {} : { action: p.action }),
        ...(p.action === "CUSTOM" ? { provider: { name: "opa" } } : {}),
        ...(p.rules === undefined ? {} : { rules: p.rules }),
      },
    }),
  );

const peerAuthenticationDoc = fc
  .record({
    namespace: namespaceArb,
    app: fc.option(serviceNameArb, { nil: undefined }),
    mode: fc.constantFrom("STRICT", "PERMISSIVE", "DISABLE"),
    portMode: fc.option(fc.constantFrom("STRICT", "PERMISSIVE", "DISABLE"), { nil: undefined }),
  })
  .map(
    (p): Doc => ({
      apiVersion: "security.istio.io/v1",
      kind: "PeerAuthentication",
      metadata: { namespace: p.namespace },
      spec: {
        ...(p.app === undefined ? {} : { selector: { matchLabels: { app: p.app } } }),
        mtls: { mode: p.mode },
        ...(p.app !== undefined && p.portMode !== undefined ? { portLevelMtls: { "8080": { mode: p.portMode } } } : {}),
      },
    }),
  );

const destinationRuleDoc = fc
  .record({
    namespace: namespaceArb,
    host: fc.constantFrom("s1", "s2.b.svc.cluster.local", "*.a.svc.cluster.local"),
    tls: fc.option(fc.constantFrom("DISABLE", "ISTIO_MUTUAL", "SIMPLE"), { nil: undefined }),
    selectClients: fc.option(serviceNameArb, { nil: undefined }),
  })
  .map(
    (d): Doc => ({
      apiVersion: "networking.istio.io/v1",
      kind: "DestinationRule",
      metadata: { namespace: d.namespace },
      spec: {
        host: d.host,
        ...(d.tls === undefined ? {} : { trafficPolicy: { tls: { mode: d.tls } } }),
        ...(d.selectClients === undefined ? {} : { workloadSelector: { matchLabels: { app: d.selectClients } } }),
      },
    }),
  );

const requestAuthenticationDoc = namespaceArb.map(
  (namespace): Doc => ({ apiVersion: "security.istio.io/v1", kind: "RequestAuthentication", metadata: { namespace }, spec: { jwtRules: [{ issuer: "https://idp.example.com" }] } }),
);

const anyDoc = fc.oneof(
  { arbitrary: serviceDoc, weight: 3 },
  { arbitrary: authorizationPolicyDoc, weight: 4 },
  { arbitrary: peerAuthenticationDoc, weight: 2 },
  { arbitrary: destinationRuleDoc, weight: 2 },
  { arbitrary: namespaceDoc, weight: 1 },
  { arbitrary: requestAuthenticationDoc, weight: 1 },
);

const meshArb = fc.array(anyDoc, { minLength: 1, maxLength: 14 });

type Change = { op: "remove"; at: number } | { op: "replace"; at: number; doc: Doc } | { op: "add"; doc: Doc };
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  fc.record({ op: fc.constant("remove" as const), at: fc.nat() }),
  fc.record({ op: fc.constant("replace" as const), at: fc.nat(), doc: anyDoc }),
  fc.record({ op: fc.constant("add" as const), doc: anyDoc }),
);

function applyChanges(docs: readonly Doc[], changes: readonly Change[]): Doc[] {
  const result = [...docs];
  for (const change of changes) {
    if (change.op === "add") result.push(change.doc);
    else if (result.length > 0) result.splice(change.at % result.length, 1, ...(change.op === "replace" ? [change.doc] : []));
  }
  return result;
}

/** Distinct names (the index) for the policy kinds; Services, Namespaces keep theirs, first one wins. */
function toYaml(docs: readonly Doc[]): string {
  const seen = new Set<string>();
  const unique: Doc[] = [];
  docs.forEach((doc, index) => {
    const metadata = doc["metadata"] as Record<string, unknown>;
    const named = metadata["name"] === undefined ? { ...doc, metadata: { ...metadata, name: `p${index}` } } : doc;
    const m = named["metadata"] as Record<string, unknown>;
    const key = `${String(named["kind"])}/${String(m["namespace"] ?? "")}/${String(m["name"])}`;
    if (seen.has(key)) return;
    seen.add(key);
    unique.push(named);
  });
  return unique.map((doc) => stringify(doc)).join("---\n");
}

function fullDiff(beforeYaml: string, afterYaml: string) {
  return diffAccessMatrices(computeAccessMatrix(yamlResources(beforeYaml)), computeAccessMatrix(yamlResources(afterYaml)));
}

describe("incremental access diff equals the full one", () => {
  it("on the shop fixture, both ways", () => {
    const before = fixtureResources("shop-before.yaml");
    const after = fixtureResources("shop-after.yaml");
    expect(diffAccess(before, after)).toEqual(diffAccessMatrices(computeAccessMatrix(before), computeAccessMatrix(after)));
    expect(diffAccess(after, before)).toEqual(diffAccessMatrices(computeAccessMatrix(after), computeAccessMatrix(before)));
  });

  it("on random meshes and random changes", () => {
    fc.assert(
      fc.property(meshArb, fc.array(changeArb, { minLength: 1, maxLength: 3 }), (docs, changes) => {
        const beforeYaml = toYaml(docs);
        const afterYaml = toYaml(applyChanges(docs, changes));
        expect(diffAccess(yamlResources(beforeYaml), yamlResources(afterYaml))).toEqual(fullDiff(beforeYaml, afterYaml));
      }),
      { numRuns: 300 },
    );
  });
});

describe("a change of access too wide to list", () => {
  it("is refused with what to do, not listed until memory runs out", () => {
    const before = fixtureResources("shop-before.yaml");
    const after = fixtureResources("shop-after.yaml");
    expect(diffAccess(before, after, { environment: "prod", maxChangedPairs: 20 }).changes).toHaveLength(9);
    expect(() => diffAccess(before, after, { environment: "prod", maxChangedPairs: 2 })).toThrow(
      /^who can reach whom in prod changes for more than 2 pairs of source and workload port: too many to list\. Split the change/,
    );
  });
});
