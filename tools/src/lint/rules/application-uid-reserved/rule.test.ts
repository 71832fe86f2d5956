import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("application-uid-reserved", () => {
  it("flags a Deployment container and a Pod that run as user 1337", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0144", "warning", "debug", 29, "/spec/securityContext/runAsUser"],
      [rule.id, "IST0144", "warning", "vapora-backend", 20, "/spec/template/spec/containers/0/securityContext/runAsUser"],
    ]);
    expect(findings[0]?.message).toBe(
      "runs as user 1337, the user ID reserved for Istio's sidecar: the sidecar's iptables rules let " +
        "traffic of that user bypass the proxy, so this application's outbound traffic escapes mTLS, routing " +
        "and policy. Run it as another user",
    );
  });

  it("accepts other users, the proxy container, and Istio's own workloads", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
