import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("virtual-service-destination-port-required", () => {
  it("flags destinations and mirrors without a port whose host has several: errors, gateway or mesh-only", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0112", "error", "vapora-llm-router", 43, "/spec/http/0/route/0/destination"],
      [rule.id, "IST0112", "error", "vapora-llm-router", 45, "/spec/http/0/mirror"],
      [rule.id, "IST0112", "error", "openai", 58, "/spec/http/0/route/0/destination"],
      [rule.id, "IST0112", "error", "router-public", 75, "/spec/http/0/route/0/destination"],
      [rule.id, "IST0112", "error", "router-both", 96, "/spec/http/0/route/0/destination"],
      [rule.id, "IST0112", "error", "router-both", 99, "/spec/http/1/route/0/destination"],
    ]);
    expect(findings[0]?.message).toBe(
      "http[0].route[0]: vapora-llm-router.vapora.svc.cluster.local has 2 ports (8003, 9003) and this destination " +
        "names none; Istio requires the port when the host has more than one. For sidecars Istio uses the port the " +
        "client called, so the route works only as long as callers use a port vapora-llm-router.vapora.svc.cluster.local " +
        "has. Set destination.port.number to the port this route is for",
    );
    expect(findings[2]?.message).toContain("api.openai.com has 2 ports (80, 443)");
    expect(findings[3]?.message).toBe(
      "http[0].route[0]: vapora-llm-router.vapora.svc.cluster.local has 2 ports (8003, 9003) and this destination " +
        "names none; Istio requires the port when the host has more than one. On gateway istio-ingress/public Istio " +
        "uses the gateway's listener port (its server port, such as 80 or 443) as the destination port, and when " +
        "vapora-llm-router.vapora.svc.cluster.local has no such port the requests fail with 503 (no cluster). Set " +
        "destination.port.number to the port this route is for",
    );
  });

  it("accepts single-port hosts without a port and multi-port hosts with one", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
