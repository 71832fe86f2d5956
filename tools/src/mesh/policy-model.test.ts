import { describe, expect, it } from "vitest";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { authorizationRules, isAllowNothing, isDryRun, parsePrincipal, portScopeOf } from "./authorization-policy.js";
import { MeshIndex } from "./mesh-index.js";
import { isNamespaceWide, matchLabelsOf } from "./policy-scope.js";
import { PolicyModel } from "./policy-model.js";
import { protocolOfServicePort } from "./protocol.js";
import { compareByAge } from "./resource-order.js";
import type { Workload } from "./workloads.js";

function modelOf(yaml: string): { model: PolicyModel; index: MeshIndex } {
  const loaded = resourcesFromYaml(yaml, "test.yaml");
  if (loaded.findings.length > 0) throw new Error(loaded.findings[0]?.message);
  const index = new MeshIndex(loaded.resources);
  return { model: PolicyModel.of(index), index };
}

function workload(index: MeshIndex, name: string): Workload {
  const found = index.workloads.find((w) => w.name === name);
  if (found === undefined) throw new Error(`no workload ${name}`);
  return found;
}

const service = (name: string, namespace: string, ports = "  - {name: http, port: 80, targetPort: 8080}") => `
apiVersion: v1
kind: Service
metadata:
  name: ${name}
  namespace: ${namespace}
  annotations:
    mesh-policy.io/service-account: ${name}
spec:
  selector:
    app: ${name}
  ports:
${ports}
---`;

const peerAuthentication = (name: string, namespace: string, body: string, extraMetadata = "") => `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: ${name}
  namespace: ${namespace}
${extraMetadata}
spec:
${body}
---`;

describe("PolicyModel: effective PeerAuthentication mode (§3.1)", () => {
  it("is Istio's PERMISSIVE default when no PeerAuthentication applies", () => {
    const { model, index } = modelOf(service("api", "shop"));
    expect(model.effectiveMtls(workload(index, "api"), 8080)).toEqual({ mode: "PERMISSIVE", level: "default", policy: undefined, pointer: "" });
  });

  it("takes mesh, then namespace, then workload, then port level; UNSET inherits", () => {
    const { model, index } = modelOf(
      service("api", "shop") +
        service("web", "shop") +
        service("db", "data") +
        peerAuthentication("default", "istio-system", "  mtls: {mode: STRICT}") +
        peerAuthentication("default", "shop", "  mtls: {mode: PERMISSIVE}") +
        peerAuthentication("default", "data", "  mtls: {mode: UNSET}") +
        peerAuthentication("api", "shop", '  selector: {matchLabels: {app: api}}\n  mtls: {mode: STRICT}\n  portLevelMtls: {"9090": {mode: DISABLE}}'),
    );
    const api = workload(index, "api");
    expect(model.effectiveMtls(api, 8080)).toMatchObject({ mode: "STRICT", level: "workload", pointer: "/spec/mtls/mode" });
    expect(model.effectiveMtls(api, 9090)).toMatchObject({ mode: "DISABLE", level: "port", pointer: "/spec/portLevelMtls/9090/mode" });
    expect(model.effectiveMtls(workload(index, "web"), 8080)).toMatchObject({ mode: "PERMISSIVE", level: "namespace" });
    expect(model.effectiveMtls(workload(index, "db"))).toMatchObject({ mode: "STRICT", level: "mesh" });
    expect(model.namespaceMtls("shop")).toMatchObject({ mode: "PERMISSIVE", level: "namespace" });
    expect(model.namespacePeerAuthentication("shop")?.name).toBe("default");
  });

  it("ignores root-namespace policies with a selector, and lets the oldest of duplicates win", () => {
    const { model, index } = modelOf(
      service("api", "shop") +
        peerAuthentication("legacy", "istio-system", "  selector: {matchLabels: {app: api}}\n  mtls: {mode: DISABLE}") +
        peerAuthentication("b-newer", "shop", "  mtls: {mode: PERMISSIVE}", '  creationTimestamp: "2024-02-01T00:00:00Z"') +
        peerAuthentication("z-older", "shop", "  mtls: {mode: STRICT}", '  creationTimestamp: "2024-01-01T00:00:00Z"'),
    );
    expect(model.effectiveMtls(workload(index, "api"), 8080)).toMatchObject({ mode: "STRICT", level: "namespace" });
    expect(model.effectiveMtls(workload(index, "api"), 8080).policy?.name).toBe("z-older");
  });

  it("orders by creation time (absent = oldest), then name", () => {
    const { index } = modelOf(
      peerAuthentication("b", "shop", "  mtls: {}") +
        peerAuthentication("a", "shop", "  mtls: {}", '  creationTimestamp: "2024-01-01T00:00:00Z"') +
        peerAuthentication("c", "shop", "  mtls: {}"),
    );
    expect([...index.kind("PeerAuthentication")].sort(compareByAge).map((r) => r.name)).toEqual(["b", "c", "a"]);
  });
});

