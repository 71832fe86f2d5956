import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("envoy-filter-replace-unsupported", () => {
  it("flags REPLACE on a CLUSTER and on a LISTENER", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0152", "error", "replace-cluster", 15, "/spec/configPatches/0/patch/operation"],
      [rule.id, "IST0152", "error", "replace-cluster", 20, "/spec/configPatches/1/patch/operation"],
    ]);
    expect(findings[0]?.message).toBe(
      "configPatches[0]: REPLACE on CLUSTER is never applied: istiod replaces only HTTP_FILTER, " +
        "NETWORK_FILTER and VIRTUAL_HOST objects. Use MERGE to change CLUSTER, or REMOVE it and ADD the new " +
        "one",
    );
  });

  it("accepts REPLACE on HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
