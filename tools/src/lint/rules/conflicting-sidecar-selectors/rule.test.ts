import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("conflicting-sidecar-selectors", () => {
  it("flags each Sidecar of a pair that selects the same workload", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0110", "error", "vapora-llm-router", 24, "/spec/workloadSelector/labels"],
      [rule.id, "IST0110", "error", "router-canary", 37, "/spec/workloadSelector/labels"],
    ]);
    expect(findings[0]?.message).toBe(
      "Sidecars router-canary, vapora-llm-router in namespace vapora all select workload " +
        "vapora-llm-router-canary (described by Service vapora-llm-router): Istio applies one of them (the " +
        "oldest) and ignores the others for this workload, so its egress and ingress settings depend on " +
        "creation order. Narrow the selectors so that each workload has one",
    );
  });

  it("accepts disjoint selectors and a namespace-wide default", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("flags Sidecars that both select the pods a Service selects when nothing describes them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["ledger", 24, "/spec/workloadSelector/labels"],
      ["ledger-v2", 36, "/spec/workloadSelector/labels"],
    ]);
    expect(findings[0]?.message).toBe(
      "Sidecars ledger, ledger-v2 in namespace finance all select workload ledger-v2 (pods inferred from its " +
        "Service): Istio applies one of them (the oldest) and ignores the others for this workload, so its " +
        "egress and ingress settings depend on creation order. Narrow the selectors so that each workload has one",
    );
  });
});