describe("PolicyModel: which policies apply to a workload (§2.1)", () => {
  const policies = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: namespace-wide, namespace: shop}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: api-only, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: root-selector, namespace: istio-system}
spec:
  selector: {matchLabels: {app: db}}
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: mesh-wide, namespace: istio-system}
spec:
  action: DENY
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: waypoint, namespace: shop}
spec:
  targetRefs: [{kind: Service, group: "", name: api}]
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: other-namespace, namespace: data}
spec:
  selector: {matchLabels: {app: api}}
  rules: [{}]
`;

  it("selects by namespace, labels, the root namespace across namespaces, and never by targetRefs", () => {
    const { model, index } = modelOf(service("api", "shop") + service("web", "shop") + service("db", "data") + policies);
    const names = (w: string) => model.authorizationPoliciesFor(workload(index, w)).map((p) => p.name).sort();
    expect(names("api")).toEqual(["api-only", "mesh-wide", "namespace-wide"]);
    expect(names("web")).toEqual(["mesh-wide", "namespace-wide"]);
    expect(names("db")).toEqual(["mesh-wide", "root-selector"]);
    const waypoint = index.kind("AuthorizationPolicy").find((p) => p.name === "waypoint");
    expect(waypoint && model.authorizationPolicyWorkloads(waypoint)).toEqual([]);
  });

  it("knows namespaces with workloads and their service accounts", () => {
    const { index } = modelOf(
      service("api", "shop") + "\napiVersion: v1\nkind: ServiceAccount\nmetadata: {name: batch, namespace: shop}\n",
    );
    expect(index.namespacesWithWorkloads()).toEqual(["shop"]);
    expect(index.knowsWorkloadsIn("istio-ingress")).toBe(false);
    expect([...index.serviceAccountsIn("shop")].sort()).toEqual(["api", "batch"]);
  });
});

describe("PolicyModel: selectors with a non-string value select nothing", () => {
  const yaml =
    service("api", "shop") +
    service("web", "shop") +
    `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: numeric, namespace: shop}
spec:
  selector: {matchLabels: {app: api, version: 5}}
  rules: [{}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: numeric, namespace: shop}
spec:
  selector: {matchLabels: {tier: 1}}
  mtls: {mode: DISABLE}
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: shop}
spec:
  mtls: {mode: STRICT}
`;

  it("applies such a policy to no workload, and does not count it as namespace-wide", () => {
    const { model, index } = modelOf(yaml);
    const policy = index.kind("AuthorizationPolicy").find((p) => p.name === "numeric");
    expect(policy && model.authorizationPolicyWorkloads(policy)).toEqual([]);
    expect(policy && isNamespaceWide(policy)).toBe(false);
    expect(policy && matchLabelsOf(policy)).toBeNull();
    // The namespace-wide STRICT applies, not the selector-less-looking DISABLE.
    expect(model.effectiveMtls(workload(index, "web")).mode).toBe("STRICT");
    expect(index.workloadsMatching("shop", null)).toEqual([]);
    // The same for a selector or matchLabels that is not a map (access's parseMatchLabels agrees: invalid).
    const notAMap = (spec: Record<string, unknown>) => matchLabelsOf({ ...policy!, object: { ...policy!.object, spec } });
    expect(notAMap({ selector: "app=web" })).toBeNull();
    expect(notAMap({ selector: { matchLabels: "app=web" } })).toBeNull();
    expect(notAMap({ selector: { matchLabels: { app: "web" } } })).toEqual({ app: "web" });
    expect(notAMap({})).toBeUndefined();
  });
});

describe("PolicyModel: WorkloadEntries are workloads", () => {
  it("selects them by spec.labels, with their service account and named ports", () => {
    const { model, index } = modelOf(`
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: {name: ledger-vm, namespace: legacy}
spec:
  address: 10.0.1.5
  labels: {app: ledger}
  serviceAccount: ledger
  ports: {grpc: 7070}
---
apiVersion: v1
kind: Service
metadata: {name: ledger, namespace: legacy}
spec:
  selector: {app: ledger}
  ports: [{name: grpc, port: 443, targetPort: grpc}]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ledger, namespace: legacy}
spec:
  selector: {matchLabels: {app: ledger}}
  portLevelMtls: {443: {mode: STRICT}}
