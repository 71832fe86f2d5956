import { describe, expect, it } from "vitest";
import { matrixSources, resolveSource } from "./identity.js";
import { modelOf, service } from "./fixtures/support.js";

const model = modelOf(`${service("a", "web", { versions: "stable,canary" })}\n${service("a", "api")}\n${service("b", "api")}\n${service("b", "worker", { account: "api" })}`);

describe("source identities", () => {
  it("one source per service account, then the ingress gateway, plaintext and another namespace", () => {
    expect(matrixSources(model).map((s) => `${s.id} ${s.label} ${s.principal ?? "-"}`)).toEqual([
      "a/api a/api cluster.local/ns/a/sa/api",
      "a/web web cluster.local/ns/a/sa/web",
      "b/api b/api cluster.local/ns/b/sa/api",
      "istio-ingress/istio-ingressgateway istio-ingressgateway cluster.local/ns/istio-ingress/sa/istio-ingressgateway",
      "plaintext plaintext -",
      "other-namespace other-namespace cluster.local/ns/other-namespace/sa/default",
    ]);
    expect(matrixSources(model).find((s) => s.id === "b/api")?.workloads).toEqual(["b/api", "b/worker"]);
  });
  it("resolves a workload by name, Service or service account, with namespace/name when ambiguous", () => {
    expect(resolveSource(model, "web").source.principal).toBe("cluster.local/ns/a/sa/web");
    expect(resolveSource(model, "a/web-canary").workload?.labels).toEqual({ app: "web", version: "canary" });
    expect(() => resolveSource(model, "api")).toThrow(/several namespaces \(a, b\); write namespace\/name/);
    expect(resolveSource(model, "b/worker").source.id).toBe("b/api");
    expect(resolveSource(model, "istio-ingress/istio-ingressgateway").source.kind).toBe("gateway");
    expect(resolveSource(model, "plaintext").source).toMatchObject({ principal: undefined, proxied: false });
  });
});
