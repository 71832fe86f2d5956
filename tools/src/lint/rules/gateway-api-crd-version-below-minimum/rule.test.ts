import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("gateway-api-crd-version-below-minimum", () => {
  it("flags Gateway API CRDs below Istio 1.31's minimum bundle versions", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0176", "warning", "tcproutes.gateway.networking.k8s.io", 7, "/metadata/annotations/gateway.networking.k8s.io~1bundle-version"],
      [rule.id, "IST0176", "warning", "tlsroutes.gateway.networking.k8s.io", 28, "/metadata/annotations/gateway.networking.k8s.io~1bundle-version"],
    ]);
    expect(findings[0]?.message).toBe(
      "tcproutes.gateway.networking.k8s.io is from Gateway API v1.5.1, and Istio 1.31 requires at least " +
        "1.6.0: istiod does not process resources of this kind. Install the Gateway API CRDs of 1.6.0 or " +
        "later",
    );
  });

  it("accepts the minimum and later, a release candidate of the minimum, and kinds without one", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
