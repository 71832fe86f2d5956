import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("destination-rule-port-tls-without-ca-certificates", () => {
  it("flags a port-level SIMPLE TLS setting without caCertificates", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0129", "warning", "anthropic", 18, "/spec/trafficPolicy/portLevelSettings/1/tls"],
    ]);
    expect(findings[0]?.message).toBe(
      "trafficPolicy.portLevelSettings[1].tls: mode SIMPLE for api.anthropic.com port 443 sets no " +
        "caCertificates, so the client does not pin the CA the server's certificate must chain to. Set " +
        "caCertificates to the CA bundle of the server (or, on a DestinationRule with a workloadSelector, " +
        "credentialName)",
    );
  });

  it("accepts port-level TLS with a CA bundle and leaves host-level TLS to IST0128", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
