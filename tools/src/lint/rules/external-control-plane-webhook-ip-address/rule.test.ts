import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("external-control-plane-webhook-ip-address", () => {
  it("flags an external control plane reached by IP address", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0164", "info", "istio-sidecar-injector-external", 11, "/webhooks/0/clientConfig/url"],
    ]);
    expect(findings[0]?.message).toBe(
      "webhook rev.namespace.sidecar-injector.istio.io reaches the external control plane at the IP address " +
        "203.0.113.10: the address changes with the load balancer and the certificate cannot name it " +
        "reliably. Use a host name (DNS) in production",
    );
  });

  it("accepts a host name", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
