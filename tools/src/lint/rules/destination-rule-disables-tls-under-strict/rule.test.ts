import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("destination-rule-disables-tls-under-strict", () => {
  it("flags tls DISABLE (host, subset and port level, and wildcard hosts) towards STRICT workloads", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["destination-rule-disables-tls-under-strict", "vapora-backend", 36, "/spec/trafficPolicy/tls/mode"],
      [
        "destination-rule-disables-tls-under-strict",
        "vapora-backend",
        46,
        "/spec/subsets/0/trafficPolicy/portLevelSettings/0/tls/mode",
      ],
      ["destination-rule-disables-tls-under-strict", "no-tls", 58, "/spec/trafficPolicy/tls/mode"],
    ]);
    expect(findings[0]?.message).toBe(
      "trafficPolicy.tls.mode DISABLE makes clients send plaintext to vapora-backend, but vapora-backend-stable, " +
        "vapora-backend-canary accept only mTLS on port 8001 (STRICT from PeerAuthentication vapora/default): the " +
        "connections are rejected (typically 503). Remove the tls block so auto mTLS applies (or use ISTIO_MUTUAL)",
    );
    expect(findings[1]?.message).toContain("subset canary trafficPolicy.portLevelSettings[0].tls.mode DISABLE");
    expect(findings[1]?.message).toContain("but vapora-backend-canary accepts only mTLS");
    expect(findings[2]?.message).toContain('to every service matching "*.vapora.svc.cluster.local", but namespace vapora requires mTLS');
  });

  it("accepts DISABLE towards plaintext workloads, ports overridden at port level, and external hosts", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("judges pods no object describes by the Service that selects them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([["ledger", 34, "/spec/trafficPolicy/tls/mode"]]);
    expect(findings[0]?.message).toContain(
      "ledger (pods inferred from its Service) accepts only mTLS on port 8080 (STRICT from PeerAuthentication finance/default)",
    );
  });
});
