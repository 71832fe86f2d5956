import { describe, expect, it } from "vitest";
import { computeAccessMatrix, cellOf } from "./access-matrix.js";
import { explainRequest, formatExplanationText } from "./explain.js";
import { yamlResources } from "./fixtures/support.js";
import { buildAccessModel } from "./mesh-model.js";

const namespace = (name: string, labels: Record<string, string> | undefined) => `
apiVersion: v1
kind: Namespace
metadata:
  name: ${name}
${labels === undefined ? "" : `  labels: { ${Object.entries(labels).map(([k, v]) => `"${k}": "${v}"`).join(", ")} }\n`}---`;

/** A Deployment `httpbin` (container ports web=8080, metrics=9090) behind a Service whose targetPort is given. */
const httpbin = (options: { targetPort?: string; podLabels?: Record<string, string>; podAnnotations?: Record<string, string>; hostNetwork?: boolean } = {}) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: httpbin, namespace: foo }
spec:
  selector: { matchLabels: { app: httpbin } }
  template:
    metadata:
      labels: { app: httpbin${Object.entries(options.podLabels ?? {}).map(([k, v]) => `, "${k}": "${v}"`).join("")} }
${options.podAnnotations === undefined ? "" : `      annotations: { ${Object.entries(options.podAnnotations).map(([k, v]) => `"${k}": "${v}"`).join(", ")} }\n`}    spec:
      serviceAccountName: httpbin
${options.hostNetwork === true ? "      hostNetwork: true\n" : ""}      containers:
      - name: httpbin
        image: kennethreitz/httpbin
        ports:
        - { name: web, containerPort: 8080 }
        - { name: metrics, containerPort: 9090 }
---
apiVersion: v1
kind: Service
metadata: { name: httpbin, namespace: foo }
spec:
  selector: { app: httpbin }
  ports:
  - { name: http, port: 8000, targetPort: ${options.targetPort ?? "web"} }
---`;

const curl = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: curl, namespace: bar }
spec:
  selector: { matchLabels: { app: curl } }
  template:
    metadata: { labels: { app: curl } }
    spec:
      serviceAccountName: curl
      containers: [{ name: curl, image: curlimages/curl }]
---`;

const allowCurlOn8080 = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: httpbin, namespace: foo }
spec:
  selector: { matchLabels: { app: httpbin } }
  rules:
  - from: [{ source: { principals: ["cluster.local/ns/bar/sa/curl"] } }]
    to: [{ operation: { methods: ["GET"], ports: ["8080"] } }]
