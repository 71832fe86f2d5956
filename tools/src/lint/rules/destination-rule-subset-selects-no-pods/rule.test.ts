import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("destination-rule-subset-selects-no-pods", () => {
  it("flags subsets whose labels, with the Service's selector, match no pod", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0173", "error", "vapora-backend", 29, "/spec/subsets/1/labels"],
      [rule.id, "IST0173", "error", "backend-from-tools", 42, "/spec/subsets/0/labels"],
      [rule.id, "IST0173", "error", "backend-numeric-version", 55, "/spec/subsets/0/labels"],
    ]);
    expect(findings[0]?.message).toBe(
      'subset "canary" selects no pod of vapora-backend.vapora.svc.cluster.local: no workload in namespace vapora has ' +
        "app=vapora-backend,version=v2 (the Service's selector plus the subset's labels), so requests routed to the " +
        "subset fail with 503 (no healthy upstream). Workloads here have version=canary|stable. Fix the subset's " +
        "labels, or deploy pods (or WorkloadEntries) that carry them",
    );
    expect(findings[1]?.message).toContain("no workload in namespace vapora has app=vapora-agents (the Service's selector");
    // A non-string label value selects nothing (it used to be dropped, leaving a select-all subset).
    expect(findings[2]?.message).toBe(
      'subset "v2" selects no endpoint of vapora-backend.vapora.svc.cluster.local: its labels (version=2) have a value ' +
        "that is not a string, and label values are strings, so no pod or WorkloadEntry matches and requests routed to " +
        "the subset fail with 503 (no healthy upstream). Quote the value",
    );
  });

  it("accepts subsets that select pods or WorkloadEntries, label-less subsets and hosts without known pods", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
