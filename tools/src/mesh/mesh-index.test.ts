import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import type { Resource } from "../model/resource.js";
import { canonicalJson } from "./fields.js";
import { hostSubsetOf, hostsMatch, hostsOverlap, namespaceOfHost, normaliseExportTo, resolveHost, wildcardsCovering } from "./hosts.js";
import { MeshIndex } from "./mesh-index.js";
import { analyzeRouteMatches } from "./route-matches.js";
import { formatSelector, selectorMap } from "./selector.js";
import { isMeshBound, virtualServiceDestinations, virtualServiceGateways } from "./virtual-service.js";

function load(yaml: string): Resource[] {
  const loaded = resourcesFromYaml(yaml, "inline.yaml");
  expect(loaded.findings).toEqual([]);
  return loaded.resources;
}

const REGISTRY = `
apiVersion: v1
kind: Service
metadata:
  name: vapora-backend
  namespace: vapora
  annotations:
    mesh-policy.io/service-account: vapora-backend
    mesh-policy.io/versions: "stable,canary"
spec:
  selector:
    app: vapora-backend
  ports:
    - name: http-api
      port: 8001
---
apiVersion: v1
kind: Service
metadata:
  name: private
  namespace: vapora
  annotations:
    networking.istio.io/exportTo: "."
spec:
  ports:
    - port: 80
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: external
  namespace: vapora
spec:
  hosts: [api.openai.com, "*.anthropic.com"]
  exportTo: ["."]
  ports:
    - number: 443
      name: tls
      protocol: TLS
---
apiVersion: serving.knative.dev/v1
kind: Service
metadata:
  name: knative
  namespace: vapora
spec: {}
`;

describe("MeshIndex registry", () => {
  const index = new MeshIndex(load(REGISTRY));
  const hosts = (entries: readonly { host: string }[]) => entries.map((e) => e.host);

  it("indexes core Services by FQDN and ServiceEntry hosts as written, not other kinds named Service", () => {
    expect(hosts(index.registryEntries())).toEqual([
      "vapora-backend.vapora.svc.cluster.local",
      "private.vapora.svc.cluster.local",
      "api.openai.com",
      "*.anthropic.com",
    ]);
    expect(index.registryEntries()[0]?.ports).toEqual([{ number: 8001, name: "http-api", protocol: undefined, targetPort: 8001 }]);
    expect(index.registryEntries()[0]?.podSelector).toEqual({ app: "vapora-backend" });
    expect(index.registryEntries()[1]?.podSelector).toBeUndefined();
  });

  it("finds exact hosts and the wildcard ServiceEntries covering them, split by exportTo", () => {
    expect(hosts(index.lookupHost("vapora-backend.vapora.svc.cluster.local", "tools").visible)).toEqual(["vapora-backend.vapora.svc.cluster.local"]);
    expect(hosts(index.lookupHost("API.anthropic.com", "vapora").visible)).toEqual(["*.anthropic.com"]);
    const fromTools = index.lookupHost("api.openai.com", "tools");
    expect([hosts(fromTools.visible), hosts(fromTools.hidden)]).toEqual([[], ["api.openai.com"]]);
    expect(hosts(index.lookupHost("private.vapora.svc.cluster.local", "tools").hidden)).toEqual(["private.vapora.svc.cluster.local"]);
    expect(index.lookupHost("nope.vapora.svc.cluster.local", "vapora")).toEqual({ visible: [], hidden: [] });
  });

  it("answers wildcard queries with every entry they overlap", () => {
    expect(hosts(index.lookupHost("*.vapora.svc.cluster.local", "vapora").visible)).toEqual([
      "vapora-backend.vapora.svc.cluster.local",
      "private.vapora.svc.cluster.local",
    ]);
    expect(hosts(index.lookupHost("*.anthropic.com", "vapora").visible)).toEqual(["*.anthropic.com"]);
    expect(hosts(index.lookupHost("*.console.anthropic.com", "vapora").visible)).toEqual(["*.anthropic.com"]);
    expect(hosts(index.lookupHost("*.example.org", "vapora").visible)).toEqual([]);
  });

  it("indexes WorkloadEntries as workloads, and lets a selector with a non-string value select nothing", () => {
    const withVm = new MeshIndex(
      load(`${REGISTRY}
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: vm, namespace: legacy}
spec: {address: 10.0.0.1, labels: {app: ledger}, serviceAccount: ledger, ports: {http: 8080}}
`),
    );
    expect(withVm.knowsWorkloadsIn("legacy")).toBe(true);
    expect(withVm.workloadsMatching("legacy", { app: "ledger" }).map((w) => [w.name, w.serviceAccount, w.containerPorts, w.source.kind])).toEqual([
      ["vm", "ledger", [8080], "WorkloadEntry"],
    ]);
    expect(withVm.workloadsMatching("vapora", selectorMap({ app: "vapora-backend", version: 5 }))).toEqual([]);
    expect(selectorMap({ app: "a", version: 5 })).toBeNull();
    expect(selectorMap(undefined)).toEqual({});
    expect(formatSelector({ app: "a", version: 5 })).toBe("app=a,version=5");
  });

  it("knows workloads by namespace and label, from annotated Services", () => {
    expect(index.knowsWorkloadsIn("vapora")).toBe(true);
    expect(index.knowsWorkloadsIn("istio-ingress")).toBe(false);
    expect(index.workloadsMatching("vapora", { app: "vapora-backend", version: "canary" }).map((w) => w.name)).toEqual(["vapora-backend-canary"]);
    expect(index.workloadsMatching("vapora", { app: "vapora-backend", version: "v2" })).toEqual([]);
    expect(index.workloadsMatching("vapora", {}).length).toBe(2);
    expect(index.labelValuesIn("vapora", "version")).toEqual(["canary", "stable"]);
    expect(index.selectorHint("vapora", { app: "x", tier: "y" })).toBe("Workloads here have app=vapora-backend.");
  });
});

