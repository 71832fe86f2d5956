import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("conflicting-destination-rules", () => {
  it("flags merged DestinationRules that both set a trafficPolicy or both define a subset", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, undefined, "warning", "vapora-backend", 8, "/spec/trafficPolicy"],
      [rule.id, undefined, "warning", "vapora-backend-resilience", 29, "/spec/trafficPolicy"],
      [rule.id, undefined, "warning", "orders-frontend", 48, "/spec/trafficPolicy"],
      [rule.id, undefined, "warning", "orders-wide", 61, "/spec/trafficPolicy"],
      [rule.id, undefined, "warning", "vapora-backend", 16, "/spec/subsets/1"],
      [rule.id, undefined, "warning", "vapora-backend-resilience", 33, "/spec/subsets/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "DestinationRule vapora/vapora-backend-resilience also sets a trafficPolicy for vapora-backend.vapora.svc.cluster.local " +
        "in namespace vapora: Istio merges these DestinationRules but keeps only the first trafficPolicy (oldest by " +
        "creation time), so the other is silently ignored. Keep the traffic policy in one DestinationRule, or merge them",
    );
    // The superset case of Istio's enhanced merge: a wider exportTo merges into the narrower, older rule.
    expect(findings[3]?.message).toBe(
      "DestinationRule shop/orders-frontend also sets a trafficPolicy for orders.shop.svc.cluster.local in namespace " +
        "shop: Istio merges these DestinationRules (the exportTo [frontend, batch] of orders-wide includes every " +
        "namespace of orders-frontend's [frontend], so Istio merges it into orders-frontend) but keeps only the first " +
        "trafficPolicy (oldest by creation time), so the other is silently ignored. Keep the traffic policy in one " +
        "DestinationRule, or merge them",
    );
    expect(findings[4]?.message).toBe(
      'subset "canary" of vapora-backend.vapora.svc.cluster.local is also defined by DestinationRule ' +
        "vapora/vapora-backend-resilience in namespace vapora: Istio merges these DestinationRules and keeps only the " +
        "first definition (oldest by creation time). Define the subset once",
    );
  });

  it("accepts split DestinationRules, workloadSelector ones, other namespaces and different exportTo", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
