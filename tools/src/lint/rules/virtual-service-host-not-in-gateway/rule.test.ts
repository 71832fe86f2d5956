import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-host-not-in-gateway", () => {
  it("flags a Gateway that serves none of the VirtualService's hosts (a namespace-scoped server host, a missing Gateway), not one that serves some", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0132", "warning", "internal", 49, "/spec/gateways/0"],
      [rule.id, "IST0132", "warning", "admin", 65, "/spec/gateways/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "Gateway vapora/vapora-gateway serves none of its hosts (internal.vapora.example.com; the Gateway's " +
        "servers take vapora.example.com), so that gateway ignores these routes. Add the host to a server of " +
        "the Gateway, or fix the hosts",
    );
  });

  it("accepts exact, wildcard and namespace-scoped server hosts, and mesh+gateway VirtualServices", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