describe("MeshIndex pods implied by Services", () => {
  const index = new MeshIndex(
    load(`${REGISTRY}
---
apiVersion: v1
kind: Service
metadata: {name: ledger, namespace: finance}
spec:
  selector: {app: ledger}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: grpc, port: 9090, targetPort: grpc}]
---
apiVersion: v1
kind: Service
metadata: {name: ledger-headless, namespace: finance}
spec:
  selector: {app: ledger}
  ports: [{name: tcp-peer, port: 7000}]
---
apiVersion: v1
kind: Service
metadata: {name: vapora-backend-canary, namespace: vapora}
spec:
  selector: {app: vapora-backend, version: canary}
  ports: [{name: http, port: 8001}]
`),
  );

  it("gives a Service whose pods nothing describes one pod per selector, listening on its numeric target ports", () => {
    expect(index.inferredWorkloads.map((w) => [w.namespace, w.name, w.labels, w.containerPorts, w.source.name, w.inferred])).toEqual([
      ["finance", "ledger (pods inferred from its Service)", { app: "ledger" }, [8080, 7000], "ledger", true],
    ]);
  });

  it("never counts them as workloads a selector could match, only when asked for the pods behind Services", () => {
    expect(index.knowsWorkloadsIn("finance")).toBe(false);
    expect(index.workloadsMatching("finance", { app: "ledger" })).toEqual([]);
    expect(index.namespacesWithWorkloads()).toEqual(["vapora"]);
    expect(index.podsMatching("finance", { app: "ledger" }, { withInferredPods: true }).map((w) => w.name)).toEqual(["ledger (pods inferred from its Service)"]);
    expect(index.namespacesWithWorkloads({ withInferredPods: true })).toEqual(["finance", "vapora"]);
    expect([...index.serviceAccountsIn("finance")]).toEqual([]);
  });
});

