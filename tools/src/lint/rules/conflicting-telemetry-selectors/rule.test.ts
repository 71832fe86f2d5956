import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("conflicting-telemetry-selectors", () => {
  it("flags each Telemetry of a pair that selects the same workloads, once per workload", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0159", "error", "router-tracing", 24, "/spec/selector/matchLabels"],
      [rule.id, "IST0159", "error", "router-logs", 36, "/spec/selector/matchLabels"],
      [rule.id, "IST0159", "error", "router-tracing", 24, "/spec/selector/matchLabels"],
      [rule.id, "IST0159", "error", "router-logs", 36, "/spec/selector/matchLabels"],
    ]);
    expect(findings[0]?.message).toBe(
      "Telemetry resources router-logs, router-tracing in namespace vapora all select workload " +
        "vapora-llm-router-stable (described by Service vapora-llm-router): Istio uses one of them (the " +
        "oldest) for this workload and ignores the others, so its tracing, metrics and access logs depend on " +
        "creation order. Narrow the selectors so that each workload has one",
    );
  });

  it("accepts one Telemetry per workload and a namespace-wide default", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
