import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("split-from-to-rules", () => {
  it("flags a to-only ALLOW rule next to a from-only one", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["split-from-to-rules", "allow-vapora-agents", 16, "/spec/rules/1"],
    ]);
    expect(findings[0]?.message).toBe(
      'rules[1] has only "to" and rules[0] only "from": as separate list items they are two rules, and rules are ' +
        "ORed, so rules[1] allows these operations to any caller and rules[0] allows anything to those callers. If " +
        'they belong together, write "to:" in the same list item as "from:" (no "-" before "to")',
    );
  });

  it("accepts from and to in one rule, a lone to-only rule, and DENY policies", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