describe("MeshIndex DestinationRule lookup (client namespace, then service namespace, then root)", () => {
  const index = new MeshIndex(
    load(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend, namespace: vapora}
spec:
  host: vapora-backend
  subsets: [{name: stable, labels: {version: stable}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend-canary, namespace: vapora}
spec:
  host: vapora-backend.vapora.svc.cluster.local
  subsets: [{name: canary, labels: {version: canary}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: private, namespace: vapora}
spec:
  host: vapora-agents
  exportTo: ["."]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: everything, namespace: tools}
spec:
  host: "*.svc.cluster.local"
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: selected, namespace: tools}
spec:
  host: vapora-backend.vapora.svc.cluster.local
  workloadSelector: {matchLabels: {app: tools}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: mesh-default, namespace: istio-system}
spec:
  host: "*.local"
`),
  );
  const names = (lookup: ReturnType<MeshIndex["destinationRuleFor"]>) =>
    lookup === undefined ? undefined : [lookup.namespace, lookup.host, lookup.rules.map((r) => r.resource.name)];

  it("merges the DestinationRules of one host in the service's namespace", () => {
    expect(names(index.destinationRuleFor("vapora-backend.vapora.svc.cluster.local", "vapora", "vapora"))).toEqual([
      "vapora",
      "vapora-backend.vapora.svc.cluster.local",
      ["backend", "backend-canary"],
    ]);
  });

  it("lets a wildcard in the client's namespace shadow the service namespace, ignoring workloadSelector ones", () => {
    expect(names(index.destinationRuleFor("vapora-backend.vapora.svc.cluster.local", "tools", "vapora"))).toEqual([
      "tools",
      "*.svc.cluster.local",
      ["everything"],
    ]);
  });

  it("skips DestinationRules not exported to the client and falls back to the root namespace", () => {
    expect(names(index.destinationRuleFor("vapora-agents.vapora.svc.cluster.local", "shop", "vapora"))).toEqual([
      "istio-system",
      "*.local",
      ["mesh-default"],
    ]);
    expect(names(index.destinationRuleFor("api.openai.com", "shop", undefined))).toBeUndefined();
  });

  it("merges DestinationRules as Istio does: equal exportTo, or a newer superset of a non-empty exportTo", () => {
    const merging = new MeshIndex(
      load(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: a-private, namespace: shop, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {host: payments, exportTo: ["."]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: b-public, namespace: shop, creationTimestamp: "2024-01-02T00:00:00Z"}
spec: {host: payments, exportTo: ["*"]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: c-private, namespace: shop, creationTimestamp: "2024-01-03T00:00:00Z"}
spec: {host: payments.shop.svc.cluster.local, exportTo: ["."]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: d-default, namespace: shop, creationTimestamp: "2024-01-04T00:00:00Z"}
spec: {host: payments}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: e-frontend, namespace: shop, creationTimestamp: "2024-01-01T00:00:00Z"}
spec: {host: orders, exportTo: [frontend]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: f-wider, namespace: shop, creationTimestamp: "2024-01-02T00:00:00Z"}
spec: {host: orders, exportTo: [frontend, batch]}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: g-narrower, namespace: shop, creationTimestamp: "2024-01-03T00:00:00Z"}
spec: {host: orders, exportTo: [batch]}
`),
    );
    const groups = merging.destinationRuleMergeGroups().map((g) => [g.host, g.rules.map((r) => r.resource.name), g.how]);
    // "." and "*" stay apart, and no exportTo is not ["*"]; [frontend, batch] merges into [frontend];
    // [batch] is a subset of [frontend, batch], not a superset: it stays independent.
    expect(groups).toEqual([
      ["payments.shop.svc.cluster.local", ["a-private", "c-private"], ["equal"]],
      ["orders.shop.svc.cluster.local", ["e-frontend", "f-wider"], ["superset"]],
    ]);
  });

  it("groups selector-less DestinationRules by namespace and resolved host", () => {
    const vapora = index.destinationRuleGroups().get("vapora");
    expect(vapora?.get("vapora-backend.vapora.svc.cluster.local")?.map((r) => r.resource.name)).toEqual(["backend", "backend-canary"]);
    expect(index.destinationRules().find((r) => r.resource.name === "selected")?.workloadSelector).toEqual({ app: "tools" });
  });
});

