import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("peer-authentication-port-is-service-port", () => {
  it("flags portLevelMtls keys that are Service ports rather than the workload's target ports", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "error", "vapora-backend", 51, "/spec/portLevelMtls/9090"],
      [rule.id, "error", "ledger", 90, "/spec/portLevelMtls/443"],
    ]);
    expect(findings[0]?.message).toBe(
      "portLevelMtls[9090]: 9090 is the port of Service vapora-backend-metrics, but that traffic reaches vapora-backend " +
        "on target port 15090, and portLevelMtls keys are workload ports, so this DISABLE setting never applies to it: " +
        "it gets the workload's mode instead (STRICT from PeerAuthentication vapora/vapora-backend). Use the target " +
        '(container) port "15090" as the key',
    );
    // A WorkloadEntry's named port resolves the Service's named targetPort.
    expect(findings[1]?.message).toContain("reaches ledger-vm on target port 7070");
  });

  it("accepts target ports, ports that are both, unknown workloads and ignored policies", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
