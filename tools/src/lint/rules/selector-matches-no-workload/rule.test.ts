import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("selector-matches-no-workload", () => {
  it("flags PeerAuthentication, RequestAuthentication and EnvoyFilter selectors that match no known workload, and non-string values of any", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    const byLine = [...findings].sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
    expect(byLine.map((f) => [f.ruleId, f.code, f.severity, f.resource?.kind, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, undefined, "warning", "EnvoyFilter", 40, "/spec/workloadSelector/labels"],
      [rule.id, undefined, "warning", "PeerAuthentication", 52, "/spec/selector/matchLabels"],
      [rule.id, undefined, "warning", "RequestAuthentication", 64, "/spec/selector/matchLabels"],
      [rule.id, undefined, "warning", "Telemetry", 89, "/spec/selector/matchLabels"],
    ]);
    expect(byLine[0]?.message).toBe(
      "workloadSelector.labels app=vapora-llm-router,version=v2 matches no workload in namespace vapora, so no proxy " +
        "gets these patches. Workloads here have app=vapora-llm-router; version=canary|stable. Fix the labels to those " +
        "of the pods it is meant for",
    );
    expect(byLine[2]?.message).toContain("so no workload validates these JWTs.");
    expect(byLine[3]?.message).toBe(
      "selector.matchLabels canary=true has a value that is not a string; label values are strings, so it matches no " +
        "workload and its telemetry settings apply to no workload. Quote the value",
    );
  });

  it("accepts matching selectors (pods and WorkloadEntries), namespaces without known workloads and selector-less objects", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
