import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("jwks-fetch-unrestricted", () => {
  it("flags an istiod Deployment without BLOCKED_CIDRS_IN_JWKS_URIS when RequestAuthentications exist", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0175", "warning", "istiod", 18, "/spec/template/spec/containers"],
    ]);
    expect(findings[0]?.message).toBe(
      "istiod has no BLOCKED_CIDRS_IN_JWKS_URIS while 1 RequestAuthentication(s) exist (vapora/vapora-jwt): " +
        "istiod fetches each jwksUri itself, so a jwksUri pointing at an internal address (a metadata " +
        "service, an admin port) makes istiod fetch it from inside the cluster. Set " +
        "BLOCKED_CIDRS_IN_JWKS_URIS on istiod to the networks it must not fetch from",
    );
  });

  it("accepts istiod with the restriction", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
