import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("authorization-namespace-not-found", () => {
  it("flags namespaces and notNamespaces that match no namespace of the config", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["authorization-namespace-not-found", "IST0101", "allow-scrapes", 25, "/spec/rules/0/from/0/source/namespaces/0"],
      ["authorization-namespace-not-found", "IST0101", "allow-scrapes", 27, "/spec/rules/0/from/1/source/notNamespaces/0"],
      ["authorization-namespace-not-found", "IST0101", "allow-scrapes", 29, "/spec/rules/0/from/2/source/namespaces/0"],
    ]);
    expect(findings[0]?.message).toBe(
      'rules[0].from[0].source.namespaces: no namespace "monitorng" exists in the config, so the value matches no ' +
        'caller. Did you mean "monitoring"? If the namespace is created outside this config, declare it with a ' +
        "Namespace object or suppress this finding",
    );
    // Istio's namespace match is a case-sensitive regex.
    expect(findings[2]?.message).toContain('no namespace "Monitoring" exists in the config, so the value matches no caller. Did you mean "monitoring"?');
  });

  it("accepts declared, built-in and used namespaces, and patterns with a `*` anywhere that match one", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });

  it("says nothing when the config declares no Namespace at all", async () => {
    expect(await lintFixture(rule, new URL("../allow-policy-allows-everything/fixtures/invalid.yaml", import.meta.url))).toEqual([]);
  });
});
