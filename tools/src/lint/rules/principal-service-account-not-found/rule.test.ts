import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("principal-service-account-not-found", () => {
  it("flags principals and serviceAccounts naming a service account no workload or ServiceAccount has", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["principal-service-account-not-found", "allow-vapora-llm-router", 36, "/spec/rules/0/from/0/source/principals/0"],
      ["principal-service-account-not-found", "allow-vapora-llm-router", 40, "/spec/rules/1/from/0/source/serviceAccounts/0"],
    ]);
    expect(findings[0]?.message).toBe(
      'rules[0].from[0].source.principals: "cluster.local/ns/vapora/sa/vapora-backnd" names service account ' +
        '"vapora-backnd", but no workload in namespace vapora runs as it and no such ServiceAccount exists, so it ' +
        'matches no caller. Did you mean "vapora-backend"?',
    );
    expect(findings[1]?.message).toContain("Use one of: vapora-agents, vapora-backend");
  });

  it("accepts known accounts, unknown namespaces, other trust domains and wildcards", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
