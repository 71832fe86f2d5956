import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("sidecar-selector-matches-no-workload", () => {
  it("flags a Sidecar whose workloadSelector matches no workload of a namespace whose workloads are known", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0101", "error", "vapora-llm-router", 24, "/spec/workloadSelector/labels"],
    ]);
    expect(findings[0]?.message).toBe(
      "selector app=vapora-llm-routr matches no workload in namespace vapora, so no proxy gets this Sidecar " +
        "configuration. Workloads here have app=vapora-llm-router. Fix the labels to those of the pods it is " +
        "meant for",
    );
  });

  it("accepts matching selectors, namespaces without known workloads and namespace-wide Sidecars", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