describe("VirtualService helpers", () => {
  const [vs, gatewayOnly] = load(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs, namespace: vapora}
spec:
  hosts: [vapora-backend]
  gateways: [mesh, vapora-gateway, istio-ingress/public]
  http:
    - route:
        - destination: {host: vapora-backend, subset: stable, port: {number: 8001}}
      mirror: {host: shadow}
      mirrors:
        - destination: {host: shadow2}
  tcp:
    - route:
        - destination: {host: redis.cache.svc.cluster.local}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: vapora}
spec:
  hosts: [vapora.example.com]
  gateways: [vapora-gateway]
  http: []
`);

  it("lists every route and mirror destination with its pointer", () => {
    expect(virtualServiceDestinations(vs!)).toEqual([
      { label: "http[0].route[0]", kind: "route", pointer: "/spec/http/0/route/0/destination", host: "vapora-backend", subset: "stable", port: 8001 },
      { label: "http[0].mirror", kind: "mirror", pointer: "/spec/http/0/mirror", host: "shadow", subset: undefined, port: undefined },
      { label: "http[0].mirrors[0]", kind: "mirror", pointer: "/spec/http/0/mirrors/0/destination", host: "shadow2", subset: undefined, port: undefined },
      { label: "tcp[0].route[0]", kind: "route", pointer: "/spec/tcp/0/route/0/destination", host: "redis.cache.svc.cluster.local", subset: undefined, port: undefined },
    ]);
  });

  it("resolves gateway references and tells mesh-bound VirtualServices", () => {
    expect(virtualServiceGateways(vs!).map((g) => [g.index, g.mesh, g.namespace, g.name])).toEqual([
      [0, true, "vapora", "mesh"],
      [1, false, "vapora", "vapora-gateway"],
      [2, false, "istio-ingress", "public"],
    ]);
    expect(isMeshBound(vs!)).toBe(true);
    expect(isMeshBound(gatewayOnly!)).toBe(false);
    expect(new MeshIndex([vs!, gatewayOnly!]).virtualServicesByHost().get("vapora-backend.vapora.svc.cluster.local")?.map((r) => r.name)).toEqual(["vs"]);
  });
});

describe("analyzeRouteMatches", () => {
  const routes = [
    { match: [{ uri: { prefix: "/api/" } }, { uri: { exact: "/login" }, name: "login" }] },
    { match: [{ uri: { prefix: "/api/v2" }, headers: { x: { exact: "1" } } }, { uri: { exact: "/login" } }, { uri: { prefix: "/static/" } }] },
    { match: [{ uri: { prefix: "/API/" }, ignoreUriCase: true }] },
    {},
    { match: [{ uri: { exact: "/x" } }] },
  ];

  it("finds duplicates (names aside) and matches under an earlier uri-only prefix, and the first catch-all", () => {
    const { firstCatchAll, covered } = analyzeRouteMatches(routes, "http");
    expect(firstCatchAll).toBe(3);
    expect(covered).toEqual([
      [undefined, undefined],
      [{ route: 0, match: 0, how: "uri" }, { route: 0, match: 1, how: "duplicate" }, undefined],
      [undefined],
      [],
      [undefined],
    ]);
  });

  it("treats an earlier uri-only prefix / as taking everything, and compares tcp matches as a whole", () => {
    expect(analyzeRouteMatches([{ match: [{ uri: { prefix: "/" } }] }, { match: [{ headers: { a: { exact: "b" } } }] }], "http").covered[1]).toEqual([
      { route: 0, match: 0, how: "uri" },
    ]);
    expect(analyzeRouteMatches([{ match: [{ port: 1 }] }, { match: [{ port: 1 }, { port: 2 }] }], "tcp").covered[1]).toEqual([
      { route: 0, match: 0, how: "duplicate" },
      undefined,
    ]);
  });
});

describe("host helpers", () => {
  it("matches hosts like istio's host.Name.Matches and SubsetOf", () => {
    expect(hostsMatch("*.example.com", "api.example.com")).toBe(true);
    expect(hostsMatch("*.com", "*.example.com")).toBe(true);
    expect(hostsMatch("a.example.com", "b.example.com")).toBe(false);
    expect(hostSubsetOf("*.a.example.com", "*.example.com")).toBe(true);
    expect(hostSubsetOf("*.example.com", "*.a.example.com")).toBe(false);
    expect(hostSubsetOf("api.example.com", "*")).toBe(true);
  });

  it("resolve, split and compare hosts the way Istio does", () => {
    expect(resolveHost("reviews", "prod")).toBe("reviews.prod.svc.cluster.local");
    expect(resolveHost("reviews.prod", "default")).toBe("reviews.prod");
    expect(namespaceOfHost("reviews.prod.svc.cluster.local")).toBe("prod");
    expect(namespaceOfHost("api.openai.com")).toBeUndefined();
    expect(wildcardsCovering("a.b.c")).toEqual(["*.b.c", "*.c", "*"]);
    expect(hostsOverlap("*.example.com", "www.example.com")).toBe(true);
    expect(hostsOverlap("www.example.com", "*.example.com")).toBe(true);
    expect(hostsOverlap("*.example.com", "example.com")).toBe(false);
    expect(hostsOverlap("*.a.example.com", "*.example.com")).toBe(true);
    expect(hostsOverlap("a.example.com", "b.example.com")).toBe(false);
    expect(normaliseExportTo(undefined, "ns")).toEqual(["*"]);
    expect(normaliseExportTo([".", "other", "~"], "ns")).toEqual(["ns", "other"]);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
  });
});
