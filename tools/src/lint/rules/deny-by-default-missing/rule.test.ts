import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("deny-by-default-missing", () => {
  it("flags namespaces with workloads and no namespace-wide allow-nothing policy, in an environment", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url), "staging");
    expect(findings.map((f) => [f.ruleId, f.resource?.kind, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      ["deny-by-default-missing", "Deployment", "orders", 32, undefined],
      ["deny-by-default-missing", "Namespace", "vapora", 1, undefined],
    ]);
    expect(findings[1]?.message).toBe(
      "this namespace has workloads (vapora-backend) but no allow-nothing AuthorizationPolicy (spec: {}, no " +
        "selector), neither in it nor mesh-wide in istio-system, so a workload no ALLOW policy selects accepts every " +
        "request. Add an AuthorizationPolicy with spec: {} to it",
    );
    expect(findings[0]?.message).toContain("namespace shop has workloads (orders)");
  });

  it("accepts namespace-wide and mesh-wide allow-nothing policies", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url), "staging")).toEqual([]);
  });

  it("says nothing for loose files (no environment)", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url))).toEqual([]);
  });
});
