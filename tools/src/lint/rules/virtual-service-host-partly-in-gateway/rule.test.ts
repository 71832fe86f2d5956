import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-host-partly-in-gateway", () => {
  it("flags a host no bound Gateway serves when others are served", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, null, "warning", "vapora-ingress", 31, "/spec/hosts/1"],
    ]);
    expect(findings[0]?.message).toBe(
      "host www.vapora.example.com is served by none of its Gateways (vapora/vapora-gateway), so no gateway " +
        "routes it. Add it to a server of the Gateway, or remove it from the hosts",
    );
  });

  it("accepts exact, wildcard and namespace-scoped server hosts, and mesh+gateway VirtualServices", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
