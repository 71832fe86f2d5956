import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("destination-rule-tls-without-ca-certificates", () => {
  it("flags host-level SIMPLE and MUTUAL TLS without caCertificates (credentialName counts only with a workloadSelector)", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0128", "warning", "openai", 10, "/spec/trafficPolicy/tls"],
      [rule.id, "IST0128", "warning", "partner", 23, "/spec/trafficPolicy/tls"],
    ]);
    expect(findings[0]?.message).toBe(
      "trafficPolicy.tls: mode SIMPLE for api.openai.com sets no caCertificates, so the client does not pin " +
        "the CA the server's certificate must chain to. Set caCertificates to the CA bundle of the server " +
        "(or, on a DestinationRule with a workloadSelector, credentialName)",
    );
  });

  it("accepts a CA bundle, a credential on a workload-scoped DestinationRule, ISTIO_MUTUAL, and leaves port-level settings to IST0129", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
