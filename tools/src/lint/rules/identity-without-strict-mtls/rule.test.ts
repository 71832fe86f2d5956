import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("identity-without-strict-mtls", () => {
  it("flags identity conditions on workload ports that accept plaintext, as errors where that widens access", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.severity, f.location?.line, f.location?.pointer])).toEqual([
      ["identity-without-strict-mtls", "allow-frontend", "warning", 30, "/spec/rules/0/from/0/source/principals"],
      ["identity-without-strict-mtls", "allow-all-but-kube-system", "error", 45, "/spec/rules/0/from/0/source/notNamespaces"],
      ["identity-without-strict-mtls", "deny-batch", "error", 102, "/spec/rules/0/from/0/source/principals"],
    ]);
    expect(findings[0]?.message).toBe(
      "rules[0]: principals identify the caller by its mTLS certificate, but vapora-backend accepts plaintext on " +
        "port 8001 (PERMISSIVE, Istio's default when no PeerAuthentication sets a mode): plaintext requests carry no " +
        "identity, so they never match it and this rule allows no plaintext caller. Make mTLS STRICT for these " +
        "workloads (PeerAuthentication mtls.mode: STRICT)",
    );
    expect(findings[1]?.message).toContain("the not* conditions match them and this ALLOW rule lets plaintext callers in");
    expect(findings[2]?.message).toContain(
      "orders accepts plaintext on port 9000 (PERMISSIVE from portLevelMtls of PeerAuthentication shop/orders-metrics)",
    );
    expect(findings[2]?.message).toContain("this DENY rule does not catch plaintext callers");
  });

  it("accepts identity rules on STRICT ports, non-identity fields and namespaces with no known workload", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("judges pods no object describes by the Service that selects them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.severity, f.location?.line, f.location?.pointer])).toEqual([
      ["allow-payments", "warning", 28, "/spec/rules/0/from/0/source/principals"],
    ]);
    expect(findings[0]?.message).toContain(
      "ledger (pods inferred from its Service) accepts plaintext on port 8080 (PERMISSIVE, Istio's default when no PeerAuthentication sets a mode)",
    );
  });
});