`;

const injected = namespace("foo", { "istio-injection": "enabled" }) + namespace("bar", { "istio-injection": "enabled" });

describe("named targetPort (Kubernetes resolves it through the selected pods' container ports)", () => {
  const resources = yamlResources(injected + httpbin({ targetPort: "web" }) + curl + allowCurlOn8080);

  it("the workload port is the container port named `web`", () => {
    const workload = buildAccessModel(resources).workloads.find((w) => w.id === "foo/httpbin");
    expect(workload?.ports.map((p) => [p.number, p.protocol, p.services.map((s) => `${s.name}:${s.port}`)])).toEqual([[8080, "HTTP", ["httpbin:8000"]]]);
  });
  it("the matrix has the target and the graph its edge", () => {
    const matrix = computeAccessMatrix(resources);
    expect(matrix.targets.map((t) => t.id)).toEqual(["foo/httpbin:8080"]);
    expect(cellOf(matrix, "bar/curl", "foo/httpbin:8080")).toMatchObject({ status: "conditional", conditions: ["GET"] });
  });
  it("explain evaluates the policy on the resolved port", () => {
    const e = explainRequest(resources, { from: "curl", to: "httpbin.foo:8000" });
    expect(e.destinations.map((d) => [d.workload, d.targetPort, d.result])).toEqual([["foo/httpbin", 8080, "allowed"]]);
  });
  it("a name no container port has stays unresolved", () => {
    const e = explainRequest(yamlResources(injected + httpbin({ targetPort: "nope" }) + curl), { from: "curl", to: "httpbin.foo:8000" });
    expect(e.destinations[0]).toMatchObject({ targetPort: undefined, result: "depends" });
    expect(e.destinations[0]?.reason).toContain("targetPort nope is not a container port name of foo/httpbin");
  });
});

describe("sidecar injection (Istio's injection webhooks and injector)", () => {
  const hasSidecar = (text: string) => buildAccessModel(yamlResources(text)).workloads.find((w) => w.id === "foo/httpbin")?.hasSidecar;
  const noteOf = (text: string) => buildAccessModel(yamlResources(text)).workloads.find((w) => w.id === "foo/httpbin")?.sidecarNote;

  it("a declared namespace without injection labels gets no sidecar", () => {
    expect(hasSidecar(namespace("foo", undefined) + httpbin())).toBe(false);
    expect(noteOf(namespace("foo", undefined) + httpbin())).toContain("has no istio-injection or istio.io/rev label");
  });
  it("istio-injection=enabled or istio.io/rev=<rev> injects; istio-injection=disabled does not", () => {
    expect(hasSidecar(namespace("foo", { "istio-injection": "enabled" }) + httpbin())).toBe(true);
    expect(hasSidecar(namespace("foo", { "istio.io/rev": "1-24" }) + httpbin())).toBe(true);
    expect(hasSidecar(namespace("foo", { "istio-injection": "disabled" }) + httpbin())).toBe(false);
    // istio-injection takes precedence over istio.io/rev.
    expect(hasSidecar(namespace("foo", { "istio-injection": "disabled", "istio.io/rev": "1-24" }) + httpbin())).toBe(false);
  });
  it("the pod label sidecar.istio.io/inject: \"true\" injects in an unlabelled namespace, not in a disabled one", () => {
    expect(hasSidecar(namespace("foo", undefined) + httpbin({ podLabels: { "sidecar.istio.io/inject": "true" } }))).toBe(true);
    expect(hasSidecar(namespace("foo", { "istio-injection": "disabled" }) + httpbin({ podLabels: { "sidecar.istio.io/inject": "true" } }))).toBe(false);
  });
  it("\"false\" as label or annotation disables; the label wins over the annotation", () => {
    const enabled = namespace("foo", { "istio-injection": "enabled" });
    expect(hasSidecar(enabled + httpbin({ podLabels: { "sidecar.istio.io/inject": "false" } }))).toBe(false);
    expect(hasSidecar(enabled + httpbin({ podAnnotations: { "sidecar.istio.io/inject": "false" } }))).toBe(false);
    expect(hasSidecar(enabled + httpbin({ podLabels: { "sidecar.istio.io/inject": "true" }, podAnnotations: { "sidecar.istio.io/inject": "false" } }))).toBe(true);
    expect(hasSidecar(enabled + httpbin({ podLabels: { "sidecar.istio.io/inject": "false" }, podAnnotations: { "sidecar.istio.io/inject": "true" } }))).toBe(false);
  });
  it("hostNetwork pods are never injected", () => {
    expect(hasSidecar(namespace("foo", { "istio-injection": "enabled" }) + httpbin({ hostNetwork: true }))).toBe(false);
  });
  it("an undeclared namespace: injection is assumed, and explain says so", () => {
    const text = httpbin() + curl + allowCurlOn8080;
    expect(hasSidecar(text)).toBe(true);
    const e = explainRequest(yamlResources(text), { from: "curl", to: "httpbin.foo:8000" });
    expect(e.source.sidecar).toBe("Namespace bar is not declared in the configuration: sidecar injection is assumed");
    expect(e.destinations[0]?.sidecar).toBe("Namespace foo is not declared in the configuration: sidecar injection is assumed");
    const lines = formatExplanationText(e);
    expect(lines).toContain("  note: Namespace bar is not declared in the configuration: sidecar injection is assumed\n");
    expect(lines).toContain("    sidecar: Namespace foo is not declared in the configuration: sidecar injection is assumed\n");
  });
  it("without a sidecar nothing is enforced and the client has no identity", () => {
    const text = namespace("foo", undefined) + namespace("bar", { "istio-injection": "enabled" }) + httpbin() + curl + "\napiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: deny-all, namespace: foo }\nspec: {}\n";
    const matrix = computeAccessMatrix(yamlResources(text));
    expect(cellOf(matrix, "plaintext", "foo/httpbin:8080")).toMatchObject({ status: "allowed", reason: "the workload has no sidecar: no policy is enforced" });
    const noSidecarClient = namespace("foo", { "istio-injection": "enabled" }) + namespace("bar", undefined) + httpbin() + curl;
    const e = explainRequest(yamlResources(noSidecarClient), { from: "curl", to: "httpbin.foo:8000" });
    expect(e.source).toMatchObject({ proxied: false, principal: undefined });
    expect(e.route.via).toBe("kube-proxy");
  });
});
