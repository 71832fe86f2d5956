import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("telemetry-selector-matches-no-workload", () => {
  it("flags a Telemetry whose selector matches no workload of a namespace whose workloads are known", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0101", "error", "router-v3-tracing", 24, "/spec/selector/matchLabels"],
    ]);
    expect(findings[0]?.message).toBe(
      "selector app=vapora-llm-router,version=v3 matches no workload in namespace vapora, so its telemetry " +
        "settings apply to no workload. Workloads here have app=vapora-llm-router; version=canary|stable. Fix " +
        "the labels to those of the pods it is meant for",
    );
  });

  it("accepts matching selectors, namespaces without known workloads and namespace-wide Telemetry", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
