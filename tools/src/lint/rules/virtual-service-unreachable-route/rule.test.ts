import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-unreachable-route", () => {
  it("flags routes after a match-less route and routes whose every match is taken earlier", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, undefined, "warning", "vapora-ingress", 20, "/spec/http/1"],
      [rule.id, undefined, "warning", "vapora-ingress", 36, "/spec/http/3"],
      [rule.id, undefined, "warning", "vapora-ingress", 43, "/spec/http/4"],
      [rule.id, undefined, "warning", "redis", 63, "/spec/tcp/1"],
    ]);
    expect(findings[0]?.message).toBe(
      'http[1] ("api-v2") is never used: each of its matches is already taken by an earlier one (http[0].match[0]). ' +
        "Remove it, or move it before the routes that take its requests",
    );
    expect(findings[1]?.message).toBe(
      'http[3] ("health") is never used: http[2] before it has no "match" and takes every request. Move it before http[2]',
    );
    expect(findings[2]?.message).toBe(
      'http[4] is never used: http[2] before it has no "match" and takes every request. Keep one match-less route, the last one',
    );
    expect(findings[3]?.message).toContain("tcp[1] is never used: each of its matches is already taken by an earlier one (tcp[0].match[0])");
  });

  it("accepts ordered routes that end with one catch-all", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
