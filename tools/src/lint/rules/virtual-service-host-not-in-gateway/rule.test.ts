import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-host-not-in-gateway", () => {
  it("flags hosts no bound Gateway serves, and Gateways that serve none of the hosts", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0132", "warning", "vapora-ingress", 31, "/spec/hosts/1"],
      [rule.id, "IST0132", "warning", "internal", 49, "/spec/gateways/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "host www.vapora.example.com is served by none of its Gateways (vapora/vapora-gateway), so no gateway routes it. " +
        "Add it to a server of the Gateway, or remove it from the hosts",
    );
    expect(findings[1]?.message).toBe(
      "Gateway vapora/vapora-gateway serves none of its hosts (internal.vapora.example.com; the Gateway's servers take " +
        "vapora.example.com), so that gateway ignores these routes. Add the host to a server of the Gateway, or fix the hosts",
    );
  });

  it("accepts exact, wildcard and namespace-scoped server hosts, and mesh+gateway VirtualServices", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
