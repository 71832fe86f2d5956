import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("gateway-credential-invalid", () => {
  it("flags credentials whose Secret holds an expired certificate, no certificate, or no PEM", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0161", "error", "vapora-gateway", 19, "/spec/servers/0/tls/credentialName"],
      [rule.id, "IST0161", "error", "vapora-gateway", 28, "/spec/servers/1/tls/credentialName"],
      [rule.id, "IST0161", "error", "vapora-gateway", 37, "/spec/servers/2/tls/credentialName"],
    ]);
    expect(findings[0]?.message).toBe(
      "servers[0].tls.credentialName names Secret istio-ingress/vapora-cert, which istiod cannot serve: its " +
        "certificate expired on 2001-01-01. The gateway has no certificate for this server and TLS handshakes " +
        "fail. Put a valid certificate and key in the Secret (kubectl create secret tls), or name another " +
        "Secret",
    );
  });

  it("accepts valid certificates in both layouts and credentials whose Secret is not in the input", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
