import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("allow-policy-allows-everything", () => {
  it("flags ALLOW rules with no from, to or when", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["allow-policy-allows-everything", "allow-all", 9, "/spec/rules/0"],
      ["allow-policy-allows-everything", "allow-backend", 26, "/spec/rules/1"],
    ]);
    expect(findings[0]?.message).toBe(
      "rules[0] has no from, to or when, so it matches every request: this ALLOW policy lets anyone call the " +
        "workloads it selects on any port and path, and it cancels deny-by-default (allow-nothing) for them. Add the " +
        "from/to/when conditions the rule is meant to have, or delete it",
    );
  });

  it("accepts allow-nothing, DENY with an empty rule, dry-run and rules with conditions", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
