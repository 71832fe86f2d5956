import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("permissive-mtls-in-prod", () => {
  it("flags PERMISSIVE and DISABLE modes, port-level too, in prod", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url), "prod");
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["permissive-mtls-in-prod", "default", 8, "/spec/mtls/mode"],
      ["permissive-mtls-in-prod", "vapora-backend-metrics", 24, "/spec/portLevelMtls/9090/mode"],
    ]);
    expect(findings[0]?.message).toBe(
      "mtls.mode PERMISSIVE accepts plaintext in prod: plaintext is not encrypted and carries no peer identity, so " +
        "AuthorizationPolicies cannot tell who is calling. Use STRICT, or suppress this finding with the reason for " +
        "the exception",
    );
    expect(findings[1]?.message).toContain("portLevelMtls[9090].mode DISABLE accepts only plaintext in prod");
  });

  it("applies to environments named prod*, and not to others or to loose files", async () => {
    const invalid = new URL("./fixtures/invalid.yaml", import.meta.url);
    expect(await lintFixture(rule, invalid, "prod-eu")).toHaveLength(2);
    expect(await lintFixture(rule, invalid, "staging")).toEqual([]);
    expect(await lintFixture(rule, invalid)).toEqual([]);
  });

  it("accepts STRICT, UNSET and ignored root-namespace selector policies", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url), "prod")).toEqual([]);
  });
});
