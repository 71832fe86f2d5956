import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-gateway-not-found", () => {
  it("flags gateways that do not exist: errors in the VirtualService's namespace, warnings elsewhere", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0101", "error", "vapora-ingress", 30, "/spec/gateways/0"],
      [rule.id, "IST0101", "warning", "vapora-ingress", 32, "/spec/gateways/1"],
      [rule.id, "IST0101", "error", "tools-ingress", 48, "/spec/gateways/0"],
    ]);
    expect(findings[0]?.message).toBe(
      'gateway "vapora-gw" names no Gateway (looked for vapora/vapora-gw), so these routes are bound to no gateway ' +
        'proxy. Fix the name (a name without "namespace/" is a Gateway in namespace vapora), or add the Gateway',
    );
    expect(findings[1]?.message).toBe(
      'gateway "istio-ingress/public-gateway" names no Gateway (looked for istio-ingress/public-gateway), so these ' +
        "routes are bound to no gateway proxy. Fix the name, or make sure the Gateway is installed in namespace istio-ingress",
    );
    expect(findings[2]?.message).toContain("(looked for tools/vapora-gateway)");
  });

  it("accepts mesh, local names and namespace/name references that exist", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
