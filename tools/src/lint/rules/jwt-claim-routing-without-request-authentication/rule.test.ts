import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("jwt-claim-routing-without-request-authentication", () => {
  it("flags claim routing on a gateway whose pods no RequestAuthentication applies to", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [
        "jwt-claim-routing-without-request-authentication",
        "IST0149",
        "vapora-ingress",
        47,
        "/spec/http/0/match/0/headers/@request.auth.claims.groups",
      ],
    ]);
    expect(findings[0]?.message).toBe(
      'http[0].match[0].headers routes on the JWT claim "@request.auth.claims.groups", but no RequestAuthentication ' +
        "applies to the pods of gateway vapora/vapora-gateway (istio-ingress/istio-ingressgateway): no token is " +
        "validated there, so there are no claims and the match never succeeds. Add a RequestAuthentication that " +
        "selects those pods, in their namespace or in istio-system",
    );
  });

  it("accepts gateways with a RequestAuthentication, and gateways whose pods the config does not describe", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
