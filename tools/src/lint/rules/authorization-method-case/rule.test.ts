import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("authorization-method-case", () => {
  it("flags methods and notMethods that are not upper-case", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["authorization-method-case", "allow-reads", 14, "/spec/rules/0/to/0/operation/methods/0"],
      ["authorization-method-case", "deny-writes", 31, "/spec/rules/0/to/1/operation/methods/0"],
    ]);
    expect(findings[0]?.message).toBe(
      'rules[0].to[0].operation.methods: "get" never matches: methods are compared case-sensitively and Istio ' +
        "rejects requests whose method is not upper-case with 400, so this ALLOW rule never applies to that method. " +
        'Write "GET"',
    );
    expect(findings[1]?.message).toContain('"Delete" never matches');
    expect(findings[1]?.message).toContain("this DENY rule never applies to that method");
  });

  it("accepts upper-case methods and wildcards", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
