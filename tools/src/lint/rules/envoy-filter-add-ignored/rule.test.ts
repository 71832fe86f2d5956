import { describe, expect, it } from "vitest";
import { lintFixture } from "../../../../test/helpers/lint-fixture.js";
import rule from "./rule.js";

describe("envoy-filter-add-ignored", () => {
  it("flags ADD on ROUTE_CONFIGURATION and on HTTP_ROUTE", async () => {
    const findings = await lintFixture(rule, new URL("./fixtures/invalid.yaml", import.meta.url));
    expect(findings.map((f) => [f.ruleId, f.code ?? null, f.severity, f.resource?.name, f.location?.line, f.location?.pointer])).toEqual([
      [rule.id, "IST0153", "error", "add-routes", 11, "/spec/configPatches/0/patch/operation"],
      [rule.id, "IST0153", "error", "add-routes", 20, "/spec/configPatches/1/patch/operation"],
    ]);
    expect(findings[0]?.message).toBe(
      "configPatches[0]: ADD on ROUTE_CONFIGURATION is ignored by istiod. To add a route use INSERT_FIRST, " +
        "INSERT_BEFORE or INSERT_AFTER on HTTP_ROUTE; to change a route configuration use MERGE",
    );
  });

  it("accepts ADD on a CLUSTER and INSERT_FIRST on an HTTP_ROUTE", async () => {
    expect(await lintFixture(rule, new URL("./fixtures/valid.yaml", import.meta.url))).toEqual([]);
  });
});
