import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("http-fields-on-tcp-port", () => {
  it("flags ALLOW and DENY rules with HTTP-only fields that apply to a TCP port", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["http-fields-on-tcp-port", "allow-backend-reads", 32, "/spec/rules/0/to/0/operation/methods"],
      ["http-fields-on-tcp-port", "deny-without-token", 48, "/spec/rules/0/from/0/source/notRequestPrincipals"],
    ]);
    expect(findings[0]?.message).toBe(
      'rules[0]: methods is HTTP-only, but the rule applies to TCP port 5432 of the workload (Service port postgres "tcp-postgres"): ' +
        "on a TCP port Istio skips the whole ALLOW rule, so it allows nothing there. Limit the rule to HTTP ports with " +
        'to.operation.ports, or declare the port HTTP (name "http-..." or appProtocol: http)',
    );
    expect(findings[1]?.message).toContain(
      "on a TCP port Istio drops only these fields, so this DENY rule matches every connection its other conditions match",
    );
  });

  it("accepts HTTP fields limited to HTTP or sniffed ports", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
