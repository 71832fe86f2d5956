import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("request-authentication-without-requirement", () => {
  it("flags a RequestAuthentication whose workloads no policy requires a token for", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["request-authentication-without-requirement", "vapora-backend-jwt", 25, "/spec/jwtRules"],
    ]);
    expect(findings[0]?.message).toBe(
      "no AuthorizationPolicy of vapora-backend requires a token (requestPrincipals in an ALLOW rule, or " +
        "notRequestPrincipals in a DENY rule): a RequestAuthentication only rejects requests with an invalid token, " +
        'so requests without any token are accepted. Add an ALLOW rule with from.source.requestPrincipals: ["*"] for ' +
        'the callers that must present one (or a DENY rule with notRequestPrincipals: ["*"])',
    );
  });

  it("accepts ALLOW rules with requestPrincipals, DENY rules with notRequestPrincipals, and unknown workloads", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
