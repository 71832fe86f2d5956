/**
 * PeerAuthentication resolution and the client side (istio-semantics.md §3), from the examples of
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/ and the concepts page.
 */
import { describe, expect, it } from "vitest";
import { ingressGatewaySource, plaintextSource, workloadSource } from "./identity.js";
import { clientSends, connectionOutcome, serverMtlsMode } from "./mtls.js";
import { modelOf, service } from "./fixtures/support.js";

const finance = { namespace: "foo", labels: { app: "finance" } };
const pa = (namespace: string, name: string, body: string, extraMetadata = "") =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\n${extraMetadata}spec:\n${body}---\n`;

describe("PeerAuthentication: server mode per workload and port (peer_authentication reference examples)", () => {
  it("nothing at all = PERMISSIVE", () => {
    expect(serverMtlsMode(modelOf(service("foo", "finance")), finance, 8000)).toMatchObject({ mode: "PERMISSIVE", level: "default", policy: undefined });
  });
  it("namespace foo STRICT (example 1)", () => {
    const model = modelOf(pa("foo", "default", "  mtls:\n    mode: STRICT\n"));
    expect(serverMtlsMode(model, finance, 8000)).toMatchObject({ mode: "STRICT", level: "namespace", policy: "foo/default" });
    expect(serverMtlsMode(model, { namespace: "bar", labels: {} }, 8000).mode).toBe("PERMISSIVE");
  });
  it("mesh level: root namespace without selector", () => {
    const model = modelOf(pa("istio-system", "default", "  mtls:\n    mode: STRICT\n"));
    expect(serverMtlsMode(model, finance, 8000)).toMatchObject({ mode: "STRICT", level: "mesh", policy: "istio-system/default" });
  });
  it("namespace PERMISSIVE, workload finance STRICT (example 2)", () => {
    const model = modelOf(pa("foo", "default", "  mtls:\n    mode: PERMISSIVE\n") + pa("foo", "finance", "  selector:\n    matchLabels:\n      app: finance\n  mtls:\n    mode: STRICT\n"));
    expect(serverMtlsMode(model, finance, 8000)).toMatchObject({ mode: "STRICT", level: "workload", policy: "foo/finance" });
    expect(serverMtlsMode(model, { namespace: "foo", labels: { app: "other" } }, 8000).mode).toBe("PERMISSIVE");
  });
  it("STRICT for the workload but port 8080 plaintext (example 3: portLevelMtls uses the workload port)", () => {
    const model = modelOf(pa("foo", "default", "  selector:\n    matchLabels:\n      app: finance\n  mtls:\n    mode: STRICT\n  portLevelMtls:\n    8080:\n      mode: DISABLE\n"));
    expect(serverMtlsMode(model, finance, 8080)).toMatchObject({ mode: "DISABLE", level: "port" });
    expect(serverMtlsMode(model, finance, 9090)).toMatchObject({ mode: "STRICT", level: "workload" });
  });
  it("UNSET inherits from the namespace (or mesh), overriding only port 8080 (example 4)", () => {
    const model = modelOf(
      pa("istio-system", "default", "  mtls:\n    mode: STRICT\n") +
        pa("foo", "default", "  selector:\n    matchLabels:\n      app: finance\n  mtls:\n    mode: UNSET\n  portLevelMtls:\n    8080:\n      mode: DISABLE\n"),
    );
    expect(serverMtlsMode(model, finance, 9090)).toMatchObject({ mode: "STRICT", level: "mesh" });
    expect(serverMtlsMode(model, finance, 8080).mode).toBe("DISABLE");
  });
  it("a port-level UNSET takes the workload's composed mode", () => {
    const model = modelOf(pa("foo", "ns", "  mtls:\n    mode: PERMISSIVE\n") + pa("foo", "w", "  selector:\n    matchLabels:\n      app: finance\n  mtls:\n    mode: STRICT\n  portLevelMtls:\n    8080:\n      mode: UNSET\n"));
    expect(serverMtlsMode(model, finance, 8080).mode).toBe("STRICT");
  });
  it("a root-namespace policy with a selector is ignored (API header, istio/api#3604)", () => {
    const model = modelOf(pa("istio-system", "finance", "  selector:\n    matchLabels:\n      app: finance\n  mtls:\n    mode: STRICT\n"));
    const mode = serverMtlsMode(model, finance, 8000);
    expect(mode.mode).toBe("PERMISSIVE");
    expect(mode.ignored[0]).toContain("root-namespace policy with a selector does not apply");
  });
  it("duplicates: the oldest wins (creationTimestamp), names break ties when it is absent", () => {
    const model = modelOf(
      pa("foo", "b-newer", "  mtls:\n    mode: PERMISSIVE\n", "  creationTimestamp: 2024-02-01T00:00:00Z\n") +
        pa("foo", "c-older", "  mtls:\n    mode: STRICT\n", "  creationTimestamp: 2023-01-01T00:00:00Z\n"),
    );
    expect(serverMtlsMode(model, finance, 8000)).toMatchObject({ mode: "STRICT", policy: "foo/c-older" });
    const byName = modelOf(pa("foo", "b", "  mtls:\n    mode: DISABLE\n") + pa("foo", "a", "  mtls:\n    mode: STRICT\n"));
    expect(serverMtlsMode(byName, finance, 8000).policy).toBe("foo/a");
  });
});

describe("client side and the conflict matrix (istio-semantics §3.4, §3.5)", () => {
  const base = `${service("foo", "finance")}\n${service("bar", "client")}\n`;
  const hop = { host: "finance.foo.svc.cluster.local", servicePort: 8000, serviceNamespace: "foo", endpointHasSidecar: true };
  const clientOf = (yaml: string) => {
    const model = modelOf(yaml);
    const workload = model.workloads.find((w) => w.name === "client");
    if (workload === undefined) throw new Error("no client");
    return { model, source: workloadSource(workload) };
  };
  it("auto mTLS (no DestinationRule tls) sends mTLS to a sidecar endpoint; STRICT accepts it and sees the principal", () => {
    const { model, source } = clientOf(base + pa("foo", "default", "  mtls:\n    mode: STRICT\n"));
    const sends = clientSends(model, source, hop);
    expect(sends.sends).toBe("mTLS");
    const connection = connectionOutcome(source, sends, serverMtlsMode(model, finance, 8000));
    expect(connection.outcome).toBe("mtls");
    expect(connection.peer?.principal).toBe("cluster.local/ns/bar/sa/client");
  });
  it("auto mTLS sends plaintext to an endpoint without sidecar", () => {
    const { model, source } = clientOf(base);
    expect(clientSends(model, source, { ...hop, endpointHasSidecar: false }).sends).toBe("plaintext");
  });
  it("DestinationRule tls DISABLE sends plaintext; against STRICT it fails (network-issues: 503 after setting a destination rule)", () => {
    const dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: finance, namespace: foo }\nspec:\n  host: finance\n  trafficPolicy:\n    tls:\n      mode: DISABLE\n";
    const { model, source } = clientOf(base + pa("foo", "default", "  mtls:\n    mode: STRICT\n") + dr);
    const sends = clientSends(model, source, hop);
    expect(sends).toMatchObject({ sends: "plaintext", destinationRule: "foo/finance" });
    expect(connectionOutcome(source, sends, serverMtlsMode(model, finance, 8000))).toMatchObject({ outcome: "fails", reason: "mTLS STRICT rejects plaintext" });
  });
  it("plaintext to PERMISSIVE is accepted without identity", () => {
    const model = modelOf(base);
    const source = plaintextSource();
    const connection = connectionOutcome(source, clientSends(model, source, hop), serverMtlsMode(model, finance, 8000));
    expect(connection).toMatchObject({ outcome: "plaintext", peer: undefined });
  });
  it("mTLS to a DISABLE server fails; auto mTLS ignores a workload-level DISABLE (only namespace/mesh levels are inferred)", () => {
    const { model, source } = clientOf(base + pa("foo", "default", "  mtls:\n    mode: STRICT\n") + pa("foo", "finance", "  selector:\n    matchLabels:\n      app: finance\n  mtls:\n    mode: DISABLE\n"));
    const sends = clientSends(model, source, hop);
    expect(sends.sends).toBe("mTLS");
    expect(connectionOutcome(source, sends, serverMtlsMode(model, finance, 8000)).outcome).toBe("fails");
  });
  it("a namespace-level DISABLE switches auto mTLS off for the service", () => {
    const { model, source } = clientOf(base + pa("foo", "default", "  mtls:\n    mode: DISABLE\n"));
    const sends = clientSends(model, source, hop);
    expect(sends.sends).toBe("plaintext");
    expect(connectionOutcome(source, sends, serverMtlsMode(model, finance, 8000)).outcome).toBe("plaintext");
  });
  it("DestinationRule ISTIO_MUTUAL sends mTLS even to a pod without sidecar, which cannot take it", () => {
    const dr = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: finance, namespace: foo }\nspec:\n  host: finance.foo.svc.cluster.local\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n";
    const { model, source } = clientOf(base + dr);
    const sends = clientSends(model, source, { ...hop, endpointHasSidecar: false });
    expect(sends.sends).toBe("mTLS");
    expect(connectionOutcome(source, sends, undefined).outcome).toBe("fails");
  });
  it("portLevelSettings for the service port override the top level; the client's namespace DR wins over the service's", () => {
    const drFoo = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: finance, namespace: foo }\nspec:\n  host: finance.foo.svc.cluster.local\n  trafficPolicy:\n    tls:\n      mode: ISTIO_MUTUAL\n    portLevelSettings:\n    - port:\n        number: 8000\n      tls:\n        mode: DISABLE\n---\n";
    const { model, source } = clientOf(base + drFoo);
    expect(clientSends(model, source, hop).sends).toBe("plaintext");
    expect(clientSends(model, source, { ...hop, servicePort: 9000 }).sends).toBe("mTLS");
    const drBar = "apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: finance-from-bar, namespace: bar }\nspec:\n  host: finance.foo.svc.cluster.local\n";
    const shadowed = clientOf(base + drFoo + drBar);
    expect(clientSends(shadowed.model, shadowed.source, hop)).toMatchObject({ sends: "mTLS", destinationRule: "bar/finance-from-bar" });
  });
  it("the ingress gateway is a proxy with an identity: auto mTLS applies to it", () => {
    const model = modelOf(base);
    const gateway = ingressGatewaySource();
    expect(clientSends(model, gateway, hop).sends).toBe("mTLS");
    expect(gateway.principal).toBe("cluster.local/ns/istio-ingress/sa/istio-ingressgateway");
  });
});
