import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("gateway-port-not-on-service", () => {
  it("flags a server port that no TCP port or target port of the gateway pods' Services exposes", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0162", "warning", "vapora-gateway", 18, "/spec/servers/1/port/number"],
    ]);
    expect(findings[0]?.message).toBe(
      "servers[1] listens on port 9443, which no Service in front of the gateway pods (selector " +
        "istio=ingressgateway; Services istio-ingress/istio-ingressgateway) exposes as a port or target port, " +
        "so clients cannot reach this server through a Service. Add the port to the gateway's Service " +
        "(targetPort 9443), or use a port the Service targets",
    );
  });

  it("accepts target ports and Service ports, and skips Gateways whose pods are not described", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("takes the pods a gateway's Service selects as the gateway pods when nothing describes them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["vapora-gateway", 22, "/spec/servers/1/port/number"],
    ]);
    expect(findings[0]?.message).toContain("servers[1] listens on port 9443, which no Service in front of the gateway pods (selector istio=ingressgateway; Services istio-ingress/istio-ingressgateway)");
  });
});
