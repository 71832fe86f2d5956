import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-shadowed-match", () => {
  it("flags matches covered by an earlier prefix and matches that repeat an earlier one", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, undefined, "info", "vapora-ingress", 24, "/spec/http/1/match/0"],
      [rule.id, undefined, "info", "vapora-ingress", 30, "/spec/http/1/match/1"],
    ]);
    expect(findings[0]?.message).toBe(
      'http[1].match[0] (uri prefix "/api/v2/") is covered by http[0].match[0] (uri prefix "/api/"), which comes first ' +
        "and takes every request it could match, so it never matches. Remove it, or move its route before http[0]",
    );
    expect(findings[1]?.message).toBe(
      'http[1].match[1] (uri exact "/login") repeats http[0].match[1] (uri exact "/login"), which comes first, so it never matches. Remove it',
    );
  });

  it("accepts specific-before-general orders, qualified prefixes and case-insensitive matches", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
