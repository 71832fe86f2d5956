import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("ineffective-selector-on-kubernetes-gateway", () => {
  it("flags policies whose selector matches a Kubernetes Gateway's pods (an empty selector too)", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0166", "warning", "edge-require-jwt", 40, "/spec/selector"],
      [rule.id, "IST0166", "warning", "edge-jwt", 27, "/spec/selector"],
    ]);
    expect(findings[0]?.message).toBe(
      "the selector matches the pods of Kubernetes Gateway edge, where a selector has no effect: Istio " +
        "attaches policies to Kubernetes Gateways by targetRefs. Replace the selector with targetRefs: " +
        "[{kind: Gateway, group: gateway.networking.k8s.io, name: edge}]",
    );
  });

  it("accepts targetRefs and selectors of other pods", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("takes the pods a Kubernetes Gateway's Service selects when nothing describes them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["edge-require-jwt", 20, "/spec/selector"],
    ]);
  });
});