`);
    const vm = workload(index, "ledger-vm");
    expect([vm.serviceAccount, vm.labels, vm.containerPorts]).toEqual(["ledger", { app: "ledger" }, [7070]]);
    expect(model.servicesOf(vm).map((s) => s.resource.name)).toEqual(["ledger"]);
    expect(model.workloadPorts(vm)).toEqual([7070]);
    expect(model.servicePortInsteadOfTarget([vm], 443)).toEqual({ services: ["ledger"], targets: [7070], workloads: ["ledger-vm"] });
    expect(model.servicePortInsteadOfTarget([vm], 7070)).toBeUndefined();
    const policy = index.kind("PeerAuthentication")[0];
    expect(policy && model.peerAuthenticationWorkloads(policy)).toEqual([vm]);
    expect([...index.serviceAccountsIn("legacy")]).toEqual(["ledger"]);
  });
});

describe("PolicyModel: ports and protocols (§2.8, §2.9)", () => {
  it("maps Service ports to target ports, named target ports through the Deployment", () => {
    const { model, index } = modelOf(`
apiVersion: v1
kind: Service
metadata: {name: orders, namespace: shop}
spec:
  selector: {app: orders}
  ports:
  - {name: grpc, port: 9090, targetPort: grpc-api}
  - {name: tcp-db, port: 5432}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: orders, namespace: shop}
spec:
  selector: {matchLabels: {app: orders}}
  template:
    metadata: {labels: {app: orders}}
    spec:
      containers:
      - name: orders
        ports: [{name: grpc-api, containerPort: 50051}, {containerPort: 7000}]
`);
    const orders = workload(index, "orders");
    expect(model.workloadPorts(orders)).toEqual([5432, 7000, 50051]);
    expect(model.portProtocol(orders, 50051)).toBe("http");
    expect(model.portProtocol(orders, 5432)).toBe("tcp");
    expect(model.portProtocol(orders, 7000)).toBe("unknown");
    expect(model.servicePortsAt(orders, 50051).map((r) => r.port.name)).toEqual(["grpc"]);
  });

  it("reads the protocol like Istio's ConvertProtocol: appProtocol first, then the name prefix", () => {
    const port = (name: string | undefined, extra: { appProtocol?: string; protocol?: string; port?: number } = {}) =>
      protocolOfServicePort({ name, port: extra.port ?? 8080, targetPort: 8080, protocol: extra.protocol ?? "TCP", appProtocol: extra.appProtocol });
    expect(port("http-api")).toBe("http");
    expect(port("grpc-web-ui")).toBe("http");
    expect(port("HTTP2")).toBe("http");
    expect(port("tcp-db")).toBe("tcp");
    expect(port("tls")).toBe("tcp");
    expect(port("https-admin")).toBe("tcp");
    expect(port("http-db", { appProtocol: "tcp" })).toBe("tcp");
    expect(port("api")).toBe("unknown");
    expect(port(undefined)).toBe("unknown");
    expect(port(undefined, { port: 3306 })).toBe("tcp");
    expect(port("http", { protocol: "UDP" })).toBe("udp");
  });

  it("scopes a rule to its ports, notPorts and destination.port conditions", () => {
    const { index } = modelOf(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: shop}
spec:
  rules:
  - to: [{operation: {ports: ["80", "8080"]}}, {operation: {ports: ["9090"]}}]
  - to: [{operation: {ports: ["80"]}}, {operation: {methods: [GET]}}]
  - to: [{operation: {notPorts: ["15020"]}}]
    when: [{key: destination.port, values: ["8080", "9090"]}]
`);
    const policy = index.kind("AuthorizationPolicy")[0];
    if (policy === undefined) throw new Error("no policy");
    const rules = authorizationRules(policy);
    expect(rules.map((r) => portScopeOf(r))).toEqual([
      { only: [80, 8080, 9090], except: [] },
      { only: undefined, except: [] },
      { only: [8080, 9090], except: [15020] },
    ]);
    expect(rules[0]?.operations[1]?.pointer).toBe("/spec/rules/0/to/1/operation");
  });
});

describe("policy helpers", () => {
  it("parses principals, dry-run and allow-nothing as Istio does", () => {
    expect(parsePrincipal("cluster.local/ns/vapora/sa/vapora-backend")).toEqual({
      trustDomain: "cluster.local",
      namespace: "vapora",
      serviceAccount: "vapora-backend",
    });
    expect(parsePrincipal("cluster.local/ns/vapora/sa/*")).toBeUndefined();
    expect(parsePrincipal("spiffe://cluster.local/ns/vapora")).toBeUndefined();
    const { index } = modelOf(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny-all, namespace: shop}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: trial, namespace: shop, annotations: {istio.io/dry-run: "T"}}
spec: {}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: deny, namespace: shop}
spec: {action: DENY, rules: [{}]}
`);
    const [denyAll, trial, deny] = index.kind("AuthorizationPolicy");
    expect([denyAll, trial, deny].map((p) => p !== undefined && isDryRun(p))).toEqual([false, true, false]);
    expect([denyAll, trial, deny].map((p) => p !== undefined && isAllowNothing(p))).toEqual([true, false, false]);
  });

  it("builds one model per index", () => {
    const { index, model } = modelOf(service("api", "shop"));
    expect(PolicyModel.of(index)).toBe(model);
  });
});
