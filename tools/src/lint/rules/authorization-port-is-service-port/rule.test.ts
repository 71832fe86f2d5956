import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("authorization-port-is-service-port", () => {
  it("flags Service ports written where the workload's target port is meant", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["authorization-port-is-service-port", "allow-vapora-frontend", 34, "/spec/rules/0/to/0/operation/ports/0"],
      ["authorization-port-is-service-port", "deny-batch", 88, "/spec/rules/0/when/0/values/0"],
    ]);
    expect(findings[0]?.message).toBe(
      "rules[0].to[0].operation.ports: 80 is the port of Service vapora-frontend, but that traffic reaches " +
        "vapora-frontend-stable, vapora-frontend-canary on target port 8080, and the sidecar matches " +
        "AuthorizationPolicy ports against the workload port, so this ALLOW rule never matches that traffic. Write " +
        'the target (container) port "8080" instead',
    );
    expect(findings[1]?.message).toContain("reaches orders on target port 50051");
    expect(findings[1]?.message).toContain("this DENY rule never matches that traffic");
  });

  it("accepts target ports, ports that are both, and workloads the config does not describe", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("reads the ports of pods no object describes from the Service that selects them", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/inferred-pods.yaml", import.meta.url));
    expect(findings.map((f) => [f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["allow-ledger", 28, "/spec/rules/0/to/0/operation/ports/0"],
    ]);
    expect(findings[0]?.message).toContain(
      "80 is the port of Service ledger, but that traffic reaches ledger (pods inferred from its Service) on target port 8080",
    );
  });
});
