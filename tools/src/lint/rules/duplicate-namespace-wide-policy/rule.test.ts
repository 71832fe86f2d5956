import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("duplicate-namespace-wide-policy", () => {
  it("flags every PeerAuthentication and RequestAuthentication of a namespace-wide pair", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.severity, f.location?.line, f.location?.pointer])).toEqual([
      ["duplicate-namespace-wide-policy", "default", "error", 7, "/spec"],
      ["duplicate-namespace-wide-policy", "permissive-for-migration", "error", 16, "/spec"],
      ["duplicate-namespace-wide-policy", "jwt-auth0", "warning", 28, "/spec"],
      ["duplicate-namespace-wide-policy", "jwt-legacy", "warning", 37, "/spec"],
    ]);
    expect(findings[0]?.message).toBe(
      "one of 2 PeerAuthentications without a selector in namespace vapora (also: permissive-for-migration): Istio " +
        "uses only the oldest by creation time and ignores the others, so which mTLS mode applies depends on the order " +
        "they were created. Keep one, or give the others a selector",
    );
    expect(findings[2]?.message).toContain("Istio applies all of them and combines their jwtRules");
  });

  it("accepts one namespace-wide policy per kind and namespace, and selector or targetRef policies", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
