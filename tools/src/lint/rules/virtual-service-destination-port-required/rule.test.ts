import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-destination-port-required", () => {
  it("flags destinations and mirrors without a port whose Service or ServiceEntry has several", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0112", "error", "vapora-llm-router", 43, "/spec/http/0/route/0/destination"],
      [rule.id, "IST0112", "error", "vapora-llm-router", 45, "/spec/http/0/mirror"],
      [rule.id, "IST0112", "error", "openai", 58, "/spec/http/0/route/0/destination"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0].route[0]: vapora-llm-router.vapora.svc.cluster.local has 2 ports (8003, 9003) and this destination " +
        "names none; Istio requires the port when the host has more than one. Set destination.port.number to the port " +
        "this route is for",
    );
    expect(findings[2]?.message).toContain("api.openai.com has 2 ports (80, 443)");
  });

  it("accepts single-port hosts without a port and multi-port hosts with one", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
