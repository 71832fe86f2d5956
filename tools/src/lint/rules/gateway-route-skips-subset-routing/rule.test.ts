import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("gateway-route-skips-subset-routing", () => {
  it("flags a gateway route to a host without a subset that a mesh VirtualService splits into subsets", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0140", "warning", "vapora-ingress", 18, "/spec/http/0/route/0/destination/host"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0].route[0] sends gateway traffic to vapora-backend without a subset, and VirtualService " +
        "vapora/vapora-backend splits vapora-backend into subsets: a gateway applies only the VirtualServices " +
        "bound to it, so these requests ignore that split and reach every version. Route to the subsets here " +
        "too",
    );
  });

  it("accepts a gateway route that carries the split itself", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
