import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("authorization-host-without-port", () => {
  it("flags exact hosts without their host:* twin, as an error where the miss widens access", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.severity, f.location?.line, f.location?.pointer])).toEqual([
      ["authorization-host-without-port", "allow-api-host", "warning", 14, "/spec/rules/0/to/0/operation/hosts/0"],
      ["authorization-host-without-port", "deny-admin-host", "error", 30, "/spec/rules/0/to/0/operation/hosts/0"],
    ]);
    expect(findings[1]?.message).toBe(
      'rules[0].to[0].operation.hosts: "admin.vapora.example.com" is an exact match on the Host (:authority) ' +
        'header, which misses "admin.vapora.example.com:<port>" (clients and gateways send the port when it is not ' +
        "the default), so this DENY rule does not apply to such requests. Add " +
        '"admin.vapora.example.com:*" to the same list',
    );
    expect(findings[0]?.message).toContain("so such requests are not allowed by this rule");
  });

  it("accepts hosts listed with host:*, wildcards and explicit ports", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
