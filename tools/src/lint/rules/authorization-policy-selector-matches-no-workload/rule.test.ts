import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("authorization-policy-selector-matches-no-workload", () => {
  it("flags selectors that match no workload of a namespace whose workloads are known", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0127", "warning", "allow-vapora-agents", 38, "/spec/selector/matchLabels"],
      [rule.id, "IST0127", "warning", "deny-canary-writes", 53, "/spec/selector/matchLabels"],
      [rule.id, "IST0127", "warning", "allow-numeric-version", 71, "/spec/selector/matchLabels"],
    ]);
    expect(findings[0]?.message).toBe(
      "selector app=vapora-agnts matches no workload in namespace vapora, so this ALLOW policy applies to nothing and " +
        "opens nothing. Workloads here have app=vapora-agents|vapora-backend. Fix the labels to those of the pods it is meant for",
    );
    expect(findings[1]?.message).toBe(
      "selector app=vapora-backend,version=canary matches no workload in namespace vapora, so this DENY policy applies " +
        "to nothing and denies nothing. Workloads here have app=vapora-agents|vapora-backend; version=canary|stable. Fix " +
        "the labels to those of the pods it is meant for",
    );
    expect(findings[2]?.message).toBe(
      "selector app=vapora-backend,version=2 has a value that is not a string; label values are strings, so it " +
        "matches no workload and this ALLOW policy applies to nothing and opens nothing. Quote the value",
    );
  });

  it("accepts matching selectors (pods and WorkloadEntries), unknown namespaces, the root namespace and targetRefs", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
