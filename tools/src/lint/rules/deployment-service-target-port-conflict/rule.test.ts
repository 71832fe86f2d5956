import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("deployment-service-target-port-conflict", () => {
  it("flags a target port reached through different Service ports", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0137", "warning", "vapora-backend", 5, "/metadata/name"],
    ]);
    expect(findings[0]?.message).toBe(
      "Services vapora/vapora-backend, vapora/vapora-backend-public reach target port 8001 of this " +
        "Deployment's pods through different Service ports (80, 8001): Istio does not support one pod port " +
        "behind several Service port numbers, and the pod port's inbound configuration (protocol, port-level " +
        "settings) follows one of them. Use one Service port number for the target port",
    );
  });

  it("accepts one Service port per target port", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
